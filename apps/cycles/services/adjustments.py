"""Changes to a rated appraisal made after the appraising officer's rating by a body that is not
on the appraisal: a moderation panel calibrating levels, an appeal board deciding an appeal.

These services do not decide who may call them: the moderation and appeal services check their
own rights (panel or board membership, scope, the session or appeal being open) and then call
here. What is enforced here is the appraisal's own integrity: the row is locked, the value is on
the cycle's frozen scale, the appraisal has been rated, a reason is given, and every change is
written to the append-only RatingChange history (nothing is overwritten silently), with the
version bumped so an open form sees the change, and an audit row.

Errors are keyed "level", "value" and "reason"; callers map them onto their own form fields.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from apps.tenancy import audit

from .. import scoring
from ..models import Appraisal, AppraisalState, AppraisalTarget, CompetencyRating, RatingChange
from .rating import level_for_value, rated_sections

# An appraisal can be adjusted once it has been countersigned (moderation) and after release
# (appeals); before that its ratings are still the officers' to change.
ADJUSTABLE_STATES = (AppraisalState.COUNTERSIGNED, AppraisalState.RELEASED, AppraisalState.ACKNOWLEDGED)


def scale_labels(snapshot: dict) -> list[str]:
    """The labels of the frozen scale's levels, highest first."""
    levels = sorted(snapshot["scale"]["levels"], key=lambda level: Decimal(level["value"]), reverse=True)
    return [level["label"] for level in levels]


def _locked(appraisal: Appraisal) -> Appraisal:
    locked = Appraisal.objects.select_for_update(of=("self",)).select_related("cycle_template").get(pk=appraisal.pk)
    if locked.state not in ADJUSTABLE_STATES:
        raise ValidationError(
            {
                "__all__": f"This appraisal is {locked.get_state_display().lower()}: it can be adjusted only "
                "once it has been countersigned."
            }
        )
    return locked


def _reason(reason: str, source: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the change: it is kept with the appraisal."})
    return f"{source}: {reason}" if source else reason


def _as_text(number) -> str:
    return "" if number is None else f"{Decimal(number).normalize():f}"


def _change(appraisal, actor, subject, key, field, old, new, reason) -> RatingChange:
    return RatingChange(
        organization_id=appraisal.organization_id,
        appraisal=appraisal,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=subject,
        subject_key=key,
        field=field,
        old_value=old,
        new_value=new,
        reason=reason,
    )


@transaction.atomic
def adjust_overall_level(
    *, actor, appraisal: Appraisal, new_level_label: str, reason: str, source: str
) -> RatingChange:
    """Set the appraisal's overall level to another level of its frozen scale, keeping the score
    (a calibrated level deliberately departs from the score's band). `source` says who decided
    it ("Moderation: North panel", "Appeal 12"); it is kept with the reason. Returns the history
    row, which holds the old and new level."""
    appraisal = _locked(appraisal)
    snapshot = appraisal.cycle_template.snapshot
    full_reason = _reason(reason, source)
    label = (new_level_label or "").strip()
    if label not in scale_labels(snapshot):
        raise ValidationError({"level": "Choose one of the levels of this cycle's scale."})
    if label == appraisal.overall_level:
        raise ValidationError({"level": f"The appraisal is already at level “{label}”."})
    change = _change(appraisal, actor, "appraisal", "", "overall_level", appraisal.overall_level, label, full_reason)
    change.save()
    Appraisal.objects.filter(pk=appraisal.pk).update(overall_level=label, version=F("version") + 1)
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.adjust_overall_level",
        obj=appraisal,
        summary=f"Overall level {appraisal.overall_level or '—'} → {label} ({source})",
        changes={"overall_level": [appraisal.overall_level, label], "source": source, "reason": reason.strip()},
    )
    return change


@transaction.atomic
def adjust_rating(
    *, actor, appraisal: Appraisal, subject: str, key: str, new_value, reason: str, source: str
) -> list[RatingChange]:
    """Change the appraising officer's rating of one target (`subject` "target", `key` its
    public id) or competency (`subject` "competency", `key` its key in the frozen template),
    then recompute the overall score and level by apps/cycles/scoring.py, as the officer's own
    rating would. A moderated level is replaced by the recomputed one, and the history says so.
    Returns the history rows written (the rating, then the score and level when they moved)."""
    appraisal = _locked(appraisal)
    snapshot = appraisal.cycle_template.snapshot
    full_reason = _reason(reason, source)
    level = level_for_value(snapshot, new_value)
    if level is None:
        raise ValidationError({"value": "Choose one of the levels of this cycle's scale."})
    value = Decimal(level["value"])

    rates_targets, competencies = rated_sections(snapshot)
    targets = list(AppraisalTarget.objects.filter(appraisal=appraisal).order_by("pk")) if rates_targets else []
    ratings = {r.competency_key: r for r in CompetencyRating.objects.filter(appraisal=appraisal)}
    key = str(key)
    if subject == "target":
        rated = next((t for t in targets if str(t.public_id) == key), None)
    elif subject == "competency":
        if key not in {c["key"] for c in competencies}:
            rated = None
        else:
            rated = ratings.get(key) or CompetencyRating(
                organization_id=appraisal.organization_id, appraisal=appraisal, competency_key=key
            )
            ratings[key] = rated
    else:
        rated = None
    if rated is None:
        raise ValidationError({"__all__": "That rating is not one the appraising officer gives on this appraisal."})
    old_value = rated.officer_rating
    if old_value is not None and Decimal(old_value) == value:
        raise ValidationError({"value": f"The rating is already “{level['label']}”."})

    rated.officer_rating = value
    if rated.pk is None:
        rated.save()
    else:
        rated.save(update_fields=["officer_rating"])
    changes = [
        _change(appraisal, actor, subject, key, "officer_rating", _as_text(old_value), _as_text(value), full_reason)
    ]

    score = scoring.overall_score(
        snapshot,
        [{"weight": t.weight, "officer_rating": t.officer_rating} for t in targets],
        {k: r.officer_rating for k, r in ratings.items()},
    )
    new_level = scoring.overall_level(snapshot, score)
    label = new_level["label"] if new_level else ""
    if _as_text(score) != _as_text(appraisal.overall_score):
        changes.append(
            _change(
                appraisal,
                actor,
                "appraisal",
                "",
                "overall_score",
                _as_text(appraisal.overall_score),
                _as_text(score),
                full_reason,
            )
        )
    if label != appraisal.overall_level:
        changes.append(
            _change(appraisal, actor, "appraisal", "", "overall_level", appraisal.overall_level, label, full_reason)
        )
    RatingChange.objects.bulk_create(changes)
    Appraisal.objects.filter(pk=appraisal.pk).update(overall_score=score, overall_level=label, version=F("version") + 1)
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.adjust_rating",
        obj=appraisal,
        summary=f"{subject} rating {_as_text(old_value) or '—'} → {_as_text(value)} ({source})",
        changes={
            **{f"{c.subject}:{c.subject_key}:{c.field}": [c.old_value, c.new_value] for c in changes},
            "source": source,
            "reason": reason.strip(),
        },
    )
    return changes
