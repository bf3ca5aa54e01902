"""Key indicators with bad input: a message at the field, nothing written."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.goals.models import Direction, GoalStatus, KeyIndicator
from apps.goals.services.goals import goal_set_status
from apps.goals.services.indicators import indicator_create, indicator_update
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .services_support import actor_for, rows


@pytest.fixture
def goal(org_a):
    return factories.GoalFactory(organization=org_a, title="Serve customers well")


def _refused(field, call, **kwargs):
    before = rows()
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert rows() == before
    return error.value.message_dict[field][0]


def test_it_refuses_a_target_equal_to_the_baseline(org_a, alice, goal):
    with tenant_scope(org_a):
        message = _refused(
            "target",
            indicator_create,
            actor=actor_for(alice, org_a),
            goal=goal,
            name="Satisfaction",
            baseline=Decimal("80"),
            target=Decimal("80"),
        )
    assert "equals the baseline" in message


@pytest.mark.parametrize(
    "direction, baseline, target",
    [(Direction.HIGHER, Decimal("80"), Decimal("70")), (Direction.LOWER, Decimal("5"), Decimal("8"))],
)
def test_it_refuses_a_target_on_the_wrong_side_of_the_baseline(org_a, alice, goal, direction, baseline, target):
    with tenant_scope(org_a):
        message = _refused(
            "target",
            indicator_create,
            actor=actor_for(alice, org_a),
            goal=goal,
            name="KPI",
            baseline=baseline,
            target=target,
            direction=direction,
        )
    assert direction.label.lower() in message.lower()


def test_it_refuses_missing_values(org_a, alice, goal):
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        _refused("name", indicator_create, actor=hr, goal=goal, name=" ", baseline=Decimal("1"), target=Decimal("2"))
        _refused("baseline", indicator_create, actor=hr, goal=goal, name="KPI", target=Decimal("2"))
        _refused("target", indicator_create, actor=hr, goal=goal, name="KPI", baseline=Decimal("1"))


def test_it_refuses_an_edit_that_breaks_the_indicator(org_a, alice, goal):
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        kpi = indicator_create(
            actor=hr,
            goal=goal,
            name="Defects per 1000",
            baseline=Decimal("12"),
            target=Decimal("5"),
            direction=Direction.LOWER,
        )
        _refused("target", indicator_update, actor=hr, indicator=kpi, target=Decimal("12"))
        _refused("target", indicator_update, actor=hr, indicator=kpi, direction=Direction.HIGHER)
        kpi.refresh_from_db()
        assert (kpi.target, kpi.direction) == (Decimal("5.00"), Direction.LOWER)


def test_a_closed_goal_takes_no_new_indicators(org_a, alice, goal):
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        goal_set_status(actor=hr, goal=goal, status=GoalStatus.ACHIEVED)
        _refused(
            "__all__",
            indicator_create,
            actor=hr,
            goal=goal,
            name="Late KPI",
            baseline=Decimal("0"),
            target=Decimal("10"),
        )


def test_a_plain_member_cannot_add_indicators_to_an_organisation_goal(org_a, bob, goal):
    with tenant_scope(org_a):
        before = rows()
        with pytest.raises(PermissionDenied):
            indicator_create(
                actor=actor_for(bob, org_a), goal=goal, name="Mine", baseline=Decimal("0"), target=Decimal("1")
            )
        assert rows() == before


def test_a_lower_is_better_indicator_measures_the_way_down(org_a, alice, goal):
    with tenant_scope(org_a):
        kpi = indicator_create(
            actor=actor_for(alice, org_a),
            goal=goal,
            name="Cost per unit",
            baseline=Decimal("42"),
            target=Decimal("38"),
            actual=Decimal("41"),
            direction=Direction.LOWER,
        )
        assert KeyIndicator.objects.get(pk=kpi.pk).progress == Decimal("25.00")
        goal.refresh_from_db()
        assert goal.progress == Decimal("25.00")
