import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.goals.models import GoalLevel, GoalStatus
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .cascade_support import build, url


@pytest.fixture
def cascade(org_a, unit_a, alice, bob):
    return build(org_a, unit_a, alice, bob)


@pytest.fixture
def olly_client(cascade):
    client = Client()
    client.force_login(cascade["olly"])
    return client


def _gaps(client, org, **params):
    return client.get(url("goals:alignment_gaps", org), params)


def _titles(response, section):
    return sorted(goal.title for goal in response.context["sections"][section]["rows"])


def test_a_plain_member_may_not_see_the_gaps(bob_client, org_a, cascade):
    assert _gaps(bob_client, org_a).status_code == 403


def test_hr_sees_goals_nobody_carries_across_the_organisation(alice_client, org_a, cascade):
    response = _gaps(alice_client, org_a)
    assert response.status_code == 200
    # P1 is carried by work targets; S1 and U1 by sub-goals; the 2025 goal is another period.
    assert _titles(response, "uncarried") == ["Delight customers", "Enter two new markets", "Sales: win 40 accounts"]


def test_a_dropped_sub_goal_carries_nothing(alice_client, org_a, cascade):
    with tenant_scope(org_a):
        factories.GoalFactory(
            organization=org_a,
            period=cascade["period"],
            parent=cascade["s2"],
            level=GoalLevel.CORPORATE,
            status=GoalStatus.DROPPED,
            title="Given up",
        )
    assert "Delight customers" in _titles(_gaps(alice_client, org_a), "uncarried")


def test_work_targets_aligned_to_nothing_are_listed(alice_client, bob_client, org_a, unit_a, bob, cascade):
    with tenant_scope(org_a):
        factories.GoalFactory(
            organization=org_a,
            period=cascade["period"],
            level=GoalLevel.INDIVIDUAL,
            employee=bob.employments.get(),
            unit=unit_a,
            title="Floating target",
            status=GoalStatus.DRAFT,
        )
        factories.GoalFactory(
            organization=org_a,
            period=cascade["period"],
            level=GoalLevel.INDIVIDUAL,
            employee=cascade["erin"],
            unit=unit_a,
            title="Dropped floating target",
            status=GoalStatus.DROPPED,
        )
    response = _gaps(alice_client, org_a)
    assert _titles(response, "unaligned") == ["Floating target"]
    assert "Align" in response.content.decode()


def test_weights_that_do_not_add_up_show_their_sum(alice_client, org_a, cascade):
    response = _gaps(alice_client, org_a)
    rows = response.context["sections"]["unbalanced"]["rows"]
    # Under U1: U2 100% + P1 50%. Under S1: 60% + 40% is fine; P1's work targets are not shares of it.
    assert [(goal.title, goal.weight_total, goal.weighted_children) for goal in rows] == [
        ("HQ: double repeat sales", 150, 2)
    ]
    assert "150%" in response.content.decode()


def test_a_unit_head_sees_the_gaps_of_their_units_only(olly_client, org_a, cascade):
    response = _gaps(olly_client, org_a)
    assert response.status_code == 200
    assert _titles(response, "uncarried") == ["Sales: win 40 accounts"]
    assert _titles(response, "unbalanced") == []
    assert "in the units you lead" in response.content.decode()


def test_a_unit_head_sees_only_the_unaligned_targets_they_may_see(olly_client, org_a, cascade):
    sales = cascade["sales"]
    with tenant_scope(org_a):
        own_report = factories.EmployeeFactory(organization=org_a, unit=sales, manager=cascade["olly_e"])
        stranger = factories.EmployeeFactory(organization=org_a, unit=sales)
        for person, title in ((own_report, "Report's target"), (stranger, "Stranger's target")):
            factories.GoalFactory(
                organization=org_a,
                period=cascade["period"],
                level=GoalLevel.INDIVIDUAL,
                employee=person,
                unit=sales,
                title=title,
            )
    assert _titles(_gaps(olly_client, org_a), "unaligned") == ["Report's target"]


def test_no_gaps_says_so(alice_client, org_a, cascade):
    html = _gaps(alice_client, org_a, period=cascade["old"].public_id).content.decode()
    # The 2025 strategy has nothing under it, but it is the only goal: one gap, the other two sections empty.
    assert "No gaps here: every work target serves a goal above it." in html
    assert "No gaps here: wherever sub-goals carry weights, they add up to 100%." in html


def test_an_empty_period_has_no_gaps_at_all(alice_client, org_a, cascade):
    empty = factories.GoalPeriodFactory(organization=org_a, name="Next year")
    html = _gaps(alice_client, org_a, period=empty.public_id).content.decode()
    assert "No gaps: every goal is carried" in html


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_gaps_cost_the_same_queries_however_many_there_are(olly_client, org_a, cascade):
    path = url("goals:alignment_gaps", org_a)
    olly_client.get(path)  # the first request of a session also saves the session
    before = _queries(olly_client, path)
    sales = cascade["sales"]
    with tenant_scope(org_a):
        for n in range(5):
            parent = factories.GoalFactory(
                organization=org_a,
                period=cascade["period"],
                parent=cascade["u1"],
                level=GoalLevel.UNIT,
                unit=sales,
                title=f"Gap {n}",
                owner=factories.EmployeeFactory(organization=org_a, unit=sales),
            )
            factories.GoalFactory(
                organization=org_a,
                period=cascade["period"],
                parent=parent,
                level=GoalLevel.UNIT,
                unit=factories.OrgUnitFactory(organization=org_a, parent=sales),
                weight=30,
            )
            report = factories.EmployeeFactory(organization=org_a, unit=sales, manager=cascade["olly_e"])
            factories.GoalFactory(
                organization=org_a,
                period=cascade["period"],
                level=GoalLevel.INDIVIDUAL,
                employee=report,
                unit=sales,
            )
    response = _gaps(olly_client, org_a)
    assert response.context["gap_total"] > 10
    assert _queries(olly_client, path) == before
