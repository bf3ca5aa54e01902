"""Builders shared by the tests of My targets, goal detail and check-ins: a small cascade in
tenant A (strategic goal → unit goal → Bob's work targets), built with factories outside any
scope like the conftest's fixtures."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled

from apps.goals.models import GoalLevel, GoalStatus
from apps.goals.permissions import GoalActor
from apps.tenancy.models import Membership
from apps.tests_support import factories


def current_period(organization, name="This year", **fields):
    """An open period covering today, whatever day the tests run."""
    today = timezone.localdate()
    fields.setdefault("starts_on", today - datetime.timedelta(days=100))
    fields.setdefault("ends_on", today + datetime.timedelta(days=100))
    with scopes_disabled():
        return factories.GoalPeriodFactory(organization=organization, name=name, **fields)


def employee_of(user):
    with scopes_disabled():
        return user.employments.get()


def actor_for(user, organization) -> GoalActor:
    with scopes_disabled():
        membership = Membership.objects.get(user=user, organization=organization)
        employee = user.employments.filter(organization=organization).first()
    return GoalActor(user=user, membership=membership, employee=employee)


def cascade(organization, unit, period):
    """A strategic goal and a unit goal under it; returns both."""
    with scopes_disabled():
        strategic = factories.GoalFactory(
            organization=organization, period=period, level=GoalLevel.STRATEGIC, title="Delight our customers"
        )
        unit_goal = factories.GoalFactory(
            organization=organization,
            period=period,
            level=GoalLevel.UNIT,
            unit=unit,
            parent=strategic,
            title="Answer every request within a day",
            weight=Decimal("100"),
        )
    return strategic, unit_goal


def work_target(employee, parent, period, *, title="Clear the support queue daily", **fields):
    fields.setdefault("status", GoalStatus.ACTIVE)
    fields.setdefault("weight", Decimal("50"))
    with scopes_disabled():
        return factories.GoalFactory(
            organization=employee.organization,
            period=period,
            level=GoalLevel.INDIVIDUAL,
            employee=employee,
            owner=employee,
            unit=employee.unit,
            parent=parent,
            title=title,
            **fields,
        )
