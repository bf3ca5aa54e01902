"""Setting and changing goals with bad input: a message at the field, nothing written."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.goals.models import Goal, GoalLevel, GoalStatus
from apps.goals.services.goals import goal_agree, goal_create, goal_set_status, goal_update
from apps.goals.services.periods import period_set_closed
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .services_support import actor_for, rows


@pytest.fixture
def period(org_a):
    return factories.GoalPeriodFactory(organization=org_a, name="2026")


@pytest.fixture
def foreign(org_b):
    """A goal of the other tenant (a fixture: built outside any scope)."""
    return factories.GoalFactory(organization=org_b, title="Beta strategy")


@pytest.fixture
def cascade(org_a, unit_a, period):
    """A strategic goal, a corporate goal under it, and two sibling units under unit_a."""
    strategic = factories.GoalFactory(organization=org_a, period=period, title="Grow")
    corporate = factories.GoalFactory(
        organization=org_a,
        period=period,
        title="Win",
        level=GoalLevel.CORPORATE,
        parent=strategic,
        weight=Decimal("60"),
    )
    left = factories.OrgUnitFactory(organization=org_a, name="Left", parent=unit_a)
    right = factories.OrgUnitFactory(organization=org_a, name="Right", parent=unit_a)
    return {"strategic": strategic, "corporate": corporate, "left": left, "right": right}


def _refused(field, call, **kwargs):
    """Run a service call that must fail at `field` and leave every table as it was."""
    before = rows()
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert rows() == before
    return error.value.message_dict[field]


@pytest.mark.parametrize("weight", [Decimal("-1"), Decimal("150"), None])
def test_it_refuses_a_weight_out_of_range_when_creating(org_a, alice, period, cascade, weight):
    with tenant_scope(org_a):
        messages = _refused(
            "weight",
            goal_create,
            actor=actor_for(alice, org_a),
            period=period,
            level=GoalLevel.CORPORATE,
            title="Too heavy",
            parent=cascade["strategic"],
            weight=weight,
        )
    assert "0 to 100" in messages[0]


@pytest.mark.parametrize("weight", [Decimal("-1"), Decimal("150")])
def test_it_refuses_a_weight_out_of_range_when_editing(org_a, alice, cascade, weight):
    corporate = cascade["corporate"]
    with tenant_scope(org_a):
        _refused("weight", goal_update, actor=actor_for(alice, org_a), goal=corporate, weight=weight)
        assert Goal.objects.get(pk=corporate.pk).weight == Decimal("60")


def test_it_refuses_a_parent_of_another_organisation(org_a, alice, period, foreign):
    with tenant_scope(org_a):
        messages = _refused(
            "parent",
            goal_create,
            actor=actor_for(alice, org_a),
            period=period,
            level=GoalLevel.CORPORATE,
            title="Aligned abroad",
            parent=foreign,
        )
    assert "this organisation" in messages[0]


def test_it_refuses_to_move_a_goal_under_a_parent_of_another_organisation(org_a, alice, cascade, foreign):
    with tenant_scope(org_a):
        _refused("parent", goal_update, actor=actor_for(alice, org_a), goal=cascade["corporate"], parent=foreign)
        assert Goal.objects.get(pk=cascade["corporate"].pk).parent_id == cascade["strategic"].pk


def test_it_refuses_a_parent_in_another_period(org_a, alice, period, cascade):
    last_year = factories.GoalPeriodFactory(organization=org_a, name="2025")
    with tenant_scope(org_a):
        messages = _refused(
            "parent",
            goal_create,
            actor=actor_for(alice, org_a),
            period=last_year,
            level=GoalLevel.CORPORATE,
            title="Out of step",
            parent=cascade["strategic"],
        )
    assert "2026" in messages[0] and "2025" in messages[0]


def test_it_refuses_a_goal_under_its_own_descendant(org_a, alice, period, cascade):
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        division = goal_create(
            actor=hr,
            period=period,
            level=GoalLevel.UNIT,
            title="Division",
            unit=cascade["left"].parent,
            parent=cascade["corporate"],
        )
        section = goal_create(
            actor=hr,
            period=period,
            level=GoalLevel.UNIT,
            title="Section",
            unit=cascade["left"],
            parent=division,
        )
        paths = dict(Goal.objects.values_list("pk", "path"))
        _refused("parent", goal_update, actor=hr, goal=division, parent=section)
        _refused("parent", goal_update, actor=hr, goal=division, parent=division)
        assert dict(Goal.objects.values_list("pk", "path")) == paths


def test_it_refuses_a_unit_goal_under_a_sibling_units_goal(org_a, alice, period, cascade):
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        left_goal = goal_create(
            actor=hr,
            period=period,
            level=GoalLevel.UNIT,
            title="Left",
            unit=cascade["left"],
            parent=cascade["corporate"],
        )
        messages = _refused(
            "parent",
            goal_create,
            actor=hr,
            period=period,
            level=GoalLevel.UNIT,
            title="Right",
            unit=cascade["right"],
            parent=left_goal,
        )
    assert "beside or below" in messages[0]


def test_it_refuses_a_goal_under_a_lower_level(org_a, alice, period, cascade):
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        unit_goal = goal_create(
            actor=hr,
            period=period,
            level=GoalLevel.UNIT,
            title="Unit",
            unit=cascade["left"],
            parent=cascade["corporate"],
        )
        _refused(
            "parent",
            goal_create,
            actor=hr,
            period=period,
            level=GoalLevel.CORPORATE,
            title="Upside down",
            parent=unit_goal,
        )
        _refused(
            "parent",
            goal_create,
            actor=hr,
            period=period,
            level=GoalLevel.STRATEGIC,
            title="Not a root",
            parent=cascade["strategic"],
        )
        _refused("parent", goal_create, actor=hr, period=period, level=GoalLevel.CORPORATE, title="Orphan")


def test_it_refuses_a_dropped_parent_and_a_closed_period(org_a, alice, period, cascade):
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        dropped = goal_set_status(
            actor=hr, goal=cascade["corporate"], status=GoalStatus.DROPPED, reason="Strategy changed"
        )
        _refused(
            "parent",
            goal_create,
            actor=hr,
            period=period,
            level=GoalLevel.UNIT,
            title="Late",
            unit=cascade["left"],
            parent=dropped,
        )
        closed = period_set_closed(actor=alice, membership=hr.membership, period=period, closed=True)
        _refused("period", goal_create, actor=hr, period=closed, level=GoalLevel.STRATEGIC, title="After the year")


def test_it_refuses_missing_owners_and_a_blank_title(org_a, alice, period, cascade):
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        _refused(
            "unit",
            goal_create,
            actor=hr,
            period=period,
            level=GoalLevel.UNIT,
            title="Whose?",
            parent=cascade["corporate"],
        )
        _refused(
            "position",
            goal_create,
            actor=hr,
            period=period,
            level=GoalLevel.POSITION,
            title="Which post?",
            parent=cascade["corporate"],
        )
        _refused("employee", goal_create, actor=hr, period=period, level=GoalLevel.INDIVIDUAL, title="Whose?")
        _refused("title", goal_create, actor=hr, period=period, level=GoalLevel.STRATEGIC, title="   ")


def test_a_unit_of_another_organisation_is_refused(org_a, alice, unit_b, period, cascade):
    with tenant_scope(org_a):
        before = rows()
        with pytest.raises(PermissionDenied):
            goal_create(
                actor=actor_for(alice, org_a),
                period=period,
                level=GoalLevel.UNIT,
                title="Abroad",
                unit=unit_b,
                parent=cascade["corporate"],
            )
        assert rows() == before


def test_nobody_sets_their_own_target_as_already_agreed(org_a, bob, period):
    with tenant_scope(org_a):
        employee = actor_for(bob, org_a)
        _refused(
            "status",
            goal_create,
            actor=employee,
            period=period,
            level=GoalLevel.INDIVIDUAL,
            title="Agreed by myself",
            employee=employee.employee,
            status=GoalStatus.ACTIVE,
        )
        _refused(
            "status",
            goal_create,
            actor=employee,
            period=period,
            level=GoalLevel.INDIVIDUAL,
            title="Made-up status",
            employee=employee.employee,
            status="finished",
        )
        draft = goal_create(
            actor=employee, period=period, level=GoalLevel.INDIVIDUAL, title="Mine", employee=employee.employee
        )
        assert draft.status == GoalStatus.DRAFT


def test_nobody_agrees_their_own_target_and_the_manager_does(org_a, alice, bob, period):
    with tenant_scope(org_a):
        employee = actor_for(bob, org_a)
        draft = goal_create(
            actor=employee, period=period, level=GoalLevel.INDIVIDUAL, title="Mine", employee=employee.employee
        )
        before = rows()
        with pytest.raises(PermissionDenied):
            goal_agree(actor=employee, goal=draft)
        assert rows() == before and Goal.objects.get(pk=draft.pk).status == GoalStatus.DRAFT
        agreed = goal_agree(actor=actor_for(alice, org_a), goal=draft)  # Alice is Bob's manager
        assert agreed.status == GoalStatus.ACTIVE and agreed.agreed_by.user == alice
        with pytest.raises(PermissionDenied):
            goal_update(actor=employee, goal=agreed, title="Changed after agreeing")
        assert Goal.objects.get(pk=draft.pk).title == "Mine"


def test_status_changes_that_make_no_sense_are_refused(org_a, alice, cascade):
    corporate = cascade["corporate"]
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        _refused("status", goal_set_status, actor=hr, goal=corporate, status=GoalStatus.DRAFT)
        _refused("status", goal_set_status, actor=hr, goal=corporate, status="finished")
        _refused("reason", goal_set_status, actor=hr, goal=corporate, status=GoalStatus.DROPPED, reason="  ")
        assert Goal.objects.get(pk=corporate.pk).status == GoalStatus.ACTIVE


def test_a_plain_member_cannot_set_organisation_goals(org_a, bob, period):
    with tenant_scope(org_a):
        assert not Membership.objects.get(user=bob).is_hr_admin
        before = rows()
        with pytest.raises(PermissionDenied):
            goal_create(actor=actor_for(bob, org_a), period=period, level=GoalLevel.STRATEGIC, title="Coup")
        assert rows() == before
