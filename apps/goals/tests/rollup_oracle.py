"""An independent recomputation of the documented roll-up rule, in plain Python over exact
fractions, to check what services.progress stored.

The rule (apps/goals/services/progress.py):
* an indicator's progress is the share of the way from baseline to actual towards target,
  clamped to 0–100 and rounded to 0.01 half-up (no actual yet: 0);
* a goal with counted children (active, achieved, missed) takes their weighted average,
  or their plain average when the counted weights sum to 0; a work target's weight is its
  share among its owner's targets, so in its parent's average it weighs 0;
* any other goal is a leaf: the average of its indicators, else its manual percentage, else 0;
* every goal's progress is rounded to 0.01 half-up, and parents use their children's rounded values.
"""

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from apps.goals.models import COUNTED_STATUSES, KeyIndicator

CENT = Decimal("0.01")


def round_half_up(value: Fraction) -> Decimal:
    """Round an exact fraction to cents, half away from zero, with no finite-precision step."""
    cents = abs(value) * 100
    whole = cents.numerator // cents.denominator
    if cents - whole >= Fraction(1, 2):
        whole += 1
    sign = -1 if value < 0 else 1
    return (Decimal(sign * whole) / 100).quantize(CENT)


def indicator_progress(*, baseline, target, actual) -> Fraction:
    if actual is None or target == baseline:
        return Fraction(0)
    share = (Fraction(actual) - Fraction(baseline)) * 100 / (Fraction(target) - Fraction(baseline))
    share = min(Fraction(100), max(Fraction(0), share))
    return Fraction(round_half_up(share))


def expected_progress(goals, indicators) -> dict[int, Decimal]:
    """Progress of every goal, by id, from plain rows:
    goals: dicts with id, parent_id, level, status, weight, manual_progress;
    indicators: dicts with goal_id, baseline, target, actual."""
    children = defaultdict(list)
    by_id = {}
    for goal in goals:
        by_id[goal["id"]] = goal
        children[goal["parent_id"]].append(goal)
    indicators_of = defaultdict(list)
    for indicator in indicators:
        indicators_of[indicator["goal_id"]].append(indicator)
    counted = {str(status) for status in COUNTED_STATUSES}
    result: dict[int, Decimal] = {}

    def progress(goal_id: int) -> Decimal:
        if goal_id in result:
            return result[goal_id]
        kids = [kid for kid in children[goal_id] if kid["status"] in counted]
        if kids:
            values = [
                (Fraction(0 if kid["level"] == "individual" else kid["weight"]), Fraction(progress(kid["id"])))
                for kid in kids
            ]
            total = sum(weight for weight, _ in values)
            if not total:  # no weights given: equal shares
                values, total = [(Fraction(1), share) for _, share in values], len(values)
            value = sum(weight * share for weight, share in values) / total
        elif indicators_of[goal_id]:
            shares = [
                indicator_progress(baseline=i["baseline"], target=i["target"], actual=i["actual"])
                for i in indicators_of[goal_id]
            ]
            value = sum(shares) / len(shares)
        else:
            manual = by_id[goal_id]["manual_progress"]
            value = Fraction(manual) if manual is not None else Fraction(0)
        result[goal_id] = round_half_up(value)
        return result[goal_id]

    for goal in goals:
        progress(goal["id"])
    return result


def stored_and_expected(goal_queryset):
    """(stored, expected) progress by goal id for the goals of `goal_queryset`: three queries.

    The queryset must hold whole subtrees (a period's goals, say), or the parents' figures
    would miss children."""
    goals = list(goal_queryset.values("id", "parent_id", "level", "status", "weight", "manual_progress", "progress"))
    indicators = list(
        KeyIndicator.objects.filter(goal_id__in=[g["id"] for g in goals]).values(
            "goal_id", "baseline", "target", "actual"
        )
    )
    stored = {g["id"]: g["progress"] for g in goals}
    return stored, expected_progress(goals, indicators)
