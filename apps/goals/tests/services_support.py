"""Shared set-up of the service tests (test_services_*.py): actors and a row count that
proves a refused call wrote nothing."""

from apps.goals.models import CheckIn, Goal, GoalPeriod, KeyIndicator
from apps.goals.permissions import GoalActor
from apps.people.models import Employee
from apps.tenancy.models import AuditEvent, Membership


def actor_for(user, organization) -> GoalActor:
    """Call inside the organisation's scope."""
    return GoalActor(
        user=user,
        membership=Membership.objects.get(user=user, organization=organization),
        employee=Employee.objects.filter(user=user).first(),
    )


def rows() -> dict[str, int]:
    """How many goal rows (and audit events) the active tenant holds."""
    return {
        "periods": GoalPeriod.objects.count(),
        "goals": Goal.objects.count(),
        "indicators": KeyIndicator.objects.count(),
        "checkins": CheckIn.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
