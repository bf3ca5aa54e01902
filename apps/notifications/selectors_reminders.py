"""Reads of the reminder pages: a cycle's rule (or the defaults it will get) and its log."""

from django.db.models import Count, QuerySet

from .models_reminders import ReminderKind, ReminderLog, ReminderRule


def rule_for(cycle) -> ReminderRule:
    """The cycle's rule; before its first sweep or save, an unsaved rule with the defaults."""
    rule = ReminderRule.objects.filter(cycle=cycle).first()
    return rule or ReminderRule(organization_id=cycle.organization_id, cycle=cycle, **ReminderRule.DEFAULTS)


def log_for(cycle, kind: str = "") -> QuerySet[ReminderLog]:
    """The cycle's reminders, newest first, with everything a row of the log shows."""
    queryset = ReminderLog.objects.filter(cycle=cycle)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.select_related("recipient", "appraisal__employee", "notification").order_by("-created_at", "-pk")


def log_counts(cycle) -> dict:
    """Reminders of the cycle by kind, and in all: one aggregate."""
    rows = ReminderLog.objects.filter(cycle=cycle).values("kind").annotate(n=Count("pk")).order_by()
    by_kind = {row["kind"]: row["n"] for row in rows}
    return {
        "total": sum(by_kind.values()),
        "kinds": [(value, label, by_kind.get(value, 0)) for value, label in ReminderKind.choices],
    }
