"""The session page's figures: levels per unit and per officer, shares against the guideline,
officers' spread and leniency, all from GROUP BY queries: the page costs the same number of
queries for 3 appraisals as for 30."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import StdDev
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.committees.selectors_moderation import distribution, focus_of, level_chart
from apps.committees.services_moderation import session_open
from apps.cycles.models import Appraisal, AppraisalState
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads

from .moderation_world import actor, add_appraisal, build_world, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, unit_a, alice, bob):
    world = build_world(org_a, unit_a, alice, bob)
    # Otto in Sales: 5, 5, 4 (mean 4.67); Vera in Sales North: 3, 3, 2 (mean 2.67).
    for score in (5, 5, 4):
        add_appraisal(world, world.sales, "otto", score, level=str(score))
    for score in (3, 3, 2):
        add_appraisal(world, world.north, "vera", score, level=str(score))
    add_appraisal(world, world.north, "vera", 4, state=AppraisalState.WITH_COUNTERSIGNING, level="4")
    add_appraisal(world, world.ops, "vera", 1, level="1")  # outside the panel's scope
    with tenant_scope(world.org):
        world.session = session_open(**actor(world, "cleo"), panel=world.panel, cycle=world.cycle)
        factories.ModerationGuidelineFactory(
            organization=world.org, cycle=world.cycle, shares={"5": "10", "4": "20", "3": "40", "2": "20", "1": "10"}
        )
    return world


def _counts(row):
    return {cell.label: cell.count for cell in row.cells if cell.count}


def test_levels_per_unit_and_officer_count_the_ready_appraisals_in_scope(world):
    with tenant_scope(world.org):
        figures = distribution(world.session)
    assert figures["levels"] == ["5", "4", "3", "2", "1"]
    assert (figures["ready_count"], figures["not_ready_count"]) == (6, 1)
    by_unit = {row.name: _counts(row) for row in figures["by_unit"]}
    assert by_unit == {"Sales": {"5": 2, "4": 1}, "Sales North": {"3": 2, "2": 1}}
    by_officer = {row.name: _counts(row) for row in figures["officers"]}
    assert by_officer == {"Otto Example": {"5": 2, "4": 1}, "Vera Example": {"3": 2, "2": 1}}
    overall = {cell.label: (cell.count, cell.percent, cell.guideline) for cell in figures["overall"]}
    assert overall["5"] == (2, Decimal("33.3"), Decimal("10"))
    assert overall["1"] == (0, Decimal("0"), Decimal("10"))
    assert figures["overall"][0].difference == Decimal("23.3")


def test_officers_spread_and_leniency_against_the_rest(world):
    with tenant_scope(world.org):
        officers = {o.name: o for o in distribution(world.session)["officers"]}
    otto, vera = officers["Otto Example"], officers["Vera Example"]
    assert (otto.count, otto.mean, vera.mean) == (3, Decimal("4.67"), Decimal("2.67"))
    assert otto.spread == Decimal("0.47")  # population standard deviation of 5, 5, 4
    assert (otto.leniency, vera.leniency) == (Decimal("2.00"), Decimal("-2.00"))
    assert otto.flagged and vera.flagged


def test_an_officers_spread_is_postgresqls_population_deviation_of_their_scores(world):
    """The spread comes from sums per level; it matches STDDEV_POP over the same scores, with
    unscored appraisals and scores of several levels left out or counted as the database does."""
    for score, level in ((3.25, "3"), (4.1, "4"), (2.75, "3"), (3.9, "4"), (None, "")):
        add_appraisal(world, world.sales, "mo", score, level=level)
    with tenant_scope(world.org):
        mo = next(o for o in distribution(world.session)["officers"] if o.name.startswith("Mo "))
        expected = Appraisal.objects.filter(appraising_officer=world.employees["mo"]).aggregate(
            spread=StdDev("overall_score", sample=False)
        )["spread"]
    assert (mo.count, mo.scored, mo.mean) == (5, 4, Decimal("3.50"))
    assert mo.spread == Decimal(str(expected)).quantize(Decimal("0.01")) == Decimal("0.54")
    assert _counts(mo) == {"4": 2, "3": 2, "": 1}


def test_a_lone_officer_or_a_small_sample_is_not_flagged(org_a, unit_a, alice, bob):
    world = build_world(org_a, unit_a, alice, bob)
    add_appraisal(world, world.sales, "otto", 5, level="5")
    add_appraisal(world, world.sales, "vera", 2, level="2")
    with tenant_scope(world.org):
        session = session_open(**actor(world, "cleo"), panel=world.panel, cycle=world.cycle)
        officers = distribution(session)["officers"]
    assert [o.leniency for o in officers] == [Decimal("3.00"), Decimal("-3.00")]
    assert not any(o.flagged for o in officers)


def test_the_chart_describes_every_bar_in_words(world):
    with tenant_scope(world.org):
        chart = level_chart(distribution(world.session)["overall"])
    assert len(chart["bars"]) == 5
    assert "level 5: 2 (33.3%), guideline 10%" in chart["description"]
    assert all(bar["guide_y"] is not None for bar in chart["bars"])


def _page_queries(client, url) -> int:
    client.get(url)  # the first request of a session writes its own rows
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_session_page_runs_a_fixed_number_of_queries(world):
    client = client_for(world, "mo")
    url = org_reverse("moderation:session_detail", world.org, moderationsession_id=world.session.public_id)
    small = _page_queries(client, url)
    for i in range(30):
        add_appraisal(
            world, world.north if i % 2 else world.sales, "otto" if i % 3 else "vera", 1 + i % 5, level=str(1 + i % 5)
        )
    assert _page_queries(client, url) == small
    assert _page_queries(client, url + "?page=2") == small


def test_the_filtered_list_and_its_htmx_fragment_run_a_fixed_number_of_queries(world):
    client = client_for(world, "cleo")
    url = org_reverse("moderation:session_detail", world.org, moderationsession_id=world.session.public_id)
    url += f"?unit={world.north.public_id}"
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "session-appraisals"}
    client.get(url, **headers)
    forget_cached_reads()
    with CaptureQueriesContext(connection) as before:
        response = client.get(url, **headers)
    assert response.status_code == 200 and b"<html" not in response.content
    for _ in range(20):
        add_appraisal(world, world.north, "vera", 3, level="3")
    forget_cached_reads()
    with CaptureQueriesContext(connection) as after:
        client.get(url, **headers)
    assert len(after) == len(before)


def test_the_cached_session_page_shows_a_change_at_once(world):
    """The page's figures are cached until a write to what they are read from: a level changed by a
    bare UPDATE (no service, no signal) shows on the next request, and so does a renamed unit."""
    client = client_for(world, "cleo")
    url = org_reverse("moderation:session_detail", world.org, moderationsession_id=world.session.public_id)
    assert "Sales North" in client.get(url).content.decode()
    with tenant_scope(world.org):
        type(world.appraisals[0]).objects.filter(pk__in=[a.pk for a in world.appraisals]).update(overall_level="1")
        type(world.north).objects.filter(pk=world.north.pk).update(name="Sales Nord")
    body = client.get(url).content.decode()
    assert "Sales Nord" in body and "Sales North" not in body
    assert "level 1: 6 (100.0%)" in body
    # Junk in the page numbers reads as the first page, not as a key of its own or an error.
    assert client.get(url + "?page=%20x&officers_page=-3").status_code == 200


def test_an_appraisees_edit_stamp_leaves_the_figures_cached(world):
    """A save of an appraisee's own rows moves only the appraisal's version and updated_at, which
    the page never reads: its figures stay cached (generations.APPRAISAL_STATES)."""
    client = client_for(world, "cleo")
    url = org_reverse("moderation:session_detail", world.org, moderationsession_id=world.session.public_id)
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    with tenant_scope(world.org):
        type(world.appraisals[0]).objects.filter(pk=world.appraisals[0].pk).update(version=7, updated_at=timezone.now())
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(warm)


def test_the_session_list_runs_a_fixed_number_of_queries(world):
    client = client_for(world, "alice")
    url = org_reverse("moderation:session_list", world.org)
    small = _page_queries(client, url)
    with tenant_scope(world.org):
        for _ in range(5):
            factories.ModerationSessionFactory(organization=world.org, cycle=world.cycle, status="closed")
    assert _page_queries(client, url) == small


# --- The focus: one unit of the scope at a time -----------------------------------------------


def test_the_scope_unit_is_the_focus_its_own_staff_first_then_each_sub_unit(world):
    with tenant_scope(world.org):
        focus = focus_of(world.session)
        rows = distribution(world.session, focus)["by_unit"]
    assert focus.unit == world.sales and focus.trail == []
    assert [(row.name, row.own_staff, row.total) for row in rows] == [("Sales", True, 3), ("Sales North", False, 3)]


def test_drilling_down_counts_only_the_chosen_unit_and_shows_the_way_back(world):
    with tenant_scope(world.org):
        deep = factories.OrgUnitFactory(organization=world.org, parent=world.north, name="North East")
        add_appraisal(world, deep, "vera", 5, level="5")
        focus = focus_of(world.session, world.north)
        figures = distribution(world.session, focus)
    assert [u.name for u in focus.trail] == ["Sales"]
    rows = {row.name: (row.own_staff, _counts(row)) for row in figures["by_unit"]}
    assert rows == {"Sales North": (True, {"3": 2, "2": 1}), "North East": (False, {"5": 1})}
    assert (figures["ready_count"], figures["not_ready_count"]) == (4, 1)
    assert [o.name for o in figures["officers"]] == ["Vera Example"]


def test_a_scope_of_several_units_shows_them_side_by_side(world):
    with tenant_scope(world.org):
        world.panel.units.add(world.ops)
        session = type(world.session).objects.prefetch_related("panel__units").get(pk=world.session.pk)
        figures = distribution(session)
    assert figures["focus"].unit is None
    assert {row.name: row.total for row in figures["by_unit"]} == {"Sales": 6, "Ops": 1}


def test_flagged_officers_come_first_and_the_officers_are_paged(world, monkeypatch):
    monkeypatch.setattr("apps.committees.selectors_moderation.OFFICERS_PAGE_SIZE", 1)
    with tenant_scope(world.org):
        first = distribution(world.session)
        second = distribution(world.session, officers_page=2)
    assert first["officers_page"].paginator.count == 2
    assert [o.name for o in first["officers"]] == ["Otto Example"]  # both flagged, equally far: by name
    assert [o.name for o in second["officers"]] == ["Vera Example"]
    assert _counts(second["officers"][0]) == {"3": 2, "2": 1}


def test_the_focus_fragment_follows_the_chosen_unit(world):
    client = client_for(world, "cleo")
    url = org_reverse("moderation:session_detail", world.org, moderationsession_id=world.session.public_id)
    response = client.get(
        url + f"?unit={world.north.public_id}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="moderation-focus"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="moderation-focus"' in body and "Sales North" in body and "(its own staff)" in body
    # A unit outside the panel's scope is no focus: the page stays on the scope.
    outside = client.get(url + f"?unit={world.ops.public_id}").content.decode()
    assert "Appraisals in Sales<" in outside


def test_a_panel_naming_every_top_unit_reads_its_figures_without_the_unit_filter(world, unit_a):
    with tenant_scope(world.org):
        world.panel.units.set([unit_a])
        session = type(world.session).objects.prefetch_related("panel__units").get(pk=world.session.pk)
        whole = focus_of(session)
        assert whole.unit == unit_a and whole.whole_organisation and whole.paths is None
        # Ops is counted too: the whole organisation is in scope.
        assert distribution(session, whole)["ready_count"] == 7
        factories.OrgUnitFactory(organization=world.org, parent=None, name="Another top unit")
        session = type(world.session).objects.prefetch_related("panel__units").get(pk=world.session.pk)
        assert not focus_of(session).whole_organisation
        assert focus_of(session).paths == [unit_a.path]
