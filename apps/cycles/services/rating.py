"""The appraising officer's rating: each target and competency on the cycle's frozen scale, a
comment where a rating is at either end of the scale, the overall assessment and training
recommendations; the overall score and level are kept on the appraisal.

Form field names are shared with the rating form (field_name()), so an error raised here lands
at the field that caused it.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from apps.tenancy import audit

from .. import scoring
from ..models import (
    SCORED_KINDS,
    Appraisal,
    AppraisalTarget,
    CompetencyRating,
    RatingChange,
    SectionKind,
    SectionResponse,
)
from ..permissions import can_edit, roles_for
from .locks import lock_appraisal
from .transitions import appraisal_transition

APPRAISAL_TEXTS = ("overall_assessment", "training_recommendations")


def field_name(subject: str, key, part: str) -> str:
    """The form field of one rating or comment: target-<public id>-rating, competency-<key>-comment."""
    return f"{subject}-{key}-{part}"


def scale_levels(snapshot: dict) -> list[dict]:
    """The frozen scale's levels, highest first."""
    return sorted(snapshot["scale"]["levels"], key=lambda level: Decimal(level["value"]), reverse=True)


def level_for_value(snapshot: dict, value) -> dict | None:
    """The level a stored or posted rating stands for, or None when it is not on the scale."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return next((level for level in snapshot["scale"]["levels"] if Decimal(level["value"]) == number), None)


def extreme_values(snapshot: dict) -> set[Decimal]:
    values = [Decimal(level["value"]) for level in snapshot["scale"]["levels"]]
    return {min(values), max(values)} if values else set()


def rated_sections(snapshot: dict) -> tuple[bool, list[dict]]:
    """Whether the officer rates work targets, and the competencies (snapshot dicts) they rate."""
    sections = [s for s in snapshot["sections"] if s.get("officer_rates")]
    rates_targets = any(s["kind"] == SectionKind.WORK_TARGETS for s in sections)
    competencies = [c for s in sections if s["kind"] == SectionKind.COMPETENCIES for c in s["competencies"]]
    return rates_targets, competencies


def written_sections(snapshot: dict) -> list[dict]:
    """The sections that are written, not scored (general comments, training needs, career
    wishes), where the template has the appraising officer write beside the appraisee."""
    return [s for s in snapshot["sections"] if s["kind"] not in SCORED_KINDS and s.get("officer_rates")]


def rating_preview(snapshot: dict, targets, posted) -> tuple[Decimal | None, dict | None]:
    """The score and level of posted (unsaved) ratings; values off the scale are left out."""
    rates_targets, competencies = rated_sections(snapshot)

    def posted_value(subject, key):
        level = level_for_value(snapshot, posted.get(field_name(subject, key, "rating")))
        return Decimal(level["value"]) if level else None

    target_rows = [
        {"weight": t.weight, "officer_rating": posted_value("target", t.public_id) if rates_targets else None}
        for t in targets
    ]
    competency_ratings = {c["key"]: posted_value("competency", c["key"]) for c in competencies}
    score = scoring.overall_score(snapshot, target_rows, competency_ratings)
    return score, scoring.overall_level(snapshot, score)


def _text(value) -> str:
    return "" if value is None else str(value)


def _check_version(appraisal, expected_version, current_values: dict, posted_values: dict, labels: dict):
    """Refuse a save from a page older than the appraisal, saying which fields now differ."""
    if expected_version is None or expected_version == appraisal.version:
        return
    differing = [labels.get(name, name) for name, value in posted_values.items() if current_values.get(name) != value]
    detail = f" Saved values now differ from yours in: {', '.join(differing)}." if differing else ""
    raise ValidationError(
        {
            "__all__": "Someone else saved this appraisal after you opened it, so nothing was saved."
            f"{detail} Reload the page to see their changes, then make yours again."
        }
    )


@transaction.atomic
def rating_save(
    *,
    actor,
    membership,
    employee,
    appraisal: Appraisal,
    expected_version: int | None,
    ratings: dict,
    overall_assessment: str = "",
    training_recommendations: str = "",
    section_texts: dict | None = None,
) -> Appraisal:
    """Store the officer's ratings. `ratings` maps form field names (field_name()) to posted
    values: "" or None for no rating yet; `section_texts` maps field_name("section", key,
    "text") to what the officer writes in a written section. Every change writes a
    RatingChange row (old → new)."""
    appraisal = lock_appraisal(appraisal, "cycle_template")
    if not can_edit(roles_for(appraisal, employee=employee, membership=membership), appraisal.state, "rating"):
        raise PermissionDenied("Rating this appraisal is not open to you now.")
    snapshot = appraisal.cycle_template.snapshot
    rates_targets, competencies = rated_sections(snapshot)
    targets = list(AppraisalTarget.objects.filter(appraisal=appraisal)) if rates_targets else []
    existing = {r.competency_key: r for r in CompetencyRating.objects.filter(appraisal=appraisal)}

    # (subject, key, object or None, field names, label) for every rateable row.
    rows = [("target", str(t.public_id), t, t.title) for t in targets]
    rows += [("competency", c["key"], existing.get(c["key"]), c["name"]) for c in competencies]

    current, posted, labels = {}, {}, {}
    for subject, key, obj, title in rows:
        for part, attr in (("rating", "officer_rating"), ("comment", "officer_comment")):
            name = field_name(subject, key, part)
            stored = getattr(obj, attr) if obj is not None else None
            level = level_for_value(snapshot, stored)
            current[name] = level["value"] if part == "rating" and level else _text(stored if part == "comment" else "")
            value = ratings.get(name)
            posted_level = level_for_value(snapshot, value)
            posted[name] = posted_level["value"] if part == "rating" and posted_level else _text(value).strip()
            labels[name] = f"{title} ({'rating' if part == 'rating' else 'comment'})"
    texts = {
        "overall_assessment": overall_assessment.strip(),
        "training_recommendations": training_recommendations.strip(),
    }
    for name, value in texts.items():
        current[name], posted[name] = getattr(appraisal, name), value
        labels[name] = name.replace("_", " ").capitalize()
    sections = written_sections(snapshot)
    responses = {r.section_key: r for r in SectionResponse.objects.filter(appraisal=appraisal)}
    for section in sections:
        name = field_name("section", section["key"], "text")
        current[name] = getattr(responses.get(section["key"]), "officer_text", "")
        posted[name] = _text((section_texts or {}).get(name, current[name])).strip()
        labels[name] = section["title"]
    _check_version(appraisal, expected_version, current, posted, labels)

    errors, extremes, values = {}, extreme_values(snapshot), {}
    for subject, key, _obj, _title in rows:
        rating_name, comment_name = field_name(subject, key, "rating"), field_name(subject, key, "comment")
        raw = _text(ratings.get(rating_name)).strip()
        level = level_for_value(snapshot, raw)
        if raw and level is None:
            errors[rating_name] = "Choose one of the levels of this cycle's scale."
            continue
        values[rating_name] = Decimal(level["value"]) if level else None
        if level and Decimal(level["value"]) in extremes and not posted[comment_name]:
            errors[comment_name] = f"A rating of “{level['label']}” is at the end of the scale: say why in a comment."
    if errors:
        raise ValidationError(errors)

    changes = []

    def note_change(subject, key, field, old, new):
        if _text(old) != _text(new):
            changes.append(
                RatingChange(
                    organization=appraisal.organization,
                    appraisal=appraisal,
                    actor=actor,
                    subject=subject,
                    subject_key=key,
                    field=field,
                    old_value=_text(old),
                    new_value=_text(new),
                )
            )
            return True
        return False

    def as_text(number):
        return "" if number is None else f"{number.normalize():f}"

    for subject, key, obj, _title in rows:
        new_rating = values[field_name(subject, key, "rating")]
        new_comment = posted[field_name(subject, key, "comment")]
        if obj is None:
            if new_rating is None and not new_comment:
                continue
            obj = CompetencyRating.objects.create(
                organization=appraisal.organization, appraisal=appraisal, competency_key=key
            )
            existing[key] = obj
        old_rating = obj.officer_rating
        changed = note_change(subject, key, "officer_rating", as_text(old_rating), as_text(new_rating))
        changed |= note_change(subject, key, "officer_comment", obj.officer_comment, new_comment)
        if changed:
            obj.officer_rating, obj.officer_comment = new_rating, new_comment
            obj.save(update_fields=["officer_rating", "officer_comment"])
    for name, value in texts.items():
        note_change("appraisal", "", name, getattr(appraisal, name), value)
    for section in sections:
        key, text = section["key"], posted[field_name("section", section["key"], "text")]
        response = responses.get(key)
        if note_change("section", key, "officer_text", getattr(response, "officer_text", ""), text):
            SectionResponse.objects.update_or_create(
                appraisal=appraisal,
                section_key=key,
                defaults={"officer_text": text},
                create_defaults={"organization": appraisal.organization, "officer_text": text},
            )

    RatingChange.objects.bulk_create(changes)
    score = scoring.overall_score(
        snapshot,
        [{"weight": t.weight, "officer_rating": t.officer_rating} for t in targets],
        {key: r.officer_rating for key, r in existing.items()},
    )
    level = scoring.overall_level(snapshot, score)
    Appraisal.objects.filter(pk=appraisal.pk).update(
        overall_score=score,
        overall_level=level["label"] if level else "",
        version=F("version") + 1,
        **texts,
    )
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.rating_save",
        obj=appraisal,
        summary=f"{len(changes)} rating change(s)",
        changes={f"{c.subject}:{c.subject_key}:{c.field}": [c.old_value, c.new_value] for c in changes},
    )
    appraisal.refresh_from_db()
    return appraisal


@transaction.atomic
def rating_submit(*, actor, membership, employee, appraisal: Appraisal, expected_version: int | None, **data):
    """Save, check that everything rateable is rated, and hand on to the countersigning officer."""
    appraisal = rating_save(
        actor=actor,
        membership=membership,
        employee=employee,
        appraisal=appraisal,
        expected_version=expected_version,
        **data,
    )
    snapshot = appraisal.cycle_template.snapshot
    rates_targets, competencies = rated_sections(snapshot)
    missing = {}
    if rates_targets:
        for target in AppraisalTarget.objects.filter(appraisal=appraisal, officer_rating__isnull=True):
            missing[field_name("target", target.public_id, "rating")] = "Rate this target before submitting."
    rated = set(
        CompetencyRating.objects.filter(appraisal=appraisal, officer_rating__isnull=False).values_list(
            "competency_key", flat=True
        )
    )
    for competency in competencies:
        if competency["key"] not in rated:
            missing[field_name("competency", competency["key"], "rating")] = "Rate this competency before submitting."
    if missing:
        raise ValidationError(missing)
    return appraisal_transition(
        actor=actor,
        membership=membership,
        employee=employee,
        appraisal=appraisal,
        action="submit_rating",
        expected_version=appraisal.version,
    )
