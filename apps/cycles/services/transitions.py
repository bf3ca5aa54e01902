"""Moving an appraisal along its workflow (apps/cycles/workflow.py): lock the row, check the
state, the role and the phase, update with a compare-and-set on state and version, write the
append-only event and record who did it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from apps.tenancy import audit

from .. import notices
from ..models import Appraisal, AppraisalEvent
from ..workflow import ACTIONS, roles_of, transition_for
from .locks import lock_appraisal


@transaction.atomic
def appraisal_transition(
    *,
    actor,
    membership,
    employee,
    appraisal: Appraisal,
    action: str,
    note: str = "",
    expected_version: int | None = None,
) -> Appraisal:
    """Take `action` on `appraisal` as `actor` (with their `employee` record, if any).

    `expected_version` is the version the person's page showed: if someone changed the
    appraisal since, nothing happens and they are told, instead of acting on what they never saw.
    """
    if action not in ACTIONS:
        raise ValidationError({"__all__": f"“{action}” is not an action on an appraisal."})
    appraisal = lock_appraisal(appraisal, "cycle", phase_bound=True)
    transition = transition_for(action, appraisal.state)
    roles = roles_of(appraisal, employee=employee, is_hr=bool(membership and membership.is_hr_admin))
    if transition is None:
        raise ValidationError(
            {"__all__": f"This appraisal is {appraisal.get_state_display().lower()}: that step is not open now."}
        )
    if not transition.roles & roles:
        raise PermissionDenied("This step is not yours to take on this appraisal.")
    if appraisal.cycle.current_phase not in transition.phases:
        raise ValidationError(
            {
                "__all__": f"The cycle is in its {appraisal.cycle.get_current_phase_display().lower() or 'preparation'} phase: "
                "this step opens in another phase."
            }
        )
    if expected_version is not None and expected_version != appraisal.version:
        raise ValidationError(
            {"__all__": "Someone else changed this appraisal after you opened it. Reload the page to see what changed."}
        )
    if transition.note_required and not note.strip():
        raise ValidationError({"note": "Say why, so the person knows what to do next."})
    source = appraisal.state
    updated = Appraisal.objects.filter(pk=appraisal.pk, state=source, version=appraisal.version).update(
        state=transition.target, version=F("version") + 1
    )
    if not updated:  # unreachable under the row lock, kept as the compare-and-set's guard
        raise ValidationError({"__all__": "The appraisal changed while you acted. Reload the page."})
    AppraisalEvent.objects.create(
        organization=appraisal.organization,
        appraisal=appraisal,
        actor=actor,
        from_state=source,
        to_state=transition.target,
        note=note.strip(),
    )
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action=f"appraisal.{action}",
        obj=appraisal,
        summary=f"{source} → {transition.target}",
        changes={"note": note.strip()} if note.strip() else {},
    )
    notices.after_transition(appraisal, action=action, note=note.strip())
    appraisal.refresh_from_db(fields=["state", "version"])
    return appraisal
