"""The rules a goal's place in the cascade must keep, shared by creating and editing."""

from decimal import Decimal

from apps.people.services import tree
from apps.people.services.validation import FieldErrors

from ..models import LEVEL_RANK, Goal, GoalLevel, GoalStatus

TOP_LEVEL = GoalLevel.STRATEGIC
# Work targets may exist before they are aligned (they show up as alignment gaps); every other
# level below the top needs a parent.
PARENT_OPTIONAL = (GoalLevel.STRATEGIC, GoalLevel.INDIVIDUAL)


def check_goal(goal: Goal, errors: FieldErrors) -> None:
    """Validate a goal (new or changed) in memory; errors land on the field that caused them."""
    organization_id = goal.organization_id
    _check_owner_fields(goal, errors)
    if goal.weight is None or not (Decimal("0") <= goal.weight <= Decimal("100")):
        errors.add("weight", "A weight is a percentage from 0 to 100.")
    if goal.manual_progress is not None and not (Decimal("0") <= goal.manual_progress <= Decimal("100")):
        errors.add("manual_progress", "Progress is a percentage from 0 to 100.")
    if goal.period_id is None:
        errors.add("period", "Choose the period the goal is for.")
    elif goal.period.organization_id != organization_id:
        errors.add("period", "Choose a period of this organisation.")
    elif goal.period.is_closed and goal.pk is None:
        errors.add("period", f"The period {goal.period} is closed: it takes no new goals.")
    _check_parent(goal, errors)


def _check_owner_fields(goal: Goal, errors: FieldErrors) -> None:
    organization_id = goal.organization_id
    for name in ("unit", "position", "employee", "owner"):
        related = getattr(goal, name)
        if related is not None and related.organization_id != organization_id:
            errors.add(name, "Choose one from this organisation.")
    if goal.level == GoalLevel.UNIT and goal.unit is None:
        errors.add("unit", "A unit goal belongs to a unit: choose one.")
    if goal.level == GoalLevel.POSITION:
        if goal.position is None:
            errors.add("position", "A position target belongs to a position: choose one.")
        else:
            goal.unit = goal.position.unit
    if goal.level == GoalLevel.INDIVIDUAL:
        if goal.employee is None:
            errors.add("employee", "A work target belongs to a person: choose one.")
        else:
            goal.unit = goal.employee.unit
            goal.owner = goal.owner or goal.employee
    if goal.level in (GoalLevel.STRATEGIC, GoalLevel.CORPORATE):
        goal.unit = goal.position = goal.employee = None


def _check_parent(goal: Goal, errors: FieldErrors) -> None:
    parent = goal.parent
    if parent is None:
        if goal.level not in PARENT_OPTIONAL:
            errors.add("parent", f"A {goal.get_level_display().lower()} must align to a goal above it.")
        return
    if parent.organization_id != goal.organization_id:
        errors.add("parent", "Choose a parent goal of this organisation.")
        return
    if goal.level == TOP_LEVEL:
        errors.add("parent", "Strategic goals are the top of the cascade: they have no parent.")
        return
    if goal.period_id and parent.period_id != goal.period_id:
        errors.add(
            "parent",
            f"The parent goal belongs to {parent.period}, not to {goal.period}: choose one of the same period.",
        )
    if parent.status == GoalStatus.DROPPED:
        errors.add("parent", "That goal was dropped: align to a goal that still stands.")
    rank, parent_rank = LEVEL_RANK[goal.level], LEVEL_RANK[parent.level]
    if goal.level == GoalLevel.UNIT and parent.level == GoalLevel.UNIT:
        if (
            goal.unit is not None
            and parent.unit is not None
            and not (goal.unit.path.startswith(parent.unit.path) and goal.unit.pk != parent.unit.pk)
        ):
            errors.add(
                "parent", "A unit goal can sit under a goal of a unit above its own, not of a unit beside or below it."
            )
    elif parent_rank >= rank:
        errors.add(
            "parent",
            f"A {goal.get_level_display().lower()} cannot sit under a {parent.get_level_display().lower()}: choose a goal higher up.",
        )
    try:
        tree.check_parent(goal, parent, "A goal cannot sit under itself or one of the goals below it.")
    except Exception as error:  # ValidationError keyed by "parent"
        errors.absorb(error)
