"""Refusals found while testing the services: each says what to do instead and writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.goals.models import GoalLevel, GoalStatus
from apps.goals.services.checkins import checkin_record
from apps.goals.services.goals import goal_create, goal_set_status, goal_update
from apps.goals.services.indicators import indicator_create, indicator_update
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .services_support import actor_for, rows


@pytest.fixture
def setting(alice, org_a, unit_a):
    period = factories.GoalPeriodFactory(organization=org_a, name="2026")
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        top = goal_create(actor=hr, period=period, level=GoalLevel.STRATEGIC, title="Grow")
        child = goal_create(actor=hr, period=period, level=GoalLevel.UNIT, title="Unit", parent=top, unit=unit_a)
    return hr, period, top, child


def _refused(field, call):
    before = rows()
    with pytest.raises(ValidationError) as error:
        call()
    assert field in error.value.message_dict
    assert rows() == before


def test_a_percentage_on_a_goal_with_sub_goals_is_refused(setting, org_a):
    hr, _period, top, _child = setting
    with tenant_scope(org_a):
        _refused("percentage", lambda: checkin_record(actor=hr, goal=top, percentage=Decimal("30")))


def test_a_confidence_that_is_not_a_number_is_refused_at_its_field(setting, org_a):
    hr, _period, _top, child = setting
    with tenant_scope(org_a):
        _refused(
            "confidence", lambda: checkin_record(actor=hr, goal=child, percentage=Decimal("30"), confidence="high")
        )


def test_the_indicators_of_a_closed_goal_are_final(setting, org_a):
    hr, _period, _top, child = setting
    with tenant_scope(org_a):
        kpi = indicator_create(actor=hr, goal=child, name="Calls", baseline=Decimal("0"), target=Decimal("10"))
        goal_set_status(actor=hr, goal=child, status=GoalStatus.ACHIEVED)
        _refused("__all__", lambda: indicator_update(actor=hr, indicator=kpi, target=Decimal("20")))


def test_a_goal_with_sub_goals_does_not_change_period_alone(setting, org_a):
    hr, _period, top, _child = setting
    other = factories.GoalPeriodFactory(organization=org_a, name="2027")
    with tenant_scope(org_a):
        _refused("period", lambda: goal_update(actor=hr, goal=top, period=other))


def test_a_draft_work_target_is_activated_only_by_agreement(setting, bob, org_a):
    _hr, period, _top, child = setting
    with tenant_scope(org_a):
        bob_actor = actor_for(bob, org_a)
        target = goal_create(
            actor=bob_actor,
            period=period,
            level=GoalLevel.INDIVIDUAL,
            title="Mine",
            parent=child,
            employee=bob_actor.employee,
        )
        _refused("status", lambda: goal_set_status(actor=bob_actor, goal=target, status=GoalStatus.ACTIVE))
        _refused("__all__", lambda: checkin_record(actor=bob_actor, goal=target, percentage=Decimal("10")))
