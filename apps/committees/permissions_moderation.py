"""Who may do what in moderation (calibration).

A moderation panel's chair and secretary speak for the panel: they open and close its sessions
and record the levels it changes (the adjustment names who recorded it; the reason says what the
panel decided). Every member of the panel reads the session: the distributions, the appraisals
with scores, the officers' spread and leniency. HR admins read every session (they wait on it to
release) and set the guideline, but do not change levels: calibration is the panel's. Nobody
else sees a session.

Rights reach only the panel's scope (the appraisals of its units and their sub-units), and a
member never adjusts an appraisal they are part of: as its appraisee, appraising officer or
countersigning officer.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from apps.tenancy.permissions import is_hr_admin

from .models import CommitteeKind, MemberRole


class Role:
    HR = "hr"
    CHAIR = MemberRole.CHAIR.value
    SECRETARY = MemberRole.SECRETARY.value
    MEMBER = MemberRole.MEMBER.value


class Action:
    VIEW = "view"  # the session: distributions, appraisals with scores, officers, adjustments
    RUN = "run"  # open and close a session
    ADJUST = "adjust"  # change an appraisal's overall level, with a reason
    GUIDELINE = "guideline"  # set the expected share at each level for a cycle


R = Role
MATRIX = {
    Action.VIEW: {R.HR, R.CHAIR, R.SECRETARY, R.MEMBER},
    Action.RUN: {R.CHAIR, R.SECRETARY},
    Action.ADJUST: {R.CHAIR, R.SECRETARY},
    Action.GUIDELINE: {R.HR},
}


def can(roles: set, action: str) -> bool:
    return bool(roles & MATRIX[action])


def require(roles: set, action: str, message: str = "You may not do this in this moderation panel.") -> None:
    if not can(roles, action):
        raise PermissionDenied(message)


def panel_roles(panel, *, employee, membership) -> set:
    """The roles a person holds on a moderation panel; seats from prefetched `members` when
    present. A committee of another kind gives no moderation role, seat or not."""
    roles = {R.HR} if is_hr_admin(membership) else set()
    if panel.kind != CommitteeKind.MODERATION_PANEL or employee is None:
        return roles
    roles |= {seat.role for seat in panel.members.all() if seat.employee_id == employee.pk}
    return roles


def is_party_to(appraisal, employee) -> bool:
    """The person is the appraisal's appraisee, appraising or countersigning officer."""
    if employee is None:
        return False
    return employee.pk in (appraisal.employee_id, appraisal.appraising_officer_id, appraisal.countersigning_officer_id)


def visible_sessions_q(*, employee, membership) -> Q:
    """The filter form of VIEW on sessions, for lists."""
    if is_hr_admin(membership):
        return Q()
    if employee is None:
        return Q(pk__in=[])
    return Q(panel__kind=CommitteeKind.MODERATION_PANEL, panel__members__employee=employee)


def runnable_panels_q(*, employee) -> Q:
    """Panels on which the person may open a session (chair or secretary)."""
    if employee is None:
        return Q(pk__in=[])
    return Q(
        kind=CommitteeKind.MODERATION_PANEL,
        is_active=True,
        members__employee=employee,
        members__role__in=[MemberRole.CHAIR, MemberRole.SECRETARY],
    )
