"""Reads that the goal pages share, with their prefetching. Organised by page.

Every function here costs a fixed number of queries whatever the number of goals (noted on
each), so the pages keep a constant query count on a cascade of any size.
"""

from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.people.models import OrgUnit
from apps.tenancy import generations

from .models import COUNTED_STATUSES, LEVEL_RANK, Goal, GoalLevel, GoalPeriod, GoalStatus
from .permissions import ORGANISATION_LEVELS, GoalActor, visible_goals

# The goal pages read goals and, for who sees which work target, the reporting lines.
GOAL_PAGE_DOMAINS = ("goals", "people")
# What a goal's line on any page shows besides itself.
NODE_RELATED = ("period", "owner", "unit", "position__unit", "employee")


def level_order():
    """Order goals from the top of the cascade down (strategic first), in SQL."""
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()), output_field=IntegerField()
    )


# --- Periods: the period picker of every goal page ----------------------------------------------


def periods_newest_first() -> list[GoalPeriod]:
    """All periods, newest first: one query (organisations have a handful), kept until a goal
    changes; every goal page starts with it."""
    return generations.cached(
        "goal-periods", (), ("goals",), lambda: list(GoalPeriod.objects.order_by("-starts_on", "name"))
    )


def default_period(periods: list[GoalPeriod], today=None) -> GoalPeriod | None:
    """The open period that covers today, else the latest one (from a newest-first list)."""
    today = today or timezone.localdate()
    for period in periods:
        if not period.is_closed and period.starts_on <= today <= period.ends_on:
            return period
    return periods[0] if periods else None


def chosen_period(periods: list[GoalPeriod], public_id) -> GoalPeriod | None:
    """The period named by ?period=<public_id>; a stale or foreign id falls back to the default
    instead of an error (bookmarks outlive periods)."""
    if public_id:
        for period in periods:
            if str(period.public_id) == str(public_id):
                return period
    return default_period(periods)


def periods_with_goal_counts():
    """The HR period list: one query."""
    return GoalPeriod.objects.annotate(
        goal_count=Count("goals", filter=~Q(goals__level=GoalLevel.INDIVIDUAL), distinct=True),
        target_count=Count("goals", filter=Q(goals__level=GoalLevel.INDIVIDUAL), distinct=True),
    ).order_by("-starts_on", "name")


# --- The cascade -------------------------------------------------------------------------------


def _visible_child_count(actor: GoalActor):
    """How many children of the outer goal the actor may see, as a correlated subquery: the
    count neither multiplies the rows nor needs a GROUP BY over every selected column."""
    children = (
        visible_goals(actor, Goal.objects.filter(parent=OuterRef("pk")))
        .order_by()
        .values("parent")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(children, output_field=IntegerField()), Value(0))


def cascade_nodes(actor: GoalActor, queryset):
    """Goals as the cascade shows them, each with `child_count` (visible children): one query."""
    return (
        visible_goals(actor, queryset)
        .select_related(*NODE_RELATED)
        .annotate(child_count=_visible_child_count(actor), level_rank=level_order())
        .order_by("level_rank", "title", "pk")
    )


def cascade_roots(actor: GoalActor, period: GoalPeriod) -> list[Goal]:
    """The top of the cascade: strategic goals and any corporate goal without a parent. One query."""
    roots = Goal.objects.filter(period=period, parent__isnull=True, level__in=ORGANISATION_LEVELS)
    return list(cascade_nodes(actor, roots))


def cascade_children(actor: GoalActor, parents: list[Goal]) -> list[Goal]:
    """The visible children of several goals at once, each list stored on its parent as
    `loaded_children`. One query however many parents."""
    by_id = {parent.pk: parent for parent in parents}
    for parent in parents:
        parent.loaded_children = []
    if not by_id:
        return []
    children = list(cascade_nodes(actor, Goal.objects.filter(parent_id__in=list(by_id))))
    for child in children:
        by_id[child.parent_id].loaded_children.append(child)
    return children


def cascade_top(actor: GoalActor, period: GoalPeriod) -> list[Goal]:
    """The cascade page's roots with the level below them loaded (`loaded_children`): two
    queries, or none while no goal or person has changed since someone who sees the same goals
    read them (generations.cached)."""

    def read():
        roots = cascade_roots(actor, period)
        cascade_children(actor, roots)
        return roots

    return generations.cached("cascade-top", (period.pk, actor.visibility_key), GOAL_PAGE_DOMAINS, read)


def goal_ancestors(goal: Goal) -> list[Goal]:
    """The goal's ancestors, top first, in one query: their ids are the goal's own path."""
    ids = [int(segment) for segment in goal.path.split("/") if segment and int(segment) != goal.pk]
    if not ids:
        return []
    return list(Goal.objects.filter(pk__in=ids).order_by("depth"))


# --- A unit's goal page ------------------------------------------------------------------------


def unit_goals_with_alignment(actor: GoalActor, unit: OrgUnit, period: GoalPeriod) -> list[Goal]:
    """The unit's goals for the period, each with its parent, its indicators and `aligned`: the
    sub-unit goals, position targets and (visible) work targets under it with their own
    indicators. Four queries: goals, their indicators, all aligned goals, their indicators."""
    goals = list(
        Goal.objects.filter(period=period, level=GoalLevel.UNIT, unit=unit)
        .select_related("period", "unit", "parent__unit", "owner")
        .prefetch_related("indicators")
        .order_by("title", "pk")
    )
    by_id = {goal.pk: goal for goal in goals}
    for goal in goals:
        goal.aligned = []
    if goals:
        aligned = (
            visible_goals(actor, Goal.objects.filter(parent_id__in=list(by_id)))
            .select_related(*NODE_RELATED)
            .prefetch_related("indicators")
            .annotate(level_rank=level_order())
            .order_by("level_rank", "unit__path", "title", "pk")
        )
        for child in aligned:
            by_id[child.parent_id].aligned.append(child)
    return goals


def unit_goal_page(actor: GoalActor, unit: OrgUnit, period: GoalPeriod | None) -> tuple[list, list]:
    """A unit page's goals with their alignment (none without a period) and its sub-units with
    their goal counts: five queries, or none while no goal or person has changed since someone
    who sees the same goals read them."""

    def read():
        goals = unit_goals_with_alignment(actor, unit, period) if period else []
        return goals, sub_units_with_goal_counts(unit, period)

    period_key = period.pk if period else "-"
    return generations.cached("unit-goals", (unit.pk, period_key, actor.visibility_key), GOAL_PAGE_DOMAINS, read)


def sub_units_with_goal_counts(unit: OrgUnit, period: GoalPeriod | None):
    """The unit's active sub-units with how many unit goals each has in the period: one query
    (a correlated count on the goals' unit index, not a join over every goal)."""
    goals = Goal.objects.filter(unit=OuterRef("pk"), level=GoalLevel.UNIT, period=period).order_by()
    goal_count = Subquery(goals.values("unit").annotate(n=Count("id")).values("n"), output_field=IntegerField())
    return list(
        OrgUnit.objects.filter(parent=unit, is_active=True)
        .select_related("head")
        .annotate(goal_count=Coalesce(goal_count, Value(0)) if period else Value(0))
        .order_by("name")
    )


# --- Alignment gaps ----------------------------------------------------------------------------

# Goals above a person's own targets: someone should carry each of them.
CARRIED_LEVELS = (GoalLevel.STRATEGIC, GoalLevel.CORPORATE, GoalLevel.UNIT, GoalLevel.POSITION)
HUNDRED = Decimal("100")


def gap_scope(actor: GoalActor) -> Q:
    """HR sees the whole organisation; a unit head the goals of the units they head and of
    every unit below them (a path prefix each). Organisation goals have no unit: HR only."""
    if actor.is_hr:
        return Q()
    scope = Q(pk__in=[])
    for path in actor.headed_paths:
        scope |= Q(unit__path__startswith=path)
    return scope


def goals_nobody_carries(actor: GoalActor, period: GoalPeriod):
    """Active goals above the individual level with no sub-goal or target under them (dropped
    ones do not count: they carry nothing). A queryset: the page counts it and lists the first
    rows, one query each."""
    carried = Goal.objects.filter(parent=OuterRef("pk")).exclude(status=GoalStatus.DROPPED)
    return (
        Goal.objects.filter(gap_scope(actor), period=period, status=GoalStatus.ACTIVE, level__in=CARRIED_LEVELS)
        .exclude(Exists(carried))
        .select_related(*NODE_RELATED)
        .annotate(level_rank=level_order())
        .order_by("level_rank", "unit__path", "title", "pk")
    )


def unaligned_targets(actor: GoalActor, period: GoalPeriod):
    """Work targets (draft or active) that serve no goal above them, among those the actor may
    see. A queryset, as above."""
    targets = Goal.objects.filter(
        gap_scope(actor),
        period=period,
        level=GoalLevel.INDIVIDUAL,
        parent__isnull=True,
        status__in=(GoalStatus.DRAFT, GoalStatus.ACTIVE),
    )
    return (
        visible_goals(actor, targets)
        .select_related(*NODE_RELATED)
        .order_by("unit__path", "employee__last_name", "employee__first_name", "title", "pk")
    )


def goals_with_unbalanced_weights(actor: GoalActor, period: GoalPeriod):
    """Goals whose sub-goals' weights do not add up to 100%, with the sum (`weight_total`) and
    how many sub-goals count (`weighted_children`). Summed in SQL, one query: the sums are
    grouped by parent id alone (a narrow GROUP BY however many columns the rows show), and only
    the parents found get their figures, from correlated subqueries.

    Only sub-goals that count in the roll-up (active, achieved, missed) are summed. A person's
    work targets are left out: their weight is a share of that person's own targets, not of the
    goal above (every holder of a post carries the same proposed target)."""
    counted = Goal.objects.filter(status__in=COUNTED_STATUSES).exclude(level=GoalLevel.INDIVIDUAL).order_by()
    unbalanced_parents = (
        counted.filter(period=period, parent__isnull=False)
        .values("parent_id")
        .annotate(total=Sum("weight"))
        .exclude(total=HUNDRED)
        .values("parent_id")
    )
    siblings = counted.filter(parent=OuterRef("pk")).values("parent")
    return (
        Goal.objects.filter(gap_scope(actor), period=period, pk__in=Subquery(unbalanced_parents))
        .exclude(status=GoalStatus.DROPPED)
        .annotate(
            weighted_children=Subquery(siblings.annotate(n=Count("id")).values("n"), output_field=IntegerField()),
            weight_total=Subquery(siblings.annotate(total=Sum("weight")).values("total")),
            level_rank=level_order(),
        )
        .select_related(*NODE_RELATED)
        .order_by("level_rank", "unit__path", "title", "pk")
    )


def remaining_weight(parent: Goal | None) -> Decimal | None:
    """What is left of 100% under `parent` among the sub-goals that count: a suggestion for a
    new sub-goal's weight. One query."""
    if parent is None:
        return None
    used = Goal.objects.filter(parent=parent, status__in=COUNTED_STATUSES).exclude(
        level=GoalLevel.INDIVIDUAL
    ).aggregate(total=Sum("weight"))["total"] or Decimal("0")
    return max(Decimal("0"), HUNDRED - used)


# --- Dashboard: what each person sees of the cascade on their start page -------------------------


def dashboard_summary(actor: GoalActor, period: GoalPeriod | None) -> dict | None:
    """The period's strategic goals, the person's own targets and, for managers, the targets
    waiting for their agreement: three queries whatever the numbers (four with the reporting
    line), none while no goal or person has changed since the person last looked."""
    if period is None:
        return None
    person = actor.employee.pk if actor.employee is not None else "-"
    return generations.cached(
        "dashboard-goals", (period.pk, person), GOAL_PAGE_DOMAINS, lambda: _summary(actor, period)
    )


def _summary(actor: GoalActor, period: GoalPeriod) -> dict:
    strategy = list(
        Goal.objects.filter(period=period, level=GoalLevel.STRATEGIC)
        .exclude(status=GoalStatus.DROPPED)
        .order_by("path")
    )
    mine = None
    if actor.employee is not None:
        mine = Goal.objects.filter(period=period, employee=actor.employee).aggregate(
            total=Count("id", filter=~Q(status=GoalStatus.DROPPED)),
            drafts=Count("id", filter=Q(status=GoalStatus.DRAFT)),
            weights=Sum("weight", filter=Q(status__in=COUNTED_STATUSES)),
            weighted=Sum(F("weight") * F("progress"), filter=Q(status__in=COUNTED_STATUSES)),
        )
        mine["progress"] = (mine["weighted"] / mine["weights"]).quantize(Decimal("0.01")) if mine["weights"] else None
    waiting = 0
    if actor.employee is not None and actor.report_ids:
        waiting = Goal.objects.filter(
            period=period, level=GoalLevel.INDIVIDUAL, status=GoalStatus.DRAFT, employee_id__in=actor.report_ids
        ).count()
    return {"period": period, "strategy": strategy, "mine": mine, "waiting_for_me": waiting}
