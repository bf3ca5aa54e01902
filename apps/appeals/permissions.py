"""Who may see and do what on an appeal, by role and state.

Roles on one appeal come from the relations:
- the appellant (the appraisee who lodged it);
- the board: members of the appeal board it was routed to, less those excluded from it (the
  appellant's officers and reporting line); its chair and secretary (`board_lead`) speak for
  the board: they acknowledge, ask for comments, schedule the hearing and record the decision;
- an addressee: someone the board asked for written comments (usually the appraising officer),
  who sees only the requests addressed to them, never the appeal's file;
- HR admins, who see every appeal and close a decided one.

The appellant reads the decision and its reasons but never the board's internal notes, nor who
on the board was excluded and why. MATRIX is the single definition; services call `require`,
views and templates call `can`, lists use `visible_q`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from apps.committees.models import CommitteeKind, CommitteeMember, MemberRole
from apps.tenancy.permissions import is_hr_admin

from .models import AppealExclusion, AppealState, CommentRequest


class Role:
    APPELLANT = "appellant"
    BOARD = "board"
    BOARD_LEAD = "board_lead"
    ADDRESSEE = "addressee"
    HR = "hr"


class Action:
    VIEW = "view"  # the appeal, its state, timeline, decision and reasons, attachments
    VIEW_INTERNAL = "view_internal"  # the board's notes, the exclusions, every comment request
    VIEW_OWN_REQUESTS = "view_own_requests"  # the comment requests addressed to oneself
    ACKNOWLEDGE = "acknowledge"
    START_REVIEW = "start_review"
    REQUEST_COMMENTS = "request_comments"
    RESPOND = "respond"
    SCHEDULE_HEARING = "schedule_hearing"
    DECIDE = "decide"
    ADD_NOTE = "add_note"
    ACKNOWLEDGE_OUTCOME = "acknowledge_outcome"
    CLOSE = "close"
    ROUTE = "route"  # HR sends an unassigned appeal to a board again (a board was set up since)


S = AppealState
R = Role
ALL_STATES = frozenset(S.values)
OPEN = frozenset(s for s in S.values if s != S.CLOSED)
REVIEWING = frozenset({S.ACKNOWLEDGED, S.UNDER_REVIEW, S.HEARING_SCHEDULED})

# action → (roles that may take it, states in which it is open)
MATRIX: dict[str, tuple[frozenset, frozenset]] = {
    Action.VIEW: (frozenset({R.APPELLANT, R.BOARD, R.BOARD_LEAD, R.HR}), ALL_STATES),
    Action.VIEW_INTERNAL: (frozenset({R.BOARD, R.BOARD_LEAD, R.HR}), ALL_STATES),
    Action.VIEW_OWN_REQUESTS: (frozenset({R.ADDRESSEE}), ALL_STATES),
    Action.ACKNOWLEDGE: (frozenset({R.BOARD_LEAD}), frozenset({S.LODGED})),
    Action.START_REVIEW: (frozenset({R.BOARD_LEAD}), frozenset({S.ACKNOWLEDGED})),
    Action.REQUEST_COMMENTS: (frozenset({R.BOARD_LEAD}), REVIEWING),
    Action.RESPOND: (frozenset({R.ADDRESSEE}), frozenset({S.UNDER_REVIEW, S.HEARING_SCHEDULED})),
    Action.SCHEDULE_HEARING: (frozenset({R.BOARD_LEAD}), REVIEWING),
    Action.DECIDE: (frozenset({R.BOARD_LEAD}), frozenset({S.UNDER_REVIEW, S.HEARING_SCHEDULED})),
    Action.ADD_NOTE: (frozenset({R.BOARD, R.BOARD_LEAD}), OPEN),
    Action.ACKNOWLEDGE_OUTCOME: (frozenset({R.APPELLANT}), frozenset({S.DECIDED})),
    Action.CLOSE: (frozenset({R.HR}), frozenset({S.DECIDED})),
    Action.ROUTE: (frozenset({R.HR}), frozenset({S.LODGED})),
}


def can(roles: set, state: str, action: str) -> bool:
    allowed_roles, states = MATRIX[action]
    return bool(roles & allowed_roles) and state in states


def require(roles: set, state: str, action: str, message: str) -> None:
    if not can(roles, state, action):
        raise PermissionDenied(message)


def roles_for(appeal, *, employee, membership) -> set:
    """The roles a person holds on one appeal (a few small queries; lists use visible_q)."""
    roles = {R.HR} if is_hr_admin(membership) else set()
    if employee is None:
        return roles
    if appeal.appellant_id == employee.pk:
        roles.add(R.APPELLANT)
    if appeal.board_id is not None:
        seat = (
            CommitteeMember.objects.filter(committee_id=appeal.board_id, employee=employee)
            .values_list("role", flat=True)
            .first()
        )
        if seat is not None and not AppealExclusion.objects.filter(appeal=appeal, employee=employee).exists():
            roles.add(R.BOARD)
            if seat in (MemberRole.CHAIR, MemberRole.SECRETARY):
                roles.add(R.BOARD_LEAD)
    if CommentRequest.objects.filter(appeal=appeal, addressee=employee).exists():
        roles.add(R.ADDRESSEE)
    return roles


def sits_on_q(employee, prefix: str = "") -> Q:
    """Appeals whose board the person sits on without being excluded."""
    seat = CommitteeMember.objects.filter(committee_id=OuterRef(f"{prefix}board_id"), employee=employee)
    excluded = AppealExclusion.objects.filter(appeal_id=OuterRef(f"{prefix}pk"), employee=employee)
    return Q(Exists(seat)) & ~Q(Exists(excluded))


def visible_q(*, employee, membership) -> Q:
    """The filter form of VIEW (and VIEW_OWN_REQUESTS) for lists of appeals."""
    if is_hr_admin(membership):
        return Q()
    if employee is None:
        return Q(pk__in=[])
    addressed = CommentRequest.objects.filter(appeal_id=OuterRef("pk"), addressee=employee)
    return Q(appellant=employee) | sits_on_q(employee) | Q(Exists(addressed))


def can_see_results(*, employee, membership) -> bool:
    """A cycle's results page: HR admins and members of the Performance Management Committee."""
    if is_hr_admin(membership):
        return True
    if employee is None:
        return False
    return CommitteeMember.objects.filter(
        employee=employee, committee__kind=CommitteeKind.PMC, committee__is_active=True
    ).exists()
