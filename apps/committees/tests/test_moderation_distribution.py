"""The session page's figures: levels per unit and per officer, shares against the guideline,
officers' spread and leniency, all from GROUP BY queries: the page costs the same number of
queries for 3 appraisals as for 30."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.committees.selectors_moderation import distribution, level_chart
from apps.committees.services_moderation import session_open
from apps.cycles.models import AppraisalState
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

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
    by_officer = {row.name: _counts(row) for row in figures["by_officer"]}
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
    with CaptureQueriesContext(connection) as before:
        response = client.get(url, **headers)
    assert response.status_code == 200 and b"<html" not in response.content
    for _ in range(20):
        add_appraisal(world, world.north, "vera", 3, level="3")
    with CaptureQueriesContext(connection) as after:
        client.get(url, **headers)
    assert len(after) == len(before)


def test_the_session_list_runs_a_fixed_number_of_queries(world):
    client = client_for(world, "alice")
    url = org_reverse("moderation:session_list", world.org)
    small = _page_queries(client, url)
    with tenant_scope(world.org):
        for _ in range(5):
            factories.ModerationSessionFactory(organization=world.org, cycle=world.cycle, status="closed")
    assert _page_queries(client, url) == small
