"""Reassigning appraising and countersigning officers on a cycle's appraisals, one by one or
in bulk, before the appraisals are released."""

from django.db import transaction
from django.db.models import Q

from apps.people.models import Employee
from apps.people.services.validation import FieldErrors
from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import Appraisal, AppraisalEvent, AppraisalState

# After release the report is final: its officers are part of the record.
REASSIGNABLE_STATES = (
    AppraisalState.PLANNING,
    AppraisalState.MIDTERM,
    AppraisalState.SELF_ASSESSMENT,
    AppraisalState.WITH_OFFICER,
    AppraisalState.WITH_COUNTERSIGNING,
)


@transaction.atomic
def officers_reassign(
    *,
    actor,
    membership,
    appraisals,
    appraising_officer: Employee | None = None,
    countersigning_officer: Employee | None = None,
    note: str = "",
) -> int:
    """Set the AO and/or CO (whichever is given) on the given appraisals; returns how many changed.

    Nobody appraises or countersigns themselves: such rows are refused as a whole, with the
    names, so HR can fix the selection.
    """
    require_hr_admin(membership)
    errors = FieldErrors()
    if appraising_officer is None and countersigning_officer is None:
        errors.add("__all__", "Choose a new appraising officer, a new countersigning officer, or both.")
    for field, officer in (
        ("appraising_officer", appraising_officer),
        ("countersigning_officer", countersigning_officer),
    ):
        if officer is not None and (officer.organization_id != membership.organization_id or not officer.is_active):
            errors.add(field, "Choose an active person of this organisation.")
    errors.raise_if_any()
    rows = list(
        Appraisal.objects.select_for_update().filter(pk__in=[a.pk for a in appraisals]).select_related("employee")
    )
    for appraisal in rows:
        if appraisal.state not in REASSIGNABLE_STATES:
            errors.add(
                "__all__",
                f"{appraisal.employee}: the appraisal is {appraisal.get_state_display().lower()}; its officers are final.",
            )
        ao = appraising_officer or appraisal.appraising_officer
        co = countersigning_officer or appraisal.countersigning_officer
        if appraising_officer is not None and appraising_officer.pk == appraisal.employee_id:
            errors.add("appraising_officer", f"{appraisal.employee} cannot appraise themselves.")
        if countersigning_officer is not None and countersigning_officer.pk == appraisal.employee_id:
            errors.add("countersigning_officer", f"{appraisal.employee} cannot countersign their own appraisal.")
        if ao is not None and co is not None and ao.pk == co.pk:
            errors.add(
                "countersigning_officer",
                f"{appraisal.employee}: the countersigning officer must be someone other than the appraising officer.",
            )
    errors.raise_if_any()
    changed = []
    for appraisal in rows:
        before = (appraisal.appraising_officer_id, appraisal.countersigning_officer_id)
        if appraising_officer is not None:
            appraisal.appraising_officer = appraising_officer
        if countersigning_officer is not None:
            appraisal.countersigning_officer = countersigning_officer
        if before != (appraisal.appraising_officer_id, appraisal.countersigning_officer_id):
            appraisal.version += 1
            changed.append(appraisal)
    _save_reassigned(
        changed, actor=actor, organization=membership.organization, note=("Officers reassigned. " + note).strip()
    )
    if changed:
        audit.record(
            organization=membership.organization,
            actor=actor,
            action="appraisal.officers_reassigned",
            obj=changed[0].cycle if len(changed) > 1 else changed[0],
            summary=f"{len(changed)} appraisal(s): AO → {appraising_officer or 'unchanged'}, CO → {countersigning_officer or 'unchanged'}",
        )
    return len(changed)


def officers_hand_over(*, actor, membership, departing: Employee, successor: Employee) -> str:
    """The open appraisals (not yet released) that `departing` appraises or countersigns go to
    `successor`, each with an event, when a person leaves (people's `employee_handed_over`).
    Where the successor would appraise or countersign themselves, or be both officers of one
    appraisal, that role is left for HR to reassign (the record counts them). Returns a line for
    the deactivation's record."""
    require_hr_admin(membership)
    open_rows = Appraisal.objects.select_for_update().filter(state__in=REASSIGNABLE_STATES)
    rows = list(open_rows.filter(Q(appraising_officer=departing) | Q(countersigning_officer=departing)).order_by("pk"))
    moved, left = [], 0
    for appraisal in rows:
        changed = False
        for field, other in (
            ("appraising_officer", "countersigning_officer"),
            ("countersigning_officer", "appraising_officer"),
        ):
            if getattr(appraisal, f"{field}_id") != departing.pk:
                continue
            if successor.pk in (appraisal.employee_id, getattr(appraisal, f"{other}_id")):
                left += 1
                continue
            setattr(appraisal, field, successor)
            changed = True
        if changed:
            appraisal.version += 1
            moved.append(appraisal)
    _save_reassigned(
        moved,
        actor=actor,
        organization=membership.organization,
        note=f"Officers reassigned: {departing.full_name} left; {successor.full_name} takes over.",
    )
    parts = []
    if moved:
        parts.append(f"{len(moved)} open appraisal{'s' if len(moved) != 1 else ''}")
    if left:
        parts.append(f"{left} officer role{'s' if left != 1 else ''} on open appraisals left for HR to reassign")
    return ", ".join(parts)


def _save_reassigned(appraisals: list, *, actor, organization, note: str) -> None:
    """Write the new officers and versions of `appraisals`, each with an event saying why."""
    Appraisal.objects.bulk_update(appraisals, ["appraising_officer", "countersigning_officer", "version"])
    AppraisalEvent.objects.bulk_create(
        [
            AppraisalEvent(
                organization=organization,
                appraisal=appraisal,
                actor=actor,
                from_state=appraisal.state,
                to_state=appraisal.state,
                note=note,
            )
            for appraisal in appraisals
        ]
    )
