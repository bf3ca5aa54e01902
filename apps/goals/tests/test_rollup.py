from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.goals.models import Goal, GoalLevel, GoalStatus
from apps.goals.permissions import GoalActor
from apps.goals.services.checkins import checkin_record
from apps.goals.services.goals import goal_create, goal_set_status, goal_update
from apps.goals.services.indicators import indicator_create
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def hr(alice, org_a):
    with tenant_scope(org_a):
        return GoalActor(user=alice, membership=Membership.objects.get(user=alice), employee=alice.employments.get())


@pytest.fixture
def period(org_a):
    return factories.GoalPeriodFactory(organization=org_a, name="2026")


def test_progress_rolls_up_by_weight(hr, org_a, unit_a, period):
    with tenant_scope(org_a):
        top = goal_create(actor=hr, period=period, level=GoalLevel.STRATEGIC, title="Grow")
        a = goal_create(actor=hr, period=period, level=GoalLevel.CORPORATE, title="A", parent=top, weight=Decimal("75"))
        b = goal_create(actor=hr, period=period, level=GoalLevel.CORPORATE, title="B", parent=top, weight=Decimal("25"))
        leaf = goal_create(
            actor=hr, period=period, level=GoalLevel.UNIT, title="Unit", parent=a, unit=unit_a, weight=Decimal("100")
        )
        checkin_record(actor=hr, goal=leaf, percentage=Decimal("40"))
        checkin_record(actor=hr, goal=b, percentage=Decimal("80"))
        top.refresh_from_db()
        a.refresh_from_db()
        assert a.progress == Decimal("40.00")
        assert top.progress == Decimal("50.00")  # 0.75 * 40 + 0.25 * 80
        goal_set_status(actor=hr, goal=b, status=GoalStatus.DROPPED, reason="No longer relevant")
        top.refresh_from_db()
        assert top.progress == Decimal("40.00")


def test_indicator_progress_and_bad_input(hr, org_a, period):
    with tenant_scope(org_a):
        top = goal_create(actor=hr, period=period, level=GoalLevel.STRATEGIC, title="Serve")
        with pytest.raises(ValidationError) as error:
            indicator_create(actor=hr, goal=top, name="Waiting time", baseline=Decimal("10"), target=Decimal("10"))
        assert "target" in error.value.message_dict
        kpi = indicator_create(
            actor=hr, goal=top, name="Waiting", baseline=Decimal("20"), target=Decimal("10"), direction="lower"
        )
        checkin_record(actor=hr, goal=top, indicator=kpi, actual=Decimal("15"))
        top.refresh_from_db()
        assert top.progress == Decimal("50.00")


def test_a_goal_cannot_move_under_its_own_descendant(hr, org_a, unit_a, period):
    with tenant_scope(org_a):
        top = goal_create(actor=hr, period=period, level=GoalLevel.STRATEGIC, title="Top")
        u1 = goal_create(actor=hr, period=period, level=GoalLevel.UNIT, title="U1", parent=top, unit=unit_a)
        u2 = goal_create(
            actor=hr,
            period=period,
            level=GoalLevel.UNIT,
            title="U2",
            parent=u1,
            unit=factories.OrgUnitFactory(organization=org_a, parent=unit_a),
        )
        with pytest.raises(ValidationError) as error:
            goal_update(actor=hr, goal=u1, parent=u2)
        assert "parent" in error.value.message_dict
        assert Goal.objects.get(pk=u1.pk).parent_id == top.pk
