"""Check-ins with bad input: a message at the field, no check-in, no progress moved."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.goals.models import CheckIn, Goal, GoalLevel, GoalStatus
from apps.goals.services.checkins import checkin_record
from apps.goals.services.goals import goal_agree, goal_create, goal_set_status
from apps.goals.services.indicators import indicator_create
from apps.goals.services.periods import period_set_closed
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .services_support import actor_for, rows


@pytest.fixture
def period(org_a):
    return factories.GoalPeriodFactory(organization=org_a, name="2026")


@pytest.fixture
def parent(org_a, period):
    return factories.GoalFactory(organization=org_a, period=period, title="Grow")


@pytest.fixture
def target(org_a, alice, bob, period, parent):
    """Bob's agreed work target under `parent`, at 10% (manual)."""
    with tenant_scope(org_a):
        bob_actor = actor_for(bob, org_a)
        goal = goal_create(
            actor=bob_actor,
            period=period,
            level=GoalLevel.INDIVIDUAL,
            title="Ship it",
            parent=parent,
            employee=bob_actor.employee,
            weight=Decimal("100"),
            manual_progress=Decimal("10"),
        )
        return goal_agree(actor=actor_for(alice, org_a), goal=goal)


def _progress(*goals):
    return [Goal.objects.get(pk=g.pk).progress for g in goals]


def _refused(field, *, goals, **kwargs):
    before, progress = rows(), _progress(*goals)
    with pytest.raises(ValidationError) as error:
        checkin_record(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert rows() == before
    assert _progress(*goals) == progress
    return error.value.message_dict[field][0]


def test_a_check_in_moves_progress_up_the_tree(org_a, bob, parent, target):
    with tenant_scope(org_a):
        assert _progress(target, parent) == [Decimal("10.00"), Decimal("10.00")]
        checkin = checkin_record(
            actor=actor_for(bob, org_a), goal=target, percentage=Decimal("60"), comment="Half way", confidence=4
        )
        assert checkin.progress_after == Decimal("60.00")
        assert _progress(target, parent) == [Decimal("60.00"), Decimal("60.00")]
        assert AuditEvent.objects.filter(action="goal.checked_in", object_id=target.public_id).count() == 1


@pytest.mark.parametrize("status", [GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.DROPPED])
def test_a_closed_goal_takes_no_check_in(org_a, alice, bob, parent, target, status):
    with tenant_scope(org_a):
        goal_set_status(actor=actor_for(alice, org_a), goal=target, status=status, reason="Decided")
        message = _refused(
            "__all__", goals=[target, parent], actor=actor_for(bob, org_a), goal=target, percentage=Decimal("90")
        )
    assert status.label.lower() in message


def test_a_closed_period_takes_no_check_in(org_a, alice, bob, period, parent, target):
    with tenant_scope(org_a):
        period_set_closed(actor=alice, membership=actor_for(alice, org_a).membership, period=period, closed=True)
        message = _refused(
            "__all__", goals=[target, parent], actor=actor_for(bob, org_a), goal=target, percentage=Decimal("90")
        )
    assert "closed" in message


def test_a_goal_measured_by_indicators_takes_no_percentage(org_a, alice, bob, parent, target):
    with tenant_scope(org_a):
        kpi = indicator_create(
            actor=actor_for(alice, org_a),
            goal=target,
            name="Releases",
            baseline=Decimal("0"),
            target=Decimal("4"),
            actual=Decimal("1"),
        )
        message = _refused(
            "percentage", goals=[target, parent], actor=actor_for(bob, org_a), goal=target, percentage=Decimal("90")
        )
        assert "indicator" in message
        kpi.refresh_from_db()
        assert kpi.actual == Decimal("1.00")
        checkin_record(actor=actor_for(bob, org_a), goal=target, indicator=kpi, actual=Decimal("3"))
        assert _progress(target, parent) == [Decimal("75.00"), Decimal("75.00")]


def test_it_refuses_values_that_do_not_fit(org_a, bob, parent, target):
    with tenant_scope(org_a):
        bob_actor = actor_for(bob, org_a)
        other = factories.KeyIndicatorFactory(organization=org_a, goal=parent)
        common = {"goals": [target, parent], "actor": bob_actor, "goal": target}
        _refused("percentage", percentage=Decimal("150"), **common)
        _refused("percentage", percentage=Decimal("-5"), **common)
        _refused("percentage", percentage="lots", **common)
        _refused("indicator", indicator=other, actual=Decimal("5"), **common)
        _refused("indicator", actual=Decimal("5"), **common)
        _refused("confidence", percentage=Decimal("20"), confidence=9, **common)
        _refused("__all__", comment="   ", **common)
        assert other.actual is None and not CheckIn.objects.exists()


def test_only_the_owner_or_whoever_manages_the_goal_checks_in(org_a, unit_a, bob, parent, target):
    colleague = factories.member(org_a, unit_a, email="carol@alpha.test", first_name="Carol")
    with tenant_scope(org_a):
        before = rows()
        with pytest.raises(PermissionDenied):
            checkin_record(actor=actor_for(colleague, org_a), goal=target, percentage=Decimal("99"))
        with pytest.raises(PermissionDenied):
            checkin_record(actor=actor_for(bob, org_a), goal=parent, percentage=Decimal("99"))
        assert rows() == before
