"""A cycle's training needs: what counts (rated appraisals, each template's own bottom band),
the roll-ups by competency and by unit, the list and its CSV file, who may read them, and a
fixed number of queries whatever the number of appraisals."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.committees.models import CommitteeKind
from apps.cycles.models import AppraisalState, CycleStatus
from apps.reports.permissions import NO_ACCESS, training_needs_scope
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads

from .training_world import add_appraisal, build_world


@pytest.fixture
def world(org_a, unit_a, alice, bob):
    return build_world(org_a, unit_a)


def _url(world, name="training_needs", unit=None):
    url = reverse(f"reports:{name}", kwargs={"org_slug": world.org.slug, "cycle_id": world.cycle.public_id})
    return f"{url}?unit={unit.public_id}" if unit is not None else url


def test_the_roll_up_counts_rated_appraisals_against_each_templates_bottom_band(alice_client, world):
    response = alice_client.get(_url(world))
    assert response.status_code == 200
    context = response.context
    assert (context["appraised"], context["with_needs"]) == (6, 3)  # p1, p2, p4, p5, p6 and the unrated one
    assert [(row.name, row.rated, row.to_develop) for row in context["competencies"]] == [
        ("Teamwork", 4, 2),  # p1 (2 of five), p4 (1 of three); not p2 (2 of three) nor the draft p3
        ("Planning", 2, 1),
    ]
    units = [(row.unit.name, row.own_staff, row.appraised, row.with_needs) for row in context["units"]]
    assert units == [("Alpha HQ", True, 1, 0), ("Ops", False, 2, 1), ("Sales", False, 3, 2)]
    listed = {appraisal.pk: appraisal for appraisal in context["page_obj"].object_list}
    assert set(listed) == {world.p1.pk, world.p4.pk, world.p5.pk, world.p6.pk}
    assert listed[world.p1.pk].to_develop == ["Teamwork"]
    assert listed[world.p5.pk].to_develop == ["Planning"]
    assert (listed[world.p4.pk].officer_view, listed[world.p6.pk].to_develop) == ("Needs the refresher", [])
    html = response.content.decode()
    assert "1 (Poor) or 2 (Fair)" in html and "An Excel course" in html and "Mentoring" in html
    assert "Not handed on" not in html


def test_a_unit_narrows_everything_to_its_sub_tree(alice_client, world):
    context = alice_client.get(_url(world, unit=world.sales)).context
    assert (context["unit"], context["appraised"], context["with_needs"]) == (world.sales, 3, 2)
    assert [(row.unit.name, row.appraised) for row in context["units"]] == [("Sales", 1), ("North", 2)]
    assert [(row.name, row.rated, row.to_develop) for row in context["competencies"]] == [
        ("Planning", 2, 1),
        ("Teamwork", 2, 1),
    ]
    assert {a.pk for a in context["page_obj"].object_list} == {world.p1.pk, world.p5.pk}


def test_an_unknown_unit_shows_the_whole_organisation(alice_client, world):
    url = _url(world) + "?unit=not-a-unit"
    response = alice_client.get(url)
    assert response.status_code == 200 and response.context["unit"] is None


def test_the_csv_holds_every_listed_row_whole_and_records_the_download(alice_client, world):
    response = alice_client.get(_url(world, "training_needs_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="training-needs-year-2026-all.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["Staff number", "Name"]
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {a.employee.staff_number for a in (world.p1, world.p4, world.p5, world.p6)}
    p1 = by_number[world.p1.employee.staff_number]
    assert (p1[2], p1[5], p1[6], p1[7], p1[9]) == ("North", "Countersigned", "Teamwork", "An Excel course", "Mentoring")
    # A text that a spreadsheet would run as a formula is kept as text.
    assert by_number[world.p6.employee.staff_number][7] == '\'=HYPERLINK("http://x")'
    with tenant_scope(world.org):
        event = AuditEvent.objects.get(action="report.training_needs_exported")
    assert event.object_id == world.cycle.public_id and event.changes == {"unit": None}


def test_the_csv_of_a_unit_is_named_after_it(alice_client, world):
    response = alice_client.get(_url(world, "training_needs_csv", unit=world.ops))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == [world.p4.employee.staff_number]
    assert response["Content-Disposition"].endswith(f'-{world.ops.code.lower()}.csv"')


@pytest.mark.parametrize(
    ("kind", "active", "allowed"),
    [
        (CommitteeKind.PMC, True, True),
        (CommitteeKind.HR_SUPPORT, True, True),
        (CommitteeKind.PMC, False, False),
        (CommitteeKind.MODERATION_PANEL, True, False),
        (None, True, False),
    ],
)
def test_hr_and_the_groups_that_plan_training_read_it_others_get_404(bob_client, bob, world, kind, active, allowed):
    if kind is not None:
        with tenant_scope(world.org):
            committee = factories.CommitteeFactory(organization=world.org, kind=kind, is_active=active)
            factories.CommitteeMemberFactory(
                organization=world.org, committee=committee, employee=bob.employments.get()
            )
    for name in ("training_needs", "training_needs_csv"):
        assert bob_client.get(_url(world, name)).status_code == (200 if allowed else 404)
    with tenant_scope(world.org):
        assert AuditEvent.objects.filter(action="report.training_needs_exported").count() == (1 if allowed else 0)


def test_hrs_cycle_overview_links_to_it(alice_client, world):
    overview = reverse("cycles:cycle_overview", kwargs={"org_slug": world.org.slug, "cycle_id": world.cycle.public_id})
    assert _url(world) in alice_client.get(overview).content.decode()


def test_a_cycle_without_rated_appraisals_says_so(alice_client, world, org_a):
    with tenant_scope(org_a):
        empty = factories.CycleFactory(organization=org_a, status=CycleStatus.ACTIVE, name="Next year")
    url = reverse("reports:training_needs", kwargs={"org_slug": org_a.slug, "cycle_id": empty.public_id})
    response = alice_client.get(url)
    assert response.status_code == 200 and "No rated appraisals" in response.content.decode()


def _queries(client, url) -> int:
    forget_cached_reads()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_however_many_appraisals(alice_client, world):
    _queries(alice_client, _url(world))  # the sign-in's first reads
    few = _queries(alice_client, _url(world))
    with tenant_scope(world.org):
        for n in range(12):
            add_appraisal(
                world,
                world.north if n % 2 else world.ops,
                world.a,
                AppraisalState.RELEASED,
                {"a1": 1 + n % 5, "a2": 2},
                stated=f"Need {n}",
            )
    assert _queries(alice_client, _url(world)) == few
    assert _queries(alice_client, _url(world, unit=world.sales)) <= few + 1


def test_the_training_planners_committee_page_links_to_each_launched_cycles_needs(bob_client, bob, world):
    with tenant_scope(world.org):
        group = factories.CommitteeFactory(organization=world.org, kind=CommitteeKind.HR_SUPPORT, name="HR support")
        factories.CommitteeMemberFactory(organization=world.org, committee=group, employee=bob.employments.get())
        draft = factories.CycleFactory(organization=world.org, status=CycleStatus.DRAFT, name="Being prepared")
    detail = reverse(
        "committees:committee_detail", kwargs={"org_slug": world.org.slug, "committee_id": group.public_id}
    )
    html = bob_client.get(detail).content.decode()
    assert _url(world) in html
    assert str(draft.public_id) not in html


def test_a_group_scoped_to_a_unit_reads_that_unit_only(bob_client, bob, world):
    with tenant_scope(world.org):
        group = factories.CommitteeFactory(organization=world.org, kind=CommitteeKind.HR_SUPPORT, name="Ops support")
        group.units.set([world.ops])
        factories.CommitteeMemberFactory(organization=world.org, committee=group, employee=bob.employments.get())
    for asked in (None, world.sales):  # nothing chosen, or a unit outside the group's scope
        context = bob_client.get(_url(world, unit=asked)).context
        assert context["unit"] == world.ops
        assert {a.pk for a in context["page_obj"].object_list} == {world.p4.pk}
        choices = [label for _value, label in context["form"].fields["unit"].choices]
        assert [label.strip() for label in choices] == [f"Ops · {world.ops.code}"]
    rows = list(
        csv.reader(io.StringIO(b"".join(bob_client.get(_url(world, "training_needs_csv")).streaming_content).decode()))
    )
    assert [row[0] for row in rows[1:]] == [world.p4.employee.staff_number]


def test_the_scope_is_the_outermost_units_of_the_persons_groups(bob, world, org_a):
    with tenant_scope(org_a):
        employee, membership = bob.employments.get(), Membership.objects.get(user=bob, organization=org_a)

        def scope():
            return training_needs_scope(employee=employee, membership=membership)

        assert scope() is NO_ACCESS
        for unit in (world.north, world.sales):
            group = factories.CommitteeFactory(organization=org_a, kind=CommitteeKind.HR_SUPPORT)
            group.units.set([unit])
            factories.CommitteeMemberFactory(organization=org_a, committee=group, employee=employee)
        assert scope() == [world.sales.path]
        factories.CommitteeMemberFactory(
            organization=org_a,
            committee=factories.CommitteeFactory(organization=org_a, kind=CommitteeKind.PMC),
            employee=employee,
        )
        assert scope() is None


def test_the_unit_filter_offers_the_units_near_the_one_shown(alice_client, world):
    def offered(unit=None):
        form = alice_client.get(_url(world, unit=unit)).context["form"]
        return [label.strip().split(" · ")[0] for value, label in form.fields["unit"].choices if value]

    # The top unit and its sub-units, not the whole tree (a large organisation has hundreds).
    assert sorted(offered()) == ["Alpha HQ", "Ops", "Sales"]
    assert "North" in offered(world.sales) and "North" in offered(world.north)
