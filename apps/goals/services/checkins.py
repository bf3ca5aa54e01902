"""Check-ins: the owner records progress, and the history feeds the goal's chart."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from apps.people.services.validation import FieldErrors
from apps.tenancy import audit

from ..models import CheckIn, Goal, GoalPeriod, GoalStatus, KeyIndicator
from ..permissions import GoalActor, can_check_in, require
from .progress import refresh_upwards


def _share_locked_period(goal: Goal) -> GoalPeriod:
    """The goal's period, its row locked FOR SHARE: check-ins of one period go ahead side by
    side (a plain lock of the period's row with the goal's made them queue up, the whole
    organisation at the year's end), while HR closing the period (FOR UPDATE) waits for those
    under way and they read whether it is closed after any close that went first."""
    return GoalPeriod.objects.raw(
        "SELECT * FROM goals_goalperiod WHERE id = %s AND organization_id = %s FOR SHARE",
        [goal.period_id, goal.organization_id],
    )[0]


@transaction.atomic
def checkin_record(
    *,
    actor: GoalActor,
    goal: Goal,
    indicator: KeyIndicator | None = None,
    actual=None,
    percentage=None,
    comment: str = "",
    confidence: int | None = None,
) -> CheckIn:
    goal = Goal.objects.select_for_update(of=("self",)).get(pk=goal.pk)
    goal.period = _share_locked_period(goal)
    require(can_check_in(actor, goal), "Only the goal's owner (or whoever manages it) records its progress.")
    errors = FieldErrors()
    if goal.is_closed:
        errors.add("__all__", f"This goal is {goal.get_status_display().lower()}: it takes no more check-ins.")
    elif goal.status == GoalStatus.DRAFT:
        errors.add("__all__", "This goal is still a draft: progress is recorded once it is agreed.")
    elif goal.period.is_closed:
        errors.add("__all__", f"The period {goal.period} is closed: it takes no more check-ins.")
    has_indicators = goal.indicators.exists()
    if indicator is not None and indicator.goal_id != goal.pk:
        errors.add("indicator", "Choose one of this goal's indicators.")
    if indicator is not None and actual is None:
        errors.add("actual", f"Give the current value of “{indicator.name}”.")
    if indicator is None and actual is not None:
        errors.add("indicator", "Choose which indicator this value is for.")
    if percentage is not None:
        try:
            percentage = Decimal(percentage)
        except (InvalidOperation, TypeError):
            errors.add("percentage", "Give a number from 0 to 100.")
        else:
            if not (Decimal("0") <= percentage <= Decimal("100")):
                errors.add("percentage", "Progress is a percentage from 0 to 100.")
            elif has_indicators:
                errors.add("percentage", "This goal's progress comes from its indicators: update an indicator instead.")
            elif Goal.objects.filter(parent=goal).exclude(status=GoalStatus.DROPPED).exists():
                errors.add(
                    "percentage", "This goal's progress comes from the goals under it: check in on those instead."
                )
    if confidence is not None:
        try:
            confidence = int(confidence)
        except (TypeError, ValueError):
            confidence = None
            errors.add("confidence", "Confidence is a whole number from 1 to 5.")
        else:
            if not 1 <= confidence <= 5:
                errors.add("confidence", "Confidence runs from 1 to 5.")
    if indicator is None and percentage is None and not comment.strip():
        errors.add("__all__", "Record a new value, a percentage or at least a comment.")
    errors.raise_if_any()

    if indicator is not None:
        indicator.actual = actual
        indicator.save(update_fields=["actual"])
    if percentage is not None:
        goal.manual_progress = percentage
        goal.save(update_fields=["manual_progress", "updated_at"])
    refresh_upwards(goal)
    goal.refresh_from_db(fields=["progress"])
    checkin = CheckIn.objects.create(
        organization=goal.organization,
        goal=goal,
        indicator=indicator,
        author=actor.user,
        actual=actual,
        percentage=percentage,
        comment=comment.strip(),
        confidence=confidence,
        progress_after=goal.progress,
    )
    audit.record(
        organization=goal.organization,
        actor=actor.user,
        action="goal.checked_in",
        obj=goal,
        summary=f"{goal.title}: {goal.progress}%",
        changes={"progress": str(goal.progress)},
    )
    return checkin
