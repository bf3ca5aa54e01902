"""Progress roll-up.

A leaf goal's progress comes from its key indicators (their average) or, without any, from
its manual percentage. A parent's progress is the weighted average of its counted children
(active, achieved, missed); equal shares when their weights are all zero. A work target's
weight is its share among its owner's own targets (what the appraisal weighs), not a share
of its parent, so in the parent's average it weighs 0: work targets count with equal shares
where nothing else under the parent carries a weight, and the alignment-gaps page sums the
same weights. When a goal
changes, only it and its ancestors are recomputed: one aggregate and one update per level,
bottom-up, never the whole tree.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, F, Sum, Value, When
from django.db.models.functions import Length

from ..models import COUNTED_STATUSES, Goal, GoalLevel

_CENT = Decimal("0.01")


def _leaf_progress(goal: Goal) -> Decimal:
    indicators = list(goal.indicators.all())
    if indicators:
        return sum((i.progress for i in indicators), Decimal("0")) / len(indicators)
    return goal.manual_progress or Decimal("0")


# The weight a child carries in its parent's average (see the module's docstring).
_SHARE = Case(
    When(level=GoalLevel.INDIVIDUAL, then=Value(Decimal("0"))),
    default=F("weight"),
    output_field=DecimalField(max_digits=5, decimal_places=2),
)


def computed_progress(goal: Goal) -> Decimal:
    children = Goal.objects.filter(parent=goal, status__in=COUNTED_STATUSES).aggregate(
        n=Count("id"),
        weights=Sum(_SHARE),
        weighted=Sum(_SHARE * F("progress"), output_field=DecimalField()),
        plain=Sum("progress"),
    )
    if children["n"]:
        value = children["weighted"] / children["weights"] if children["weights"] else children["plain"] / children["n"]
    else:
        value = _leaf_progress(goal)
    return Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)


def refresh_upwards(goal: Goal) -> list[Goal]:
    """Recompute `goal` and then each ancestor; returns the goals whose progress changed.

    The chain's rows are locked first, deepest first, and each level's children read after:
    two people checking in on sibling goals at once would otherwise each average the parent
    from the other's old progress, and the later write would lose the earlier one's share.
    Deepest first is the order every writer already takes (its own goal, then the ones above),
    so two such chains wait for each other rather than deadlock."""
    ancestor_ids = [int(segment) for segment in goal.path.split("/") if segment][:-1]
    locked = {
        row.pk: row
        for row in Goal.objects.select_for_update()
        .filter(pk__in=[goal.pk, *ancestor_ids])
        .order_by(Length("path").desc())
        .only("pk", "progress", "manual_progress", "path")
    }
    if goal.pk in locked:  # the caller's instance, with what another writer stored meanwhile
        goal.progress = locked[goal.pk].progress
    chain = [goal] + [locked[pk] for pk in reversed(ancestor_ids) if pk in locked]
    changed = []
    for node in chain:
        value = computed_progress(node)
        if value != node.progress:
            node.progress = value
            # Saved before the next level reads it: the parent's aggregate sees the new value.
            Goal.objects.filter(pk=node.pk).update(progress=value)
            changed.append(node)
        elif node is not goal:
            # Nothing moved here, so nothing above can move either.
            break
    return changed
