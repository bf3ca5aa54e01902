"""The countersigning officer's part: agree with the appraising officer, or record a differing
view with reasons; then countersign, or return the appraisal to the officer with a note."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from apps.tenancy import audit

from ..models import Appraisal, RatingChange
from ..permissions import can_edit, roles_for
from .transitions import appraisal_transition

STALE = (
    "Someone else saved this appraisal after you opened it, so nothing was saved. Reload the page to see what changed."
)


def _locked_for_countersigning(appraisal, *, employee, membership, expected_version):
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if not can_edit(roles_for(appraisal, employee=employee, membership=membership), appraisal.state, "countersigning"):
        raise PermissionDenied("Countersigning this appraisal is not open to you now.")
    if expected_version is not None and expected_version != appraisal.version:
        raise ValidationError({"__all__": STALE})
    return appraisal


@transaction.atomic
def countersigning_save(
    *, actor, membership, employee, appraisal: Appraisal, expected_version: int | None, agrees, remarks: str = ""
) -> Appraisal:
    """Store agreement (True), a differing view (False, reasons required) or no view yet (None)."""
    appraisal = _locked_for_countersigning(
        appraisal, employee=employee, membership=membership, expected_version=expected_version
    )
    remarks = (remarks or "").strip()
    if agrees is False and not remarks:
        raise ValidationError({"countersigning_remarks": "Give your reasons for a differing view."})
    changes = [
        RatingChange(
            organization=appraisal.organization,
            appraisal=appraisal,
            actor=actor,
            subject="appraisal",
            field=field,
            old_value="" if old is None else str(old),
            new_value="" if new is None else str(new),
        )
        for field, old, new in (
            ("countersigning_agrees", appraisal.countersigning_agrees, agrees),
            ("countersigning_remarks", appraisal.countersigning_remarks, remarks),
        )
        if old != new
    ]
    RatingChange.objects.bulk_create(changes)
    Appraisal.objects.filter(pk=appraisal.pk).update(
        countersigning_agrees=agrees, countersigning_remarks=remarks, version=F("version") + 1
    )
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.countersigning_save",
        obj=appraisal,
        summary="agrees" if agrees else ("differing view" if agrees is False else "no view yet"),
        changes={c.field: [c.old_value, c.new_value] for c in changes},
    )
    appraisal.refresh_from_db()
    return appraisal


@transaction.atomic
def countersigning_sign(
    *, actor, membership, employee, appraisal: Appraisal, expected_version: int | None, agrees, remarks: str = ""
) -> Appraisal:
    """Save the view (which must be given) and countersign."""
    if agrees is None:
        raise ValidationError({"countersigning_agrees": "Say whether you agree before countersigning."})
    appraisal = countersigning_save(
        actor=actor,
        membership=membership,
        employee=employee,
        appraisal=appraisal,
        expected_version=expected_version,
        agrees=agrees,
        remarks=remarks,
    )
    return appraisal_transition(
        actor=actor,
        membership=membership,
        employee=employee,
        appraisal=appraisal,
        action="countersign",
        expected_version=appraisal.version,
    )


def countersigning_return(
    *, actor, membership, employee, appraisal: Appraisal, expected_version: int | None, note: str
) -> Appraisal:
    """Hand the appraisal back to the appraising officer, saying what to look at again."""
    return appraisal_transition(
        actor=actor,
        membership=membership,
        employee=employee,
        appraisal=appraisal,
        action="return_to_officer",
        note=note,
        expected_version=expected_version,
    )
