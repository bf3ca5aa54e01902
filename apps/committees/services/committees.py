"""HR runs committees: their kind, scope, responsibilities and reporting line, their members
and roles, and explicit grants (django-guardian) to people outside the committee."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from guardian.shortcuts import assign_perm, remove_perm

from apps.people.services.validation import FieldErrors, check_same_tenant
from apps.tenancy import audit
from apps.tenancy.models import Membership
from apps.tenancy.permissions import require_hr_admin

from ..models import Committee, CommitteeKind, CommitteeMember, MemberRole
from ..permissions import MANAGE_GRANT, READ_GRANT

COMMITTEE_FIELDS = ("name", "kind", "responsibilities", "reports_to", "is_active")
GRANTS = {READ_GRANT: "Read its reports, issues and lessons", MANAGE_GRANT: "Manage them like its secretary"}


def _check_reports_to(committee: Committee | None, reports_to: Committee | None, errors: FieldErrors) -> None:
    """No group reports to itself or, through others, back to itself."""
    seen = set()
    current = reports_to
    while current is not None:
        if committee is not None and current.pk == committee.pk:
            errors.add("reports_to", "A group cannot report to itself, directly or through others.")
            return
        if current.pk in seen:
            return
        seen.add(current.pk)
        current = current.reports_to


@transaction.atomic
def committee_save(
    *,
    actor,
    membership,
    committee: Committee | None = None,
    name: str,
    kind: str,
    responsibilities: str = "",
    reports_to: Committee | None = None,
    units=(),
    is_active: bool = True,
) -> Committee:
    require_hr_admin(membership)
    organization = membership.organization
    errors = FieldErrors()
    name = (name or "").strip()
    if not name:
        errors.add("name", "Give the committee a name.")
    elif Committee.objects.filter(name__iexact=name).exclude(pk=getattr(committee, "pk", None)).exists():
        errors.add("name", "Another committee or group already has this name.")
    if kind not in CommitteeKind.values:
        errors.add("kind", "Choose what kind of body this is.")
    check_same_tenant(errors, organization, reports_to=reports_to)
    for unit in units:
        check_same_tenant(errors, organization, units=unit)
    _check_reports_to(committee, reports_to, errors)
    errors.raise_if_any()

    creating = committee is None
    if creating:
        committee = Committee(organization=organization)
        before = {}
    else:
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        before = audit.snapshot(committee, COMMITTEE_FIELDS)
    committee.name, committee.kind, committee.responsibilities = name, kind, responsibilities.strip()
    committee.reports_to, committee.is_active = reports_to, is_active
    committee.save()
    old_units = {u.pk for u in committee.units.all()} if not creating else set()
    committee.units.set(units)
    changes = audit.diff(committee, before, COMMITTEE_FIELDS) if not creating else {}
    new_units = {u.pk for u in units}
    if old_units != new_units:
        changes["units"] = [sorted(old_units), sorted(new_units)]
    audit.record(
        organization=organization,
        actor=actor,
        action="committee.created" if creating else "committee.updated",
        obj=committee,
        summary=f"{'Created' if creating else 'Changed'} {committee.name}",
        changes=changes,
    )
    return committee


@transaction.atomic
def member_add(*, actor, membership, committee: Committee, employee, role: str) -> CommitteeMember:
    require_hr_admin(membership)
    errors = FieldErrors()
    check_same_tenant(errors, membership.organization, employee=employee)
    if role not in MemberRole.values:
        errors.add("role", "Choose chair, secretary or member.")
    if employee is not None and CommitteeMember.objects.filter(committee=committee, employee=employee).exists():
        errors.add("employee", f"{employee.full_name} already sits on {committee.name}.")
    errors.raise_if_any()
    try:
        with transaction.atomic():
            seat = CommitteeMember.objects.create(
                organization=committee.organization, committee=committee, employee=employee, role=role
            )
    except IntegrityError:  # added by someone else at the same moment
        raise ValidationError({"employee": f"{employee.full_name} already sits on {committee.name}."}) from None
    audit.record(
        organization=committee.organization,
        actor=actor,
        action="committee.member_added",
        obj=committee,
        summary=f"{employee.full_name} joined {committee.name} as {seat.get_role_display().lower()}",
        changes={"employee": str(employee.public_id), "role": role},
    )
    return seat


@transaction.atomic
def member_change_role(*, actor, membership, seat: CommitteeMember, role: str) -> CommitteeMember:
    require_hr_admin(membership)
    if role not in MemberRole.values:
        raise ValidationError({"role": "Choose chair, secretary or member."})
    seat = CommitteeMember.objects.select_for_update().select_related("employee", "committee").get(pk=seat.pk)
    old = seat.role
    if old == role:
        return seat
    seat.role = role
    seat.save(update_fields=["role"])
    audit.record(
        organization=seat.organization,
        actor=actor,
        action="committee.member_role_changed",
        obj=seat.committee,
        summary=f"{seat.employee.full_name} is now {seat.get_role_display().lower()} of {seat.committee.name}",
        changes={"employee": str(seat.employee.public_id), "role": [old, role]},
    )
    return seat


@transaction.atomic
def member_remove(*, actor, membership, seat: CommitteeMember) -> None:
    require_hr_admin(membership)
    seat = CommitteeMember.objects.select_related("employee", "committee").get(pk=seat.pk)
    audit.record(
        organization=seat.organization,
        actor=actor,
        action="committee.member_removed",
        obj=seat.committee,
        summary=f"{seat.employee.full_name} left {seat.committee.name}",
        changes={"employee": str(seat.employee.public_id), "role": seat.role},
    )
    seat.delete()


def _grant_user(committee: Committee, employee, errors: FieldErrors):
    """The user behind an employee, who must be an active member of the committee's tenant:
    a grant never reaches outside the organisation."""
    if employee is None or employee.organization_id != committee.organization_id:
        errors.add("employee", "Choose a person of this organisation.")
        return None
    user = employee.user
    if (
        user is None
        or not Membership.objects.filter(organization_id=committee.organization_id, user=user, is_active=True).exists()
    ):
        errors.add("employee", f"{employee.full_name} cannot sign in to this organisation, so cannot be given access.")
        return None
    return user


@transaction.atomic
def access_grant(*, actor, membership, committee: Committee, employee, permission: str) -> None:
    require_hr_admin(membership)
    errors = FieldErrors()
    if permission not in GRANTS:
        errors.add("permission", "Choose what access to give.")
    user = _grant_user(committee, employee, errors)
    errors.raise_if_any()
    assign_perm(f"committees.{permission}", user, committee)
    audit.record(
        organization=committee.organization,
        actor=actor,
        action="committee.access_granted",
        obj=committee,
        summary=f"{employee.full_name}: {GRANTS[permission].lower()} ({committee.name})",
        changes={"employee": str(employee.public_id), "permission": permission},
    )


@transaction.atomic
def access_revoke(*, actor, membership, committee: Committee, employee, permission: str) -> None:
    require_hr_admin(membership)
    errors = FieldErrors()
    if permission not in GRANTS:
        errors.add("permission", "Choose which access to take back.")
    user = _grant_user(committee, employee, errors)
    errors.raise_if_any()
    remove_perm(f"committees.{permission}", user, committee)
    audit.record(
        organization=committee.organization,
        actor=actor,
        action="committee.access_revoked",
        obj=committee,
        summary=f"{employee.full_name} no longer may {GRANTS[permission].lower()} ({committee.name})",
        changes={"employee": str(employee.public_id), "permission": permission},
    )
