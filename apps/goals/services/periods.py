"""Goal periods: the year (or cycle period) goals are set for."""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import GoalPeriod


@transaction.atomic
def period_create(*, actor, membership, name: str, starts_on, ends_on) -> GoalPeriod:
    require_hr_admin(membership)
    organization = membership.organization
    if GoalPeriod.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "A period with this name already exists."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The period must end on or after its first day."})
    period = GoalPeriod.objects.create(organization=organization, name=name, starts_on=starts_on, ends_on=ends_on)
    audit.record(organization=organization, actor=actor, action="goal_period.created", obj=period, summary=name)
    return period


@transaction.atomic
def period_set_closed(*, actor, membership, period: GoalPeriod, closed: bool) -> GoalPeriod:
    require_hr_admin(membership)
    period = GoalPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed != closed:
        period.is_closed = closed
        period.save(update_fields=["is_closed"])
        audit.record(
            organization=period.organization,
            actor=actor,
            action="goal_period.closed" if closed else "goal_period.reopened",
            obj=period,
            summary=period.name,
        )
    return period
