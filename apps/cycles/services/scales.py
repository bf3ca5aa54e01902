"""Rating scales: created and changed with all their levels at once, so a scale is never
seen half-edited."""

from decimal import Decimal

from django.db import transaction

from apps.people.services.validation import FieldErrors
from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import RatingScale, ScaleLevel

LEVEL_FIELDS = ("value", "label", "name", "descriptor", "band_from")


def check_levels(levels: list[dict], errors: FieldErrors) -> list[dict]:
    """Validate level rows (dicts of LEVEL_FIELDS); returns them highest value first.

    Errors go to the "levels" field, naming the row as the person sees it (1 = first row).
    """
    rows = [row for row in levels if any(row.get(f) not in (None, "") for f in LEVEL_FIELDS)]
    if len(rows) < 2:
        errors.add("levels", "A scale needs at least two levels.")
        return rows
    for number, row in enumerate(rows, start=1):
        if row.get("value") is None:
            errors.add("levels", f"Row {number}: give the level's value (what a rating on it scores).")
        if not (row.get("label") or "").strip():
            errors.add("levels", f"Row {number}: give the level a short label, such as “5” or “A”.")
        if row.get("band_from") is None:
            errors.add("levels", f"Row {number}: give the lowest overall score that lands on this level.")
    if errors.has("levels"):
        return rows
    for kind in ("value", "label"):
        seen = {}
        for number, row in enumerate(rows, start=1):
            key = str(row[kind]).strip().lower()
            if key in seen:
                errors.add("levels", f"Rows {seen[key]} and {number} have the same {kind}: each level needs its own.")
            seen.setdefault(key, number)
    ordered = sorted(rows, key=lambda row: Decimal(row["value"]), reverse=True)
    for higher, lower in zip(ordered, ordered[1:], strict=False):
        if Decimal(lower["band_from"]) >= Decimal(higher["band_from"]):
            errors.add(
                "levels",
                f"Bands must rise with the levels: “{lower['label']}” starts at {lower['band_from']}, "
                f"not below “{higher['label']}” at {higher['band_from']}.",
            )
    for row in ordered:
        if Decimal(row["band_from"]) > Decimal(row["value"]):
            errors.add(
                "levels",
                f"“{row['label']}”: its band starts at {row['band_from']}, above its own value {row['value']}; "
                "a rating of exactly this level would not land on it.",
            )
    return ordered


@transaction.atomic
def scale_save(
    *,
    actor,
    membership,
    name: str,
    description: str = "",
    levels: list[dict],
    scale: RatingScale | None = None,
    is_active: bool = True,
) -> RatingScale:
    """Create a scale, or replace an existing one's fields and levels, in one transaction."""
    require_hr_admin(membership)
    organization = membership.organization
    errors = FieldErrors()
    name = (name or "").strip()
    if not name:
        errors.add("name", "Name the scale.")
    elif RatingScale.objects.filter(name__iexact=name).exclude(pk=getattr(scale, "pk", None)).exists():
        errors.add("name", "Another scale has this name.")
    ordered = check_levels(levels, errors)
    errors.raise_if_any()

    created = scale is None
    scale = (
        RatingScale(organization=organization) if created else RatingScale.objects.select_for_update().get(pk=scale.pk)
    )
    scale.name, scale.description, scale.is_active = name, description, is_active
    scale.save()
    _replace_levels(scale, ordered)
    audit.record(
        organization=organization,
        actor=actor,
        action="scale.created" if created else "scale.changed",
        obj=scale,
        summary=name,
        changes={"levels": [f"{row['label']}={row['value']} from {row['band_from']}" for row in ordered]},
    )
    return scale


def _replace_levels(scale: RatingScale, ordered: list[dict]) -> None:
    """Keep existing levels (matched by value) so competency descriptors stay attached."""
    existing = {level.value: level for level in scale.levels.all()}
    keep, new = [], []
    for row in ordered:
        values = {f: row.get(f) if row.get(f) is not None else "" for f in LEVEL_FIELDS}
        level = existing.pop(Decimal(row["value"]), None)
        if level is None:
            new.append(ScaleLevel(organization=scale.organization, scale=scale, **values))
        else:
            for field, value in values.items():
                setattr(level, field, value)
            keep.append(level)
    if existing:
        ScaleLevel.objects.filter(pk__in=[level.pk for level in existing.values()]).delete()
    # Labels are unique per scale: clear the kept ones first so a swap of labels cannot clash.
    if keep:
        for level in keep:
            level.label, level._label = f"~{level.pk}", level.label
        ScaleLevel.objects.bulk_update(keep, ["label"])
        for level in keep:
            level.label = level._label
        ScaleLevel.objects.bulk_update(keep, LEVEL_FIELDS)
    ScaleLevel.objects.bulk_create(new)


def level_for_score(levels: list[ScaleLevel], score: Decimal | None) -> ScaleLevel | None:
    """The level whose band holds `score` (levels highest first); the lowest takes the rest."""
    if score is None or not levels:
        return None
    for level in levels:
        if score >= level.band_from:
            return level
    return levels[-1]
