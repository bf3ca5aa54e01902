"""Who may do what with a committee and its records.

Rights come from relations first: HR admins run every committee; a committee's chair and
secretary manage its records (progress reports, issues, lessons) and publish announcements
inside its scope; its members read them; members of the committee a group reports to read the
group's reports (they are the ones who receive them). Explicit grants HR hands out to someone
outside those relations are django-guardian object permissions on the committee: read access
to its records, or the secretary's rights. Guardian rows are keyed by the committee's primary
key, and every check here runs on a committee already fetched inside the request's tenant, so
a grant can never reach another tenant's committee; the grant service also refuses users who
are not members of the committee's organisation.

Who sits on which committee, its scope and responsibilities are open to every member of the
organisation: people should know who runs the system, whom to raise a problem with and who
will hear their appeal. The records are not open: reports and issues name people and units.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from apps.tenancy.permissions import is_hr_admin

from .models import Committee, CommitteeMember, MemberRole
from .scope import covers

READ_GRANT = "read_committee_records"
MANAGE_GRANT = "manage_committee_records"


class Role:
    HR = "hr"
    CHAIR = MemberRole.CHAIR.value
    SECRETARY = MemberRole.SECRETARY.value
    MEMBER = MemberRole.MEMBER.value
    PARENT_MEMBER = "parent_member"  # sits on the committee this group reports to
    GRANTED_READ = "granted_read"  # guardian grant: read the records
    GRANTED_MANAGE = "granted_manage"  # guardian grant: like the secretary
    STAFF = "staff"  # any member of the organisation


class Action:
    VIEW = "view"  # the committee's page: members, scope, responsibilities
    READ_RECORDS = "read_records"  # reports, issues, lessons, training
    WRITE_RECORDS = "write_records"  # file reports, log and resolve issues, record lessons
    PUBLISH = "publish"  # announcements inside the scope
    MANAGE = "manage"  # edit the committee, its members, and grants


R = Role
MATRIX = {
    Action.VIEW: {R.HR, R.CHAIR, R.SECRETARY, R.MEMBER, R.PARENT_MEMBER, R.GRANTED_READ, R.GRANTED_MANAGE, R.STAFF},
    Action.READ_RECORDS: {R.HR, R.CHAIR, R.SECRETARY, R.MEMBER, R.PARENT_MEMBER, R.GRANTED_READ, R.GRANTED_MANAGE},
    Action.WRITE_RECORDS: {R.HR, R.CHAIR, R.SECRETARY, R.GRANTED_MANAGE},
    Action.PUBLISH: {R.HR, R.CHAIR, R.SECRETARY, R.GRANTED_MANAGE},
    Action.MANAGE: {R.HR},
}

# Actions whose effect falls on units: outside HR they reach only the committee's scope.
SCOPED_ACTIONS = {Action.WRITE_RECORDS, Action.PUBLISH}


def can(roles: set, action: str) -> bool:
    return bool(roles & MATRIX[action])


def roles_for(committee: Committee, *, user, employee, membership, checker: ObjectPermissionChecker | None = None):
    """The roles a person holds on one committee. Seats come from prefetched `members` when
    present; guardian grants through `checker` (one per request saves a query per committee)."""
    if membership is None or not membership.is_active or membership.organization_id != committee.organization_id:
        # A committee of another tenant grants nothing, whatever the grants or seats say.
        return set()
    roles = {R.STAFF}
    if is_hr_admin(membership):
        roles.add(R.HR)
    if employee is not None:
        for seat in committee.members.all():
            if seat.employee_id == employee.pk:
                roles.add(seat.role)
        if (
            committee.reports_to_id
            and CommitteeMember.objects.filter(committee_id=committee.reports_to_id, employee=employee).exists()
        ):
            roles.add(R.PARENT_MEMBER)
    if user is not None and user.is_authenticated:
        checker = checker or ObjectPermissionChecker(user)
        granted = set(checker.get_perms(committee))
        if READ_GRANT in granted:
            roles.add(R.GRANTED_READ)
        if MANAGE_GRANT in granted:
            roles.add(R.GRANTED_MANAGE)
    return roles


def request_employee(request):
    """The signed-in person's employee record, or None (request.employee is a lazy object)."""
    employee = getattr(request, "employee", None)
    return employee if employee else None


def request_roles(request, committee: Committee) -> set:
    return roles_for(committee, user=request.user, employee=request_employee(request), membership=request.membership)


def readable_committees(request):
    """The queryset form of READ_RECORDS: committees whose records this person may read."""
    committees = Committee.objects.all()
    if is_hr_admin(request.membership):
        return committees
    employee = request_employee(request)
    granted = get_objects_for_user(
        request.user,
        [f"committees.{READ_GRANT}", f"committees.{MANAGE_GRANT}"],
        klass=committees,
        any_perm=True,
        accept_global_perms=False,
        with_superuser=False,
    ).values("pk")
    seated = Q(pk__in=[])
    if employee is not None:
        seated = Q(members__employee=employee) | Q(reports_to__members__employee=employee)
    return committees.filter(seated | Q(pk__in=granted)).distinct()


def require(roles: set, action: str) -> None:
    if not can(roles, action):
        raise PermissionDenied("You may not do this on this committee.")


def can_on_unit(roles: set, action: str, committee: Committee, unit) -> bool:
    """An action whose effect falls on `unit`: HR anywhere; everyone else only inside the scope."""
    if not can(roles, action):
        return False
    if R.HR in roles or action not in SCOPED_ACTIONS:
        return True
    return covers(committee, unit)


def publishing_committees(*, employee, user, membership):
    """Committees under which this person may publish an announcement (all for HR)."""
    committees = Committee.objects.filter(is_active=True).prefetch_related("units", "members")
    if is_hr_admin(membership):
        return list(committees)
    found = []
    checker = ObjectPermissionChecker(user) if user is not None and user.is_authenticated else None
    if checker is not None:
        checker.prefetch_perms(list(committees))
    for committee in committees:
        roles = roles_for(committee, user=user, employee=employee, membership=membership, checker=checker)
        if can(roles, Action.PUBLISH):
            found.append(committee)
    return found


def seated_filter(employee) -> Q:
    """Committees where the person holds a seat (for "my committees")."""
    if employee is None:
        return Q(pk__in=[])
    return Q(members__employee=employee)
