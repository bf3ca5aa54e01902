"""Who may see and change what on an appraisal, by role and state.

Roles on one appraisal come from the relations (apps/cycles/workflow.roles_of): the appraisee,
their appraising officer (AO), their countersigning officer (CO), and HR admins. Nobody else
sees an appraisal (committees and appeal boards get their own, scoped, rights later).
The state-changing steps themselves are in workflow.TRANSITIONS.
"""

from django.db.models import Q

from .models import AppraisalState as S
from .workflow import Role, roles_of

RELEASED = (S.RELEASED, S.ACKNOWLEDGED)
RATED = (S.WITH_COUNTERSIGNING, S.COUNTERSIGNED, S.RELEASED, S.ACKNOWLEDGED)

# The parts of an appraisal each role may change, by state.
EDITABLE = {
    S.PLANNING: {Role.APPRAISEE: {"targets"}, Role.OFFICER: {"targets"}},
    S.MIDTERM: {Role.APPRAISEE: {"midterm_notes"}, Role.OFFICER: {"midterm_notes", "targets", "midterm_meeting"}},
    S.SELF_ASSESSMENT: {Role.APPRAISEE: {"self_assessment"}},
    S.WITH_OFFICER: {Role.OFFICER: {"rating"}},
    S.WITH_COUNTERSIGNING: {Role.COUNTERSIGNING: {"countersigning"}},
    S.RELEASED: {Role.APPRAISEE: {"acknowledgement"}, Role.OFFICER: {"feedback_interview"}},
}


def roles_for(appraisal, *, employee, membership) -> set:
    return roles_of(appraisal, employee=employee, is_hr=bool(membership and membership.is_hr_admin))


def can_view(roles: set) -> bool:
    return bool(roles)


def can_edit(roles: set, state: str, part: str) -> bool:
    allowed = EDITABLE.get(state, {})
    return any(part in allowed.get(role, set()) for role in roles)


def can_see_officer_ratings(roles: set, state: str) -> bool:
    """The appraisee sees the AO's ratings and score only once the result is released."""
    if roles & {Role.OFFICER, Role.COUNTERSIGNING, Role.HR}:
        return True
    return Role.APPRAISEE in roles and state in RELEASED


def can_see_countersigning_remarks(roles: set, state: str) -> bool:
    """HR and the CO always; the AO once the CO has acted; the appraisee after release."""
    if roles & {Role.COUNTERSIGNING, Role.HR}:
        return True
    if Role.OFFICER in roles and state in (S.COUNTERSIGNED, S.RELEASED, S.ACKNOWLEDGED, S.WITH_OFFICER):
        return True
    return Role.APPRAISEE in roles and state in RELEASED


def can_see_section(roles: set, section: dict) -> bool:
    """A countersigning officer who is nothing else sees only the sections the template shows them."""
    if roles & {Role.APPRAISEE, Role.OFFICER, Role.HR}:
        return True
    return Role.COUNTERSIGNING in roles and section.get("countersigning_sees", True)


def visible_appraisals(queryset, *, employee, membership):
    """The queryset form of can_view, for lists."""
    if membership is not None and membership.is_hr_admin:
        return queryset
    if employee is None:
        return queryset.none()
    return queryset.filter(Q(employee=employee) | Q(appraising_officer=employee) | Q(countersigning_officer=employee))
