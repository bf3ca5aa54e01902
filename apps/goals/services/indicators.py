"""Key indicators: measurable signs of a goal's progress, from a baseline towards a target."""

from django.db import transaction

from apps.people.services.validation import FieldErrors
from apps.tenancy import audit

from ..models import Direction, Goal, KeyIndicator
from ..permissions import GoalActor, can_edit_goal, require
from .progress import refresh_upwards

FIELDS = ("name", "unit_of_measure", "baseline", "target", "actual", "direction", "due_date")


def _check(indicator: KeyIndicator, errors: FieldErrors) -> None:
    if not (indicator.name or "").strip():
        errors.add("name", "Name the indicator.")
    if indicator.baseline is None:
        errors.add("baseline", "Give the value you start from.")
    if indicator.target is None:
        errors.add("target", "Give the value you aim for.")
    if indicator.baseline is None or indicator.target is None:
        return
    if indicator.target == indicator.baseline:
        errors.add(
            "target", "The target equals the baseline: there is nothing to measure. Set a target to move towards."
        )
    elif indicator.direction == Direction.HIGHER and indicator.target < indicator.baseline:
        errors.add("target", "With “higher is better” the target must be above the baseline.")
    elif indicator.direction == Direction.LOWER and indicator.target > indicator.baseline:
        errors.add("target", "With “lower is better” the target must be below the baseline.")


@transaction.atomic
def indicator_create(*, actor: GoalActor, goal: Goal, **values) -> KeyIndicator:
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    require(can_edit_goal(actor, goal), "You may not add indicators to this goal.")
    indicator = KeyIndicator(
        organization=goal.organization, goal=goal, **{k: values.get(k) for k in FIELDS if k in values}
    )
    errors = FieldErrors()
    if goal.is_closed:
        errors.add("__all__", f"This goal is {goal.get_status_display().lower()}: it takes no new indicators.")
    _check(indicator, errors)
    errors.raise_if_any()
    indicator.save()
    refresh_upwards(goal)
    audit.record(
        organization=goal.organization,
        actor=actor.user,
        action="indicator.created",
        obj=indicator,
        summary=f"{goal.title}: {indicator.name}",
        changes=audit.diff(indicator, {}, FIELDS),
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor: GoalActor, indicator: KeyIndicator, **values) -> KeyIndicator:
    # The goal's row first, then the indicator's: the order a check-in takes them in, so the
    # two never wait for each other crosswise.
    goal = Goal.objects.select_for_update().get(pk=indicator.goal_id)
    indicator = KeyIndicator.objects.select_for_update().get(pk=indicator.pk)
    indicator.goal = goal
    require(can_edit_goal(actor, indicator.goal), "You may not change this goal's indicators.")
    before = audit.snapshot(indicator, FIELDS)
    for name in FIELDS:
        if name in values:
            setattr(indicator, name, values[name])
    errors = FieldErrors()
    if indicator.goal.is_closed:
        errors.add("__all__", f"This goal is {indicator.goal.get_status_display().lower()}: its indicators are final.")
    _check(indicator, errors)
    errors.raise_if_any()
    indicator.save()
    refresh_upwards(indicator.goal)
    diff = audit.diff(indicator, before, FIELDS)
    if diff:
        audit.record(
            organization=indicator.organization,
            actor=actor.user,
            action="indicator.changed",
            obj=indicator,
            summary=indicator.name,
            changes=diff,
        )
    return indicator
