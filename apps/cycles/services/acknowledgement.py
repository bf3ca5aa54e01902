"""After release: the feedback interview is recorded (by the appraisee or the appraising
officer) and the appraisee acknowledges the result, with an optional comment."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.tenancy import audit

from ..models import Appraisal
from ..permissions import can_edit, roles_for
from .transitions import appraisal_transition

STALE = (
    "Someone else saved this appraisal after you opened it, so nothing was saved. Reload the page to see what changed."
)


@transaction.atomic
def feedback_interview_record(
    *, actor, membership, employee, appraisal: Appraisal, expected_version: int | None, held_on: datetime.date
) -> Appraisal:
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    roles = roles_for(appraisal, employee=employee, membership=membership)
    if not (
        can_edit(roles, appraisal.state, "feedback_interview") or can_edit(roles, appraisal.state, "acknowledgement")
    ):
        raise PermissionDenied("Recording the feedback interview is not open to you now.")
    if expected_version is not None and expected_version != appraisal.version:
        raise ValidationError({"__all__": STALE})
    if held_on is None:
        raise ValidationError({"feedback_interview_on": "Give the date of the interview."})
    if held_on > timezone.localdate():
        raise ValidationError({"feedback_interview_on": "The interview cannot be recorded before it happens."})
    old = appraisal.feedback_interview_on
    Appraisal.objects.filter(pk=appraisal.pk).update(feedback_interview_on=held_on, version=F("version") + 1)
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.feedback_interview",
        obj=appraisal,
        summary=f"Feedback interview on {held_on:%Y-%m-%d}",
        changes={"feedback_interview_on": [str(old or ""), str(held_on)]},
    )
    appraisal.refresh_from_db()
    return appraisal


@transaction.atomic
def appraisal_acknowledge(
    *, actor, membership, employee, appraisal: Appraisal, expected_version: int | None, comment: str = ""
) -> Appraisal:
    """The appraisee's last word: stored with the time, then the appraisal is acknowledged (the
    transition checks state, role, phase and version, and rolls the comment back if it refuses)."""
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if not can_edit(roles_for(appraisal, employee=employee, membership=membership), appraisal.state, "acknowledgement"):
        raise PermissionDenied("Only the appraisee acknowledges a released appraisal.")
    if expected_version is not None and expected_version != appraisal.version:
        raise ValidationError({"__all__": STALE})
    Appraisal.objects.filter(pk=appraisal.pk).update(
        acknowledgement_comment=(comment or "").strip(), acknowledged_at=timezone.now()
    )
    return appraisal_transition(
        actor=actor,
        membership=membership,
        employee=employee,
        appraisal=appraisal,
        action="acknowledge",
        expected_version=appraisal.version,
    )
