"""Changing a goal's status, agreeing a work target and proposing a position target to its holders."""

import pytest

from apps.goals.models import Goal, GoalLevel, GoalStatus
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .cascade_support import build, url


@pytest.fixture
def cascade(org_a, unit_a, alice, bob):
    return build(org_a, unit_a, alice, bob)


def _status_of(org, goal):
    with tenant_scope(org):
        return Goal.objects.get(pk=goal.pk).status


# --- Status ------------------------------------------------------------------------------------


def test_get_shows_a_small_form_with_the_status_preselected(alice_client, org_a, cascade):
    path = url("goals:goal_status", org_a, goal_id=cascade["c1"].public_id)
    form = alice_client.get(path, {"status": "achieved"}).context["form"]
    assert form.initial["status"] == "achieved"
    assert [value for value, _ in form.fields["status"].choices] == ["achieved", "missed", "dropped"]


def test_hr_marks_a_goal_achieved(alice_client, org_a, cascade):
    path = url("goals:goal_status", org_a, goal_id=cascade["c1"].public_id)
    response = alice_client.post(path, {"status": "achieved"})
    assert response["Location"] == url("goals:goal_detail", org_a, goal_id=cascade["c1"].public_id)
    assert _status_of(org_a, cascade["c1"]) == GoalStatus.ACHIEVED


def test_dropping_needs_a_reason_and_nothing_changes_without_one(alice_client, org_a, cascade):
    path = url("goals:goal_status", org_a, goal_id=cascade["c1"].public_id)
    response = alice_client.post(path, {"status": "dropped", "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why the goal is dropped."]
    assert _status_of(org_a, cascade["c1"]) == GoalStatus.ACTIVE
    alice_client.post(path, {"status": "dropped", "reason": "Market closed"})
    assert _status_of(org_a, cascade["c1"]) == GoalStatus.DROPPED
    with tenant_scope(org_a):
        event = AuditEvent.objects.get(action="goal.status_changed", object_id=cascade["c1"].public_id)
    assert event.changes["reason"] == "Market closed"


def test_a_member_may_not_change_a_unit_goals_status(bob_client, org_a, cascade):
    path = url("goals:goal_status", org_a, goal_id=cascade["u1"].public_id)
    assert bob_client.get(path).status_code == 403
    assert bob_client.post(path, {"status": "achieved"}).status_code == 403
    assert _status_of(org_a, cascade["u1"]) == GoalStatus.ACTIVE


def test_nobody_activates_their_own_draft_target_by_changing_its_status(bob_client, org_a, cascade):
    path = url("goals:goal_status", org_a, goal_id=cascade["t_bob"].public_id)
    response = bob_client.post(path, {"status": "active"})
    assert "status" in response.context["form"].errors
    assert _status_of(org_a, cascade["t_bob"]) == GoalStatus.DRAFT


def test_someone_elses_target_is_not_found(bob_client, org_a, cascade):
    path = url("goals:goal_status", org_a, goal_id=cascade["t_erin"].public_id)
    assert bob_client.post(path, {"status": "achieved"}).status_code == 404


# --- Agree -------------------------------------------------------------------------------------


def test_the_manager_agrees_a_draft_target(alice_client, org_a, cascade):
    path = url("goals:goal_agree", org_a, goal_id=cascade["t_bob"].public_id)
    assert b"Agree this work target?" in alice_client.get(path).content
    response = alice_client.post(path)
    assert response["Location"] == url("goals:goal_detail", org_a, goal_id=cascade["t_bob"].public_id)
    with tenant_scope(org_a):
        target = Goal.objects.get(pk=cascade["t_bob"].pk)
    assert target.status == GoalStatus.ACTIVE and target.agreed_by.first_name == "Alice"


def test_nobody_agrees_their_own_target(bob_client, org_a, cascade):
    path = url("goals:goal_agree", org_a, goal_id=cascade["t_bob"].public_id)
    assert bob_client.get(path).status_code == 403
    assert bob_client.post(path).status_code == 403
    assert _status_of(org_a, cascade["t_bob"]) == GoalStatus.DRAFT


def test_an_agreed_target_sends_back_to_its_page(alice_client, org_a, cascade):
    path = url("goals:goal_agree", org_a, goal_id=cascade["t_erin"].public_id)
    response = alice_client.post(path)
    assert response.status_code == 302
    assert response["Location"] == url("goals:goal_detail", org_a, goal_id=cascade["t_erin"].public_id)


def test_only_work_targets_are_agreed(alice_client, org_a, cascade):
    assert alice_client.get(url("goals:goal_agree", org_a, goal_id=cascade["u1"].public_id)).status_code == 404


# --- Propose a position target to its holders ---------------------------------------------------


def test_hr_proposes_a_position_target_to_the_holders_who_lack_it(alice_client, org_a, unit_a, cascade):
    with tenant_scope(org_a):
        newcomer = factories.EmployeeFactory(
            organization=org_a, unit=unit_a, position=cascade["post"], first_name="Nia"
        )
    path = url("goals:goal_propose", org_a, goal_id=cascade["p1"].public_id)
    page = alice_client.get(path)
    assert sorted(holder.first_name for holder in page.context["new_holders"]) == ["Bob", "Erin", "Nia"]
    assert b"Propose to 3 holders" in page.content
    response = alice_client.post(path)
    assert response["Location"] == url("goals:goal_detail", org_a, goal_id=cascade["p1"].public_id)
    with tenant_scope(org_a):
        proposals = Goal.objects.filter(source=cascade["p1"], level=GoalLevel.INDIVIDUAL)
        assert {goal.employee_id for goal in proposals} == {cascade["bob_e"].pk, cascade["erin"].pk, newcomer.pk}
        assert all(goal.status == GoalStatus.DRAFT for goal in proposals)
    alice_client.post(path)
    with tenant_scope(org_a):
        assert Goal.objects.filter(source=cascade["p1"]).count() == 3  # nobody gets it twice


def test_a_member_may_not_propose(bob_client, org_a, cascade):
    path = url("goals:goal_propose", org_a, goal_id=cascade["p1"].public_id)
    assert bob_client.get(path).status_code == 403
    assert bob_client.post(path).status_code == 403


def test_only_position_targets_are_proposed(alice_client, org_a, cascade):
    assert alice_client.post(url("goals:goal_propose", org_a, goal_id=cascade["u1"].public_id)).status_code == 404
