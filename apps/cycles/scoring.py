"""The overall score of an appraisal, from the frozen template's weights and scale.

* A work-targets section scores the weighted average of the officer's target ratings (by each
  target's weight; equal shares when no weights are set).
* A competencies section scores the plain average of the officer's competency ratings.
* The overall score is the sections' scores weighted by the sections' weights, over the
  sections that have at least one rating so far — so the score shown while rating is the
  score of what has been rated.
* The level is the scale's level whose band holds the score (services.scales.level_for_score).

Pure functions over plain values: the rating screen computes the same figure live.
"""

from decimal import ROUND_HALF_UP, Decimal

from .models import SectionKind

_CENT = Decimal("0.01")


def _average(pairs: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Weighted average of (weight, value) pairs; equal shares when every weight is 0."""
    if not pairs:
        return None
    total = sum((w for w, _ in pairs), Decimal("0"))
    if total:
        return sum((w * v for w, v in pairs), Decimal("0")) / total
    return sum((v for _, v in pairs), Decimal("0")) / len(pairs)


def section_scores(snapshot: dict, targets: list[dict], competency_ratings: dict) -> dict[str, Decimal | None]:
    """Score of each scored section by its key. `targets`: [{"weight", "officer_rating"}];
    `competency_ratings`: {competency key: officer rating}."""
    scores = {}
    for section in snapshot["sections"]:
        if section["kind"] == SectionKind.WORK_TARGETS:
            rated = [
                (Decimal(t["weight"] or 0), Decimal(t["officer_rating"]))
                for t in targets
                if t["officer_rating"] is not None
            ]
            scores[section["key"]] = _average(rated)
        elif section["kind"] == SectionKind.COMPETENCIES:
            rated = [
                (Decimal("1"), Decimal(competency_ratings[c["key"]]))
                for c in section["competencies"]
                if competency_ratings.get(c["key"]) is not None
            ]
            scores[section["key"]] = _average(rated)
    return scores


def overall_score(snapshot: dict, targets: list[dict], competency_ratings: dict) -> Decimal | None:
    weights = {s["key"]: Decimal(s["weight"]) for s in snapshot["sections"]}
    scored = [
        (weights[key], score)
        for key, score in section_scores(snapshot, targets, competency_ratings).items()
        if score is not None
    ]
    value = _average(scored)
    return None if value is None else value.quantize(_CENT, rounding=ROUND_HALF_UP)


def overall_level(snapshot: dict, score: Decimal | None) -> dict | None:
    """The frozen scale's level (a dict) whose band holds `score`; the lowest takes the rest."""
    if score is None:
        return None
    levels = sorted(snapshot["scale"]["levels"], key=lambda level: Decimal(level["value"]), reverse=True)
    for level in levels:
        if score >= Decimal(level["band_from"]):
            return level
    return levels[-1] if levels else None


def scale_bands(snapshot: dict) -> tuple[list[dict], list[dict]]:
    """The frozen scale's top and bottom levels (dicts, highest first): on a scale of five levels
    or more the two highest and the two lowest, on a shorter one the highest and the lowest.
    The top ones are recognised; the bottom ones are below standard (results), and a competency
    rated there is one to develop (training needs)."""
    levels = sorted(
        snapshot.get("scale", {}).get("levels", []), key=lambda level: Decimal(level["value"]), reverse=True
    )
    if len(levels) < 2:
        return [], []
    width = 2 if len(levels) >= 5 else 1
    return levels[:width], levels[-width:]


def bottom_labels(snapshot: dict) -> list[str]:
    """The labels of the scale's bottom levels (scale_bands), lowest first: a result at one of
    them is below standard."""
    return [level["label"] for level in reversed(scale_bands(snapshot)[1])]
