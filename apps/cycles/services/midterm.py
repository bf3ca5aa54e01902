"""The mid-term review: progress notes per target (appraisee or appraising officer), targets
revised by the appraising officer with a reason (planning.target_save keeps the history), and
the date the review meeting happened."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.tenancy import audit

from ..models import Appraisal, AppraisalTarget, RatingChange
from .planning import bump_version, lock_for_edit, record_change, target_save


@transaction.atomic
def midterm_note_save(
    *, actor, employee, membership, appraisal: Appraisal, target: AppraisalTarget, note: str, expected_version=None
) -> AppraisalTarget:
    appraisal, _roles = lock_for_edit(
        appraisal=appraisal,
        employee=employee,
        membership=membership,
        part="midterm_notes",
        expected_version=expected_version,
    )
    if target.appraisal_id != appraisal.pk:
        raise PermissionDenied("That target belongs to another appraisal.")
    target = AppraisalTarget.objects.select_for_update().get(pk=target.pk)
    note = (note or "").strip()
    if note == target.midterm_note:
        return target
    record_change(
        appraisal=appraisal, actor=actor, target=target, field="midterm_note", old=target.midterm_note, new=note
    )
    target.midterm_note = note
    target.save(update_fields=["midterm_note"])
    bump_version(appraisal)
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.midterm_note",
        obj=appraisal,
        summary=f"Progress note on “{target.title}”",
        changes={"target": str(target.public_id)},
    )
    return target


def target_revise(*, reason: str, **kwargs) -> AppraisalTarget:
    """A mid-term revision is a target change whose reason is required and kept."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the target is revised: the reason is kept with the change."})
    return target_save(reason=reason, **kwargs)


@transaction.atomic
def midterm_meeting_save(
    *, actor, employee, membership, appraisal: Appraisal, meeting_on: datetime.date | None, expected_version=None
) -> Appraisal:
    appraisal, _roles = lock_for_edit(
        appraisal=appraisal,
        employee=employee,
        membership=membership,
        part="midterm_meeting",
        expected_version=expected_version,
    )
    if meeting_on is None:
        raise ValidationError({"midterm_meeting_on": "Enter the date the mid-term review meeting took place."})
    if meeting_on > timezone.localdate():
        raise ValidationError(
            {"midterm_meeting_on": "Record the meeting once it has happened: that date is in the future."}
        )
    old = appraisal.midterm_meeting_on
    if old == meeting_on:
        return appraisal
    RatingChange.objects.create(
        organization=appraisal.organization,
        appraisal=appraisal,
        actor=actor,
        subject="appraisal",
        field="midterm_meeting_on",
        old_value=old.isoformat() if old else "",
        new_value=meeting_on.isoformat(),
    )
    Appraisal.objects.filter(pk=appraisal.pk).update(midterm_meeting_on=meeting_on)
    bump_version(appraisal)
    appraisal.midterm_meeting_on = meeting_on
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.midterm_meeting",
        obj=appraisal,
        summary=f"Mid-term review meeting on {meeting_on.isoformat()}",
        changes={"midterm_meeting_on": [old.isoformat() if old else None, meeting_on.isoformat()]},
    )
    return appraisal
