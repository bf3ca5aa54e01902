"""Setting, changing and closing goals, agreeing work targets, and proposing position targets
to the people who hold the post."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.people.models import Employee
from apps.people.services import tree
from apps.people.services.validation import FieldErrors
from apps.tenancy import audit

from ..models import Goal, GoalLevel, GoalStatus
from ..permissions import GoalActor, can_agree, can_create_goal, can_edit_goal, require
from .progress import refresh_upwards
from .rules import check_goal

EDITABLE_FIELDS = ("title", "description", "parent", "weight", "owner", "measure", "manual_progress", "period")
AUDITED = EDITABLE_FIELDS + ("status",)


@transaction.atomic
def goal_create(
    *,
    actor: GoalActor,
    period,
    level,
    title: str,
    description: str = "",
    parent: Goal | None = None,
    unit=None,
    position=None,
    employee=None,
    owner=None,
    weight=Decimal("0"),
    measure: str = "",
    manual_progress=None,
    status: str | None = None,
) -> Goal:
    require(
        can_create_goal(actor, level=level, unit=unit, position=position, employee=employee),
        "You may not set goals at this level here.",
    )
    organization = actor.membership.organization
    if status is None:
        # Work targets start as proposals to agree; goals set from above start active.
        status = GoalStatus.DRAFT if level == GoalLevel.INDIVIDUAL else GoalStatus.ACTIVE
    goal = Goal(
        organization=organization,
        period=period,
        level=level,
        title=title.strip(),
        description=description,
        parent=parent,
        unit=unit,
        position=position,
        employee=employee,
        owner=owner,
        weight=weight,
        measure=measure,
        manual_progress=manual_progress,
        status=status,
        created_by=actor.user,
    )
    errors = FieldErrors()
    if not goal.title:
        errors.add("title", "Give the goal a title.")
    if status not in GoalStatus.values:
        errors.add("status", "Choose a status from the list.")
    elif level == GoalLevel.INDIVIDUAL and status != GoalStatus.DRAFT and _is_own(actor, employee):
        # Nobody agrees their own targets (see permissions.can_agree): they start as proposals.
        errors.add("status", "A work target you set for yourself starts as a draft for your manager to agree.")
    check_goal(goal, errors)
    errors.raise_if_any()
    goal.save()
    tree.place(goal)
    refresh_upwards(goal)
    audit.record(
        organization=organization,
        actor=actor.user,
        action="goal.created",
        obj=goal,
        summary=f"{goal.get_level_display()}: {goal.title}",
        changes=audit.diff(goal, {}, AUDITED),
    )
    if goal.level == GoalLevel.POSITION and goal.status == GoalStatus.ACTIVE:
        _propose_to_holders(goal, actor)
    return goal


def _is_own(actor: GoalActor, employee) -> bool:
    return employee is not None and actor.employee is not None and employee.pk == actor.employee.pk


@transaction.atomic
def goal_update(*, actor: GoalActor, goal: Goal, **changes) -> Goal:
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    require(can_edit_goal(actor, goal), "You may not change this goal.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"goal_update() cannot change {', '.join(sorted(unknown))}")
    before = audit.snapshot(goal, AUDITED)
    old_parent_id = goal.parent_id
    for name, value in changes.items():
        setattr(goal, name, value.strip() if name == "title" else value)
    errors = FieldErrors()
    if not goal.title:
        errors.add("title", "Give the goal a title.")
    if goal.is_closed and "manual_progress" in changes and changes["manual_progress"] != before["manual_progress"]:
        errors.add("manual_progress", f"This goal is {goal.get_status_display().lower()}: its progress is final.")
    if goal.period_id != before["period"].pk and Goal.objects.filter(parent=goal).exists():
        errors.add("period", "Goals are aligned under this one in its period: move or close them before moving it.")
    check_goal(goal, errors)
    errors.raise_if_any()
    goal.save()
    if goal.parent_id != old_parent_id:
        tree.place(goal)
        if old_parent_id:
            refresh_upwards(Goal.objects.get(pk=old_parent_id))
    refresh_upwards(goal)
    diff = audit.diff(goal, before, AUDITED)
    if diff:
        audit.record(
            organization=goal.organization,
            actor=actor.user,
            action="goal.changed",
            obj=goal,
            summary=goal.title,
            changes=diff,
        )
    return goal


@transaction.atomic
def goal_set_status(*, actor: GoalActor, goal: Goal, status: str, reason: str = "") -> Goal:
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    require(can_edit_goal(actor, goal), "You may not change this goal.")
    errors = FieldErrors()
    if status not in GoalStatus.values:
        errors.add("status", "Choose a status from the list.")
    elif status == GoalStatus.DRAFT and goal.status != GoalStatus.DRAFT:
        errors.add("status", "A goal that is under way cannot go back to draft.")
    elif goal.level == GoalLevel.INDIVIDUAL and goal.status == GoalStatus.DRAFT and status == GoalStatus.ACTIVE:
        errors.add("status", "A work target becomes active when a manager agrees it.")
    if status == GoalStatus.DROPPED and not reason.strip():
        errors.add("reason", "Say why the goal is dropped.")
    errors.raise_if_any()
    if status == goal.status:
        return goal
    before = goal.status
    goal.status = status
    goal.save(update_fields=["status", "updated_at"])
    if goal.parent_id:
        refresh_upwards(goal.parent)  # a dropped or reopened child changes the parent's share
    audit.record(
        organization=goal.organization,
        actor=actor.user,
        action="goal.status_changed",
        obj=goal,
        summary=f"{goal.title}: {before} → {status}",
        changes={"status": [before, status], "reason": reason},
    )
    return goal


@transaction.atomic
def goal_agree(*, actor: GoalActor, goal: Goal) -> Goal:
    """The manager agrees a proposed work target: it becomes active and counts from now on."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    require(can_agree(actor, goal), "Only a manager up this person's line (or HR) agrees their targets.")
    goal.status = GoalStatus.ACTIVE
    goal.agreed_by = actor.employee
    goal.agreed_at = timezone.now()
    goal.save(update_fields=["status", "agreed_by", "agreed_at", "updated_at"])
    refresh_upwards(goal)
    audit.record(organization=goal.organization, actor=actor.user, action="goal.agreed", obj=goal, summary=goal.title)
    return goal


@transaction.atomic
def position_targets_propose(*, actor: GoalActor, goal: Goal) -> int:
    """Propose a position target to every current holder who does not have it yet."""
    require(can_edit_goal(actor, goal), "You may not propose this target.")
    if goal.level != GoalLevel.POSITION:
        return 0
    if goal.is_closed or goal.status == GoalStatus.DRAFT:
        raise ValidationError(
            f"This target is {goal.get_status_display().lower()}: only an active target is proposed to its holders."
        )
    if goal.period.is_closed:
        raise ValidationError(f"The period {goal.period} is closed: it takes no new targets.")
    return _propose_to_holders(goal, actor)


def _propose_to_holders(goal: Goal, actor: GoalActor) -> int:
    already = set(Goal.objects.filter(source=goal).values_list("employee_id", flat=True))
    holders = [
        e
        for e in Employee.objects.filter(position_id=goal.position_id, is_active=True).select_related("unit")
        if e.pk not in already
    ]
    proposals = [
        Goal(
            organization=goal.organization,
            period=goal.period,
            level=GoalLevel.INDIVIDUAL,
            title=goal.title,
            description=goal.description,
            measure=goal.measure,
            parent=goal,
            source=goal,
            employee=holder,
            unit=holder.unit,
            owner=holder,
            weight=Decimal("0"),
            status=GoalStatus.DRAFT,
            created_by=actor.user,
            depth=goal.depth + 1,
        )
        for holder in holders
    ]
    created = Goal.objects.bulk_create(proposals)
    for proposal in created:
        proposal.path = tree.path_for(proposal, goal)
    Goal.objects.bulk_update(created, ["path"])
    if created:
        audit.record(
            organization=goal.organization,
            actor=actor.user,
            action="goal.proposed_to_holders",
            obj=goal,
            summary=f"{goal.title}: proposed to {len(created)} holder(s)",
        )
    return len(created)
