"""Reads behind the pages about work targets: My targets, one person's targets for their
manager, a goal's detail page and the check-in form. Each function runs a fixed number of
queries whatever the number of goals it returns."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects

from apps.tenancy import generations

from .models import CLOSED_STATUSES, COUNTED_STATUSES, CheckIn, Goal, GoalLevel, GoalStatus, KeyIndicator
from .permissions import GoalActor, can_agree, can_check_in, can_edit_goal, visible_goals

HUNDRED = Decimal("100")


# --- Work target cards ----------------------------------------------------------------------


def _checkins_oldest_first():
    return CheckIn.objects.select_related("author", "indicator").order_by("created_at", "pk")


def card_queryset(queryset):
    """Everything a target card shows, for any number of goals, in three queries: the goals,
    their indicators and their check-ins (for the sparkline and the last check-in line)."""
    return queryset.select_related("period", "owner", "employee__manager", "agreed_by", "source").prefetch_related(
        Prefetch("indicators", queryset=KeyIndicator.objects.order_by("name", "pk")),
        Prefetch("checkins", queryset=_checkins_oldest_first()),
    )


def work_targets(*, employee, period) -> list[Goal]:
    """One person's work targets in a period: agreed ones first, then drafts, then closed."""
    goals = card_queryset(Goal.objects.filter(level=GoalLevel.INDIVIDUAL, employee=employee, period=period))
    order = {GoalStatus.ACTIVE: 0, GoalStatus.DRAFT: 1, GoalStatus.ACHIEVED: 2, GoalStatus.MISSED: 3}
    return sorted(goals.order_by("created_at", "pk"), key=lambda goal: order.get(goal.status, 4))


@dataclass
class TargetsPage:
    """What My targets (or a person's targets) shows that does not depend on who looks."""

    targets: list  # with `ancestry`, `checkin_history`, `last_checkin`, their indicators prefetched
    suggestions: list
    team: list


def targets_page(*, employee, period, with_team: bool) -> TargetsPage:
    """A person's targets in a period as cards, their post's targets to take up and, with_team,
    their team's counts: seven queries, or none while no goal or person has changed since the
    page was last read (generations.cached)."""

    def read():
        return TargetsPage(
            targets=attach_history(attach_ancestry(work_targets(employee=employee, period=period))),
            suggestions=position_suggestions(employee=employee, period=period),
            team=team_with_target_counts(employee=employee, period=period) if with_team else [],
        )

    return generations.cached("targets-page", (employee.pk, period.pk, int(with_team)), ("goals", "people"), read)


def _ancestor_ids(goal: Goal) -> list[int]:
    """The ids of a goal's ancestors, top first: its materialised path without itself."""
    return [int(segment) for segment in goal.path.split("/") if segment and int(segment) != goal.pk]


def attach_ancestry(goals: list[Goal]) -> list[Goal]:
    """Give each goal `ancestry`: the goals above it, strategic first ("why this goal exists").

    The ids of every ancestor of every goal are in their paths already, so one query fetches
    them all, however many goals and levels there are.
    """
    wanted = {pk for goal in goals for pk in _ancestor_ids(goal)}
    found = (
        {g.pk: g for g in Goal.objects.filter(pk__in=wanted).select_related("unit", "position", "owner")}
        if wanted
        else {}
    )
    for goal in goals:
        goal.ancestry = [found[pk] for pk in _ancestor_ids(goal) if pk in found]
    return goals


@dataclass(frozen=True)
class GoalActions:
    """What the person looking may do with one goal; the templates only read these flags."""

    edit: bool
    agree: bool
    check_in: bool  # allowed, open, and agreed: a proposal is agreed before progress is recorded
    is_open: bool


def actions_for(actor: GoalActor, goal: Goal) -> GoalActions:
    is_open = goal.status not in CLOSED_STATUSES and not goal.period.is_closed
    return GoalActions(
        edit=can_edit_goal(actor, goal) and is_open,
        agree=can_agree(actor, goal),
        check_in=is_open and goal.status != GoalStatus.DRAFT and can_check_in(actor, goal),
        is_open=is_open,
    )


def attach_actions(actor: GoalActor, goals: list[Goal]) -> list[Goal]:
    for goal in goals:
        goal.actions = actions_for(actor, goal)
    return goals


def attach_history(goals: list[Goal]) -> list[Goal]:
    """`checkin_history` (oldest first) and `last_checkin` from the prefetched check-ins."""
    for goal in goals:
        goal.checkin_history = list(goal.checkins.all())
        goal.last_checkin = goal.checkin_history[-1] if goal.checkin_history else None
    return goals


@dataclass(frozen=True)
class WeightSummary:
    """The weights of one person's targets in a period: together they should make 100%."""

    rows: list
    total: Decimal

    @property
    def is_complete(self) -> bool:
        return self.total == HUNDRED

    @property
    def missing(self) -> Decimal:
        return HUNDRED - self.total


def weight_summary(targets: list[Goal]) -> WeightSummary:
    """Dropped targets no longer carry weight; every other one, drafts included, does (drafts
    are being agreed now, and their weight is part of what is agreed)."""
    rows = [t for t in targets if t.status != GoalStatus.DROPPED]
    return WeightSummary(rows=rows, total=sum((t.weight for t in rows), Decimal("0")))


def overall_progress(targets: list[Goal]) -> Decimal | None:
    """The person's progress over their agreed targets, weighted like a parent's roll-up."""
    counted = [t for t in targets if t.status in COUNTED_STATUSES]
    if not counted:
        return None
    weights = sum((t.weight for t in counted), Decimal("0"))
    if weights:
        value = sum((t.weight * t.progress for t in counted), Decimal("0")) / weights
    else:
        value = sum((t.progress for t in counted), Decimal("0")) / len(counted)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def position_suggestions(*, employee, period) -> list[Goal]:
    """The targets of the person's post in the period, each marked `taken` when the person
    already has a work target from it or aligned to it (a proposal counts): one query."""
    if employee is None or period is None or employee.position_id is None:
        return []
    mine = Goal.objects.filter(level=GoalLevel.INDIVIDUAL, employee=employee).filter(
        Q(source=OuterRef("pk")) | Q(parent=OuterRef("pk"))
    )
    return list(
        Goal.objects.filter(
            level=GoalLevel.POSITION,
            position_id=employee.position_id,
            period=period,
            status=GoalStatus.ACTIVE,
        )
        .select_related("owner")
        .annotate(taken=Exists(mine))
        .order_by("title", "pk")
    )


def team_with_target_counts(*, employee, period) -> list:
    """The person's direct reports, each with `target_count` and `waiting` (drafts to agree) in
    the period: one query, for the "Your team" panel on My targets."""
    if employee is None or period is None:
        return []
    from apps.people.models import Employee

    in_period = Q(work_targets__period=period, work_targets__level=GoalLevel.INDIVIDUAL)
    return list(
        Employee.objects.filter(manager=employee, is_active=True)
        .select_related("position")
        .annotate(
            target_count=Count("work_targets", filter=in_period & ~Q(work_targets__status=GoalStatus.DROPPED)),
            waiting=Count("work_targets", filter=in_period & Q(work_targets__status=GoalStatus.DRAFT)),
        )
        .order_by("last_name", "first_name", "pk")
    )


# --- One goal -------------------------------------------------------------------------------


def goal_for_detail(goal_id):
    """The queryset to look a goal up by public id, with what its page shows about it."""
    return Goal.objects.select_related(
        "period", "unit", "position__unit", "employee", "owner", "agreed_by", "source", "parent", "created_by"
    ).filter(public_id=goal_id)


def goal_children(actor: GoalActor, goal: Goal) -> list[Goal]:
    """The goals aligned directly under `goal` that the actor may see (other people's work
    targets stay hidden), in one query."""
    children = visible_goals(actor, Goal.objects.filter(parent=goal))
    return list(children.select_related("owner", "unit", "position", "employee").order_by("level", "title", "pk"))


def goal_indicators(goal: Goal) -> list[KeyIndicator]:
    """The goal's indicators, also kept on `goal.indicators.all()` for the check-in form."""
    prefetch_related_objects([goal], Prefetch("indicators", queryset=KeyIndicator.objects.order_by("name", "pk")))
    return list(goal.indicators.all())


def goal_checkins(goal: Goal) -> list[CheckIn]:
    """The whole history, oldest first (the chart reads it in that order)."""
    return list(_checkins_oldest_first().filter(goal=goal))


def goal_rolls_up(goal: Goal) -> bool:
    """Whether goals stand under this one (dropped ones aside): then its progress is theirs and
    a check-in on it takes no percentage (services.checkins refuses one)."""
    return Goal.objects.filter(parent=goal).exclude(status=GoalStatus.DROPPED).exists()


def progress_source(goal: Goal, *, indicators: list[KeyIndicator]) -> str:
    """A sentence on where the goal's progress figure comes from (as services.progress computes
    it). Asks the database rather than the listed children: the actor may not see them all."""
    children = Goal.objects.filter(parent=goal)
    if children.filter(status__in=COUNTED_STATUSES).exists():
        return "The weighted average of the agreed goals aligned to it."
    if indicators:
        return f"The average of its {len(indicators)} key indicator{'s' if len(indicators) != 1 else ''}."
    return "The percentage recorded at the last check-in."
