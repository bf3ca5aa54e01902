from decimal import Decimal

import pytest

from apps.goals.models import Goal, KeyIndicator
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .cascade_support import build, url


@pytest.fixture
def cascade(org_a, unit_a, alice, bob):
    return build(org_a, unit_a, alice, bob)


def _indicators(org, goal):
    with tenant_scope(org):
        return list(KeyIndicator.objects.filter(goal=goal).order_by("name").values_list("name", "target"))


GOOD = {
    "name": "Complaints answered in a day",
    "unit_of_measure": "%",
    "direction": "higher",
    "baseline": "50",
    "target": "90",
    "actual": "70",
    "due_date": "2026-12-01",
}


def test_hr_adds_an_indicator_and_the_goal_progress_follows(alice_client, org_a, cascade):
    path = url("goals:indicator_create", org_a, goal_id=cascade["c1"].public_id)
    assert alice_client.get(path).status_code == 200
    response = alice_client.post(path, GOOD)
    assert response["Location"] == url("goals:goal_detail", org_a, goal_id=cascade["c1"].public_id)
    assert _indicators(org_a, cascade["c1"]) == [("Complaints answered in a day", Decimal("90"))]
    with tenant_scope(org_a):
        assert Goal.objects.get(pk=cascade["c1"].pk).progress == Decimal("50.00")  # 50 → 70 of 50 → 90


def test_a_target_equal_to_the_baseline_is_refused_at_the_target(alice_client, org_a, cascade):
    path = url("goals:indicator_create", org_a, goal_id=cascade["c1"].public_id)
    response = alice_client.post(path, {**GOOD, "target": "50"})
    assert response.status_code == 200
    assert "equals the baseline" in response.context["form"].errors["target"][0]
    assert _indicators(org_a, cascade["c1"]) == []


def test_a_target_on_the_wrong_side_for_the_direction_is_refused(alice_client, org_a, cascade):
    path = url("goals:indicator_create", org_a, goal_id=cascade["c1"].public_id)
    response = alice_client.post(path, {**GOOD, "direction": "lower"})
    assert "below the baseline" in response.context["form"].errors["target"][0]


def test_not_a_number_is_refused_at_the_field(alice_client, org_a, cascade):
    path = url("goals:indicator_create", org_a, goal_id=cascade["c1"].public_id)
    response = alice_client.post(path, {**GOOD, "baseline": "lots"})
    assert "baseline" in response.context["form"].errors
    assert _indicators(org_a, cascade["c1"]) == []


def test_hr_edits_an_indicator(alice_client, org_a, cascade):
    path = url("goals:indicator_edit", org_a, keyindicator_id=cascade["kpi"].public_id)
    form = alice_client.get(path).context["form"]
    assert form.initial["name"] == "Repeat customers"
    response = alice_client.post(path, {**GOOD, "name": "Repeat customers", "baseline": "20", "target": "50"})
    assert response["Location"] == url("goals:goal_detail", org_a, goal_id=cascade["u1"].public_id)
    assert _indicators(org_a, cascade["u1"]) == [("Repeat customers", Decimal("50"))]


def test_an_edit_to_target_equal_baseline_changes_nothing(alice_client, org_a, cascade):
    path = url("goals:indicator_edit", org_a, keyindicator_id=cascade["kpi"].public_id)
    response = alice_client.post(path, {**GOOD, "baseline": "20", "target": "20"})
    assert "target" in response.context["form"].errors
    assert _indicators(org_a, cascade["u1"]) == [("Repeat customers", Decimal("40"))]


def test_a_member_may_see_but_not_change_a_unit_goals_indicators(bob_client, org_a, cascade):
    assert bob_client.get(url("goals:indicator_create", org_a, goal_id=cascade["u1"].public_id)).status_code == 403
    edit = url("goals:indicator_edit", org_a, keyindicator_id=cascade["kpi"].public_id)
    assert bob_client.post(edit, GOOD).status_code == 403
    assert _indicators(org_a, cascade["u1"]) == [("Repeat customers", Decimal("40"))]


def test_indicators_of_someone_elses_target_are_not_found(bob_client, org_a, cascade):
    with tenant_scope(org_a):
        kpi = factories.KeyIndicatorFactory(organization=org_a, goal=cascade["t_erin"])
    assert bob_client.get(url("goals:indicator_edit", org_a, keyindicator_id=kpi.public_id)).status_code == 404
    assert (
        bob_client.post(url("goals:indicator_create", org_a, goal_id=cascade["t_erin"].public_id), GOOD).status_code
        == 404
    )


def test_a_member_adds_an_indicator_to_their_own_draft_target(bob_client, org_a, cascade):
    response = bob_client.post(url("goals:indicator_create", org_a, goal_id=cascade["t_bob"].public_id), GOOD)
    assert response.status_code == 302
    assert len(_indicators(org_a, cascade["t_bob"])) == 1
