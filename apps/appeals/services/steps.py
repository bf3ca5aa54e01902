"""An appeal's way through the board: acknowledged, under review, hearing scheduled, decided,
closed. Every step locks the appeal, checks the person's role and the state against
apps/appeals/permissions.MATRIX, writes an append-only AppealEvent and an audit row, and tells
whoever needs to know.

A decision that changes a rating goes through apps/cycles/services/adjustments.py, which
keeps the appraisal's RatingChange history; the appeal records what it changed to."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.cycles.models import Appraisal
from apps.cycles.services.adjustments import adjust_overall_level, adjust_rating, scale_labels
from apps.cycles.services.rating import level_for_value
from apps.tenancy import audit

from .. import notices
from ..models import Appeal, AppealEvent, AppealNote, AppealState, AppealSubject, Outcome
from ..permissions import Action, require, roles_for

S = AppealState


def locked(appeal: Appeal, *, employee, membership, action: str, message: str) -> tuple[Appeal, set]:
    """The appeal, locked, after checking that the person may take `action` in its state."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("appellant", "board", "appraisal__cycle_template")
        .get(pk=appeal.pk)
    )
    roles = roles_for(appeal, employee=employee, membership=membership)
    require(roles, appeal.state, action, message)
    return appeal, roles


def record_event(appeal, actor, action, from_state, note="", visible_to_appellant=True) -> AppealEvent:
    return AppealEvent.objects.create(
        organization_id=appeal.organization_id,
        appeal=appeal,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=appeal.state,
        note=note,
        visible_to_appellant=visible_to_appellant,
    )


def _move(appeal, actor, action, to_state, note="", fields=(), visible_to_appellant=True) -> AppealEvent:
    from_state = appeal.state
    appeal.state = to_state
    appeal.save(update_fields=["state", "updated_at", *fields])
    event = record_event(appeal, actor, action, from_state, note, visible_to_appellant)
    audit.record(
        organization=appeal.organization,
        actor=actor,
        action=f"appeal.{action}",
        obj=appeal,
        summary=f"Appeal {from_state} → {to_state}" + (f": {note[:200]}" if note else ""),
        changes={"state": [from_state, to_state]},
    )
    return event


@transaction.atomic
def appeal_acknowledge(*, actor, employee, membership, appeal: Appeal) -> Appeal:
    appeal, _ = locked(
        appeal,
        employee=employee,
        membership=membership,
        action=Action.ACKNOWLEDGE,
        message="Only the board's chair or secretary acknowledges a lodged appeal.",
    )
    _move(appeal, actor, "acknowledge", S.ACKNOWLEDGED)
    notices.to_appellant(appeal, f"{appeal.board.name} has received your appeal")
    return appeal


@transaction.atomic
def appeal_start_review(*, actor, employee, membership, appeal: Appeal) -> Appeal:
    appeal, _ = locked(
        appeal,
        employee=employee,
        membership=membership,
        action=Action.START_REVIEW,
        message="Only the board's chair or secretary starts the review of an acknowledged appeal.",
    )
    _move(appeal, actor, "start_review", S.UNDER_REVIEW)
    notices.to_appellant(appeal, "The board is reviewing your appeal")
    return appeal


@transaction.atomic
def appeal_schedule_hearing(
    *, actor, employee, membership, appeal: Appeal, hearing_at: datetime.datetime | None, place: str
) -> Appeal:
    appeal, _ = locked(
        appeal,
        employee=employee,
        membership=membership,
        action=Action.SCHEDULE_HEARING,
        message="Only the board's chair or secretary schedules the hearing.",
    )
    if hearing_at is None:
        raise ValidationError({"hearing_at": "Give the date and time of the hearing."})
    if hearing_at <= timezone.now():
        raise ValidationError({"hearing_at": "The hearing must be in the future."})
    place = (place or "").strip()
    if not place:
        raise ValidationError({"place": "Say where the hearing takes place (a room, or how to join it)."})
    rescheduled = appeal.state == S.HEARING_SCHEDULED
    appeal.hearing_at, appeal.hearing_place = hearing_at, place[:200]
    when = timezone.localtime(hearing_at).strftime("%d %B %Y, %H:%M")
    _move(
        appeal,
        actor,
        "reschedule_hearing" if rescheduled else "schedule_hearing",
        S.HEARING_SCHEDULED,
        note=f"{when}, {place}",
        fields=("hearing_at", "hearing_place"),
    )
    notices.to_appellant(
        appeal, f"Your appeal hearing {'moved to' if rescheduled else 'is on'} {when}", f"Place: {place}"
    )
    return appeal


def _apply_change(appeal: Appeal, actor, outcome: str, new_value: str, reasons: str) -> str:
    """Change the contested level or rating when the decision does; returns what it became."""
    new_value = (new_value or "").strip()
    if outcome == Outcome.DISMISSED:
        if new_value:
            raise ValidationError({"new_value": "A dismissed appeal changes nothing: leave the new value empty."})
        return ""
    if not new_value:
        if outcome == Outcome.UPHELD:
            raise ValidationError({"new_value": "An upheld appeal changes what was contested: choose the new value."})
        return ""
    appraisal = Appraisal.objects.get(pk=appeal.appraisal_id)
    snapshot = appeal.appraisal.cycle_template.snapshot
    source = f"Appeal decided by {appeal.board.name}"
    try:
        if appeal.subject == AppealSubject.OVERALL:
            if new_value not in scale_labels(snapshot):
                raise ValidationError({"new_value": "Choose one of the levels of this cycle's scale."})
            adjust_overall_level(
                actor=actor, appraisal=appraisal, new_level_label=new_value, reason=reasons, source=source
            )
            return new_value
        adjust_rating(
            actor=actor,
            appraisal=appraisal,
            subject=appeal.subject,
            key=appeal.subject_key,
            new_value=new_value,
            reason=reasons,
            source=source,
        )
    except ValidationError as error:
        # The adjustment's keys ("level", "value", "reason") are this form's "new_value" and "reasons".
        if hasattr(error, "error_dict"):
            mapped = {
                {"level": "new_value", "value": "new_value", "reason": "reasons"}.get(k, k): v
                for k, v in error.error_dict.items()
            }
            raise ValidationError(mapped) from None
        raise
    level = level_for_value(snapshot, new_value)
    return f"{level['label']} {level.get('name', '')}".strip()


@transaction.atomic
def appeal_decide(
    *, actor, employee, membership, appeal: Appeal, outcome: str, reasons: str, new_value: str = ""
) -> Appeal:
    """The board's decision with its reasons (which the appellant reads). An upheld appeal
    changes what was contested; a partly upheld one may."""
    appeal, _ = locked(
        appeal,
        employee=employee,
        membership=membership,
        action=Action.DECIDE,
        message="Only the board's chair or secretary records the decision.",
    )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose upheld, partly upheld or dismissed."})
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Give the reasons for the decision: the appellant reads them."})
    appeal.changed_to = _apply_change(appeal, actor, outcome, new_value, reasons)
    appeal.outcome, appeal.decision_reasons = outcome, reasons
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    outcome_label = Outcome(outcome).label
    note = outcome_label + (f"; changed to {appeal.changed_to}" if appeal.changed_to else "")
    _move(
        appeal,
        actor,
        "decide",
        S.DECIDED,
        note=note,
        fields=("outcome", "decision_reasons", "changed_to", "decided_by", "decided_at"),
    )
    notices.to_appellant(appeal, f"Your appeal has been decided: {outcome_label.lower()}", reasons[:500])
    return appeal


@transaction.atomic
def appeal_acknowledge_outcome(*, actor, employee, membership, appeal: Appeal) -> Appeal:
    """The appellant has read the decision: the appeal closes."""
    appeal, _ = locked(
        appeal,
        employee=employee,
        membership=membership,
        action=Action.ACKNOWLEDGE_OUTCOME,
        message="Only the appellant acknowledges the outcome of a decided appeal.",
    )
    appeal.outcome_acknowledged_at = appeal.closed_at = timezone.now()
    _move(appeal, actor, "acknowledge_outcome", S.CLOSED, fields=("outcome_acknowledged_at", "closed_at"))
    return appeal


@transaction.atomic
def appeal_close(*, actor, employee, membership, appeal: Appeal, note: str = "") -> Appeal:
    """HR closes a decided appeal the appellant has not acknowledged."""
    appeal, _ = locked(
        appeal,
        employee=employee,
        membership=membership,
        action=Action.CLOSE,
        message="Only HR closes a decided appeal.",
    )
    appeal.closed_at = timezone.now()
    _move(appeal, actor, "close", S.CLOSED, note=(note or "").strip(), fields=("closed_at",))
    notices.to_appellant(appeal, "Your appeal has been closed")
    return appeal


@transaction.atomic
def appeal_add_note(*, actor, employee, membership, appeal: Appeal, text: str) -> AppealNote:
    """An internal note of the board: read by the board and HR only."""
    appeal, _ = locked(
        appeal,
        employee=employee,
        membership=membership,
        action=Action.ADD_NOTE,
        message="Only members of the board sitting on this appeal write its notes.",
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note."})
    note = AppealNote.objects.create(organization_id=appeal.organization_id, appeal=appeal, author=actor, text=text)
    record_event(appeal, actor, "note", appeal.state, visible_to_appellant=False)
    audit.record(
        organization=appeal.organization, actor=actor, action="appeal.note", obj=appeal, summary="Internal note"
    )
    return note
