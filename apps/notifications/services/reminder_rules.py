"""HR's settings of reminders: a cycle's reminder rule, and the organisation's quiet hours
and working days (which hold every reminder of the organisation)."""

from django.db import transaction

from apps.people.services.validation import FieldErrors
from apps.tenancy import audit
from apps.tenancy.models import Organization
from apps.tenancy.permissions import require_hr_admin

from ..models_reminders import ReminderRule

RULE_FIELDS = (
    "days_before",
    "overdue_every_days",
    "escalate_after_days",
    "escalation_every_days",
    "escalation_steps",
    "active",
)
QUIET_FIELDS = ("quiet_from", "quiet_until", "working_days")
MAX_DAYS = 365


@transaction.atomic
def reminder_rule_save(
    *,
    actor,
    membership,
    cycle,
    days_before: int,
    overdue_every_days: int,
    escalate_after_days: int,
    escalation_every_days: int,
    escalation_steps: int,
    active: bool,
) -> ReminderRule:
    """Set how the cycle reminds people (creating its rule the first time). Reminders already
    sent stay sent: a changed rule applies to the occasions still to come."""
    require_hr_admin(membership)
    organization = membership.organization
    errors = FieldErrors()
    if cycle.organization_id != organization.pk:
        errors.add("__all__", "Choose a cycle of this organisation.")
    values = {
        "days_before": days_before,
        "overdue_every_days": overdue_every_days,
        "escalate_after_days": escalate_after_days,
        "escalation_every_days": escalation_every_days,
    }
    for field, value in values.items():
        if value is None or not 0 <= value <= MAX_DAYS:
            errors.add(field, f"Give a number of days from 0 to {MAX_DAYS}.")
    if escalation_steps is None or not 0 <= escalation_steps <= 3:
        errors.add("escalation_steps", "Choose how far up an overdue action goes: no one, or one to three steps.")
    elif escalation_steps > 1 and escalation_every_days == 0:
        errors.add("escalation_every_days", "Give the days between escalation steps (at least 1).")
    errors.raise_if_any()
    rule = ReminderRule.objects.select_for_update().filter(cycle=cycle).first()
    created = rule is None
    if created:
        rule = ReminderRule(organization=organization, cycle=cycle)
    before = {} if created else audit.snapshot(rule, RULE_FIELDS)
    for field, value in {**values, "escalation_steps": escalation_steps, "active": bool(active)}.items():
        setattr(rule, field, value)
    rule.save()
    audit.record(
        organization=organization,
        actor=actor,
        action="reminders.rule_created" if created else "reminders.rule_changed",
        obj=cycle,
        summary=cycle.name,
        changes=audit.diff(rule, before, RULE_FIELDS),
    )
    return rule


@transaction.atomic
def quiet_hours_save(*, actor, membership, quiet_from, quiet_until, working_days) -> Organization:
    """When the organisation may be reminded: reminders due in quiet hours or on a day off
    wait for the next working morning."""
    require_hr_admin(membership)
    errors = FieldErrors()
    if quiet_from is None:
        errors.add("quiet_from", "Give the time quiet hours start, for example 19:00.")
    if quiet_until is None:
        errors.add("quiet_until", "Give the time quiet hours end, for example 08:00.")
    days = "".join(sorted(set(working_days or ())))
    if not days or any(day not in "1234567" for day in days):
        errors.add("working_days", "Choose at least one working day.")
    errors.raise_if_any()
    # NO KEY: the organisation's key stays, so inserts that reference it do not wait for this.
    organization = Organization.objects.select_for_update(no_key=True).get(pk=membership.organization_id)
    before = audit.snapshot(organization, QUIET_FIELDS)
    organization.quiet_from, organization.quiet_until, organization.working_days = quiet_from, quiet_until, days
    organization.save(update_fields=list(QUIET_FIELDS))
    audit.record(
        organization=organization,
        actor=actor,
        action="reminders.quiet_hours_changed",
        summary=organization.name,
        changes=audit.diff(organization, before, QUIET_FIELDS),
    )
    return organization
