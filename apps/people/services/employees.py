"""Hiring, changing, deactivating and reactivating employees.

An employee who can sign in has a User (found or created by e-mail) and a Membership in the
organisation; the "HR admin" choice on the form is that membership's role. Employees are
never deleted: deactivation keeps the row (and every appraisal that points at it) and
closes the person's access to this organisation.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.tenancy import audit
from apps.tenancy.models import Membership, Role
from apps.tenancy.permissions import require_hr_admin

from ..models import Employee, Grade, OrgUnit, Position
from ..selectors import report_ids_under
from ..signals import employee_handed_over
from .lines import check_manager
from .validation import FieldErrors, check_same_tenant

AUDITED_FIELDS = (
    "staff_number",
    "first_name",
    "last_name",
    "email",
    "unit",
    "position",
    "grade",
    "manager",
    "appraising_officer_override",
    "countersigning_officer_override",
    "hire_date",
)


@transaction.atomic
def employee_create(
    *,
    actor,
    membership,
    staff_number: str,
    first_name: str,
    last_name: str,
    email: str,
    unit: OrgUnit,
    position: Position | None = None,
    grade: Grade | None = None,
    manager: Employee | None = None,
    appraising_officer_override: Employee | None = None,
    countersigning_officer_override: Employee | None = None,
    hire_date=None,
    is_hr_admin: bool = False,
) -> Employee:
    require_hr_admin(membership)
    organization = membership.organization
    employee = Employee(organization=organization)
    _apply(
        employee,
        staff_number=staff_number,
        first_name=first_name,
        last_name=last_name,
        email=email,
        unit=unit,
        position=position,
        grade=grade,
        manager=manager,
        appraising_officer_override=appraising_officer_override,
        countersigning_officer_override=countersigning_officer_override,
        hire_date=hire_date,
    )
    errors = FieldErrors()
    _validate(employee, errors, before=None)
    user = _user_for_new_login(employee, errors)
    _check_own_role(
        errors, actor=actor, user=user, membership_role=_role_of(organization, user), is_hr_admin=is_hr_admin
    )
    errors.raise_if_any()

    if user is None:
        # Unusable password: the person chooses one through "Forgot your password?".
        user = get_user_model().objects.create_user(email=employee.email, password=None, full_name=employee.full_name)
    employee.user = user
    _save(employee)
    role = _grant_membership(organization, user, is_hr_admin=is_hr_admin, active=True)
    changes = audit.diff(employee, {}, AUDITED_FIELDS)
    changes["role"] = [None, role]
    audit.record(
        organization=organization,
        actor=actor,
        action="employee.created",
        obj=employee,
        summary=f"Added {employee.full_name} ({employee.staff_number})",
        changes=changes,
    )
    return employee


@transaction.atomic
def employee_update(
    *,
    actor,
    membership,
    employee: Employee,
    staff_number: str,
    first_name: str,
    last_name: str,
    email: str,
    unit: OrgUnit,
    position: Position | None = None,
    grade: Grade | None = None,
    manager: Employee | None = None,
    appraising_officer_override: Employee | None = None,
    countersigning_officer_override: Employee | None = None,
    hire_date=None,
    is_hr_admin: bool = False,
) -> Employee:
    require_hr_admin(membership)
    organization = membership.organization
    # Lock the row so two admins' edits of the same person don't interleave.
    employee = (
        Employee.objects.select_for_update(of=("self",))
        .select_related(
            "unit",
            "position",
            "grade",
            "manager",
            "appraising_officer_override",
            "countersigning_officer_override",
            "user",
        )
        .get(pk=employee.pk)
    )
    before = audit.snapshot(employee, AUDITED_FIELDS)
    _apply(
        employee,
        staff_number=staff_number,
        first_name=first_name,
        last_name=last_name,
        email=email,
        unit=unit,
        position=position,
        grade=grade,
        manager=manager,
        appraising_officer_override=appraising_officer_override,
        countersigning_officer_override=countersigning_officer_override,
        hire_date=hire_date,
    )
    errors = FieldErrors()
    _validate(employee, errors, before=before)

    user = employee.user
    new_login = None
    if user is None:
        new_login = _user_for_new_login(employee, errors)
    elif user.email.lower() != employee.email.lower():
        _check_login_email_free(employee, user, errors)
    old_role = _role_of(organization, user or new_login)
    _check_own_role(errors, actor=actor, user=user or new_login, membership_role=old_role, is_hr_admin=is_hr_admin)
    errors.raise_if_any()

    if user is None:
        user = new_login or get_user_model().objects.create_user(
            email=employee.email, password=None, full_name=employee.full_name
        )
        employee.user = user
    elif user.email.lower() != employee.email.lower() and _login_is_only_here(user, organization):
        # Keep the sign-in e-mail in step while the login belongs to this organisation alone;
        # a login shared with other organisations is the person's own and stays as it is.
        user.email = employee.email
        user.save(update_fields=["email"])
    _save(employee)
    role = _grant_membership(organization, user, is_hr_admin=is_hr_admin, active=employee.is_active)

    changes = audit.diff(employee, before, AUDITED_FIELDS)
    if old_role != role:
        changes["role"] = [old_role, role]
    if changes:
        audit.record(
            organization=organization,
            actor=actor,
            action="employee.updated",
            obj=employee,
            summary=f"Changed {employee.full_name} ({employee.staff_number})",
            changes=changes,
        )
    return employee


@transaction.atomic
def employee_deactivate(*, actor, membership, employee: Employee, successor: Employee | None = None) -> Employee:
    """Mark the person as gone and close their access to this organisation; keep the row.

    With a `successor`, what the person was responsible for moves to them in the same
    transaction: their direct reports, the units they head, the officer overrides naming them,
    and (through the `employee_handed_over` signal) their open appraisal duties. Without one,
    the record says how many reports are left without a manager."""
    require_hr_admin(membership)
    organization = membership.organization
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if employee.user_id is not None and employee.user_id == getattr(actor, "pk", None):
        raise ValidationError("You cannot deactivate yourself. Ask another HR admin to do it.")
    if not employee.is_active:
        return employee
    if successor is not None:
        _check_successor(organization, employee, successor)
    employee.is_active = False
    employee.deactivated_at = timezone.now()
    employee.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    if employee.user_id is not None:
        Membership.objects.filter(organization=organization, user_id=employee.user_id).update(is_active=False)
    summary = f"Deactivated {employee.full_name} ({employee.staff_number})"
    if successor is not None:
        moved = _hand_over(employee, successor)
        for _receiver, line in employee_handed_over.send(
            sender=Employee, departing=employee, successor=successor, actor=actor, membership=membership
        ):
            moved += [line] if line else []
        summary += f"; handed over to {successor.full_name}" + (f": {', '.join(moved)}" if moved else "")
    else:
        reports = Employee.objects.filter(manager=employee, is_active=True).count()
        if reports:
            summary += f"; {reports} direct report{'s' if reports != 1 else ''} need a new manager"
    audit.record(
        organization=organization,
        actor=actor,
        action="employee.deactivated",
        obj=employee,
        summary=summary,
        changes={"is_active": [True, False], **({"successor": str(successor.public_id)} if successor else {})},
    )
    return employee


def _check_successor(organization, departing: Employee, successor: Employee) -> None:
    if successor.organization_id != organization.pk or not successor.is_active:
        raise ValidationError({"successor": "Choose an active person of this organisation."})
    if successor.pk == departing.pk:
        raise ValidationError({"successor": "Choose someone other than the person who is leaving."})
    if successor.manager_id != departing.pk and successor.pk in report_ids_under(departing):
        # Their direct reports would move under someone who reports to one of them: a loop.
        raise ValidationError(
            {
                "successor": f"{successor.full_name} reports to someone in {departing.full_name}'s team: choose one "
                f"of {departing.first_name}'s direct reports or someone outside the team."
            }
        )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _hand_over(departing: Employee, successor: Employee) -> list[str]:
    """Move the departing person's reports, units and officer overrides to the successor; the
    successor, if they reported to the departing person, now reports to that person's manager.
    Returns what moved, for the record."""
    moved = []
    if successor.manager_id == departing.pk:
        Employee.objects.filter(pk=successor.pk).update(manager=departing.manager_id, updated_at=timezone.now())
    reports = (
        Employee.objects.filter(manager=departing, is_active=True)
        .exclude(pk=successor.pk)
        .update(manager=successor, updated_at=timezone.now())
    )
    if reports:
        moved.append(_plural(reports, "direct report", "direct reports"))
    units = OrgUnit.objects.filter(head=departing).update(head=successor)
    if units:
        moved.append(_plural(units, "unit headed", "units headed"))
    overrides = 0
    for field in ("appraising_officer_override", "countersigning_officer_override"):
        naming = Employee.objects.filter(**{field: departing})
        # Nobody is their own officer: the successor's own override falls back to the default.
        overrides += naming.filter(pk=successor.pk).update(**{field: None})
        overrides += naming.exclude(pk=successor.pk).update(**{field: successor})
    if overrides:
        moved.append(_plural(overrides, "officer override", "officer overrides"))
    return moved


@transaction.atomic
def employee_reactivate(*, actor, membership, employee: Employee) -> Employee:
    """Bring a deactivated person back, with their access to this organisation."""
    require_hr_admin(membership)
    organization = membership.organization
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if employee.is_active:
        return employee
    employee.is_active = True
    employee.deactivated_at = None
    employee.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    if employee.user_id is not None:
        Membership.objects.filter(organization=organization, user_id=employee.user_id).update(is_active=True)
    audit.record(
        organization=organization,
        actor=actor,
        action="employee.reactivated",
        obj=employee,
        summary=f"Reactivated {employee.full_name} ({employee.staff_number})",
        changes={"is_active": [False, True]},
    )
    return employee


# --- Helpers --------------------------------------------------------------------------------


def _apply(
    employee: Employee,
    *,
    staff_number,
    first_name,
    last_name,
    email,
    unit,
    position,
    grade,
    manager,
    appraising_officer_override,
    countersigning_officer_override,
    hire_date,
) -> None:
    employee.staff_number = staff_number.strip()
    employee.first_name = first_name.strip()
    employee.last_name = last_name.strip()
    employee.email = email.strip().lower()
    employee.unit = unit
    employee.position = position
    # A post usually fixes the grade: take it from the post unless HR chose one.
    employee.grade = grade if grade is not None else (position.grade if position is not None else None)
    employee.manager = manager
    employee.appraising_officer_override = appraising_officer_override
    employee.countersigning_officer_override = countersigning_officer_override
    employee.hire_date = hire_date


def _validate(employee: Employee, errors: FieldErrors, *, before: dict | None) -> None:
    def changed(field):
        return before is None or before[field] != getattr(employee, field)

    check_same_tenant(
        errors,
        employee.organization,
        unit=employee.unit,
        position=employee.position,
        grade=employee.grade,
        manager=employee.manager,
        appraising_officer_override=employee.appraising_officer_override,
        countersigning_officer_override=employee.countersigning_officer_override,
    )
    for field, label in (
        ("staff_number", "staff number"),
        ("first_name", "first name"),
        ("last_name", "last name"),
        ("email", "e-mail address"),
    ):
        if not getattr(employee, field):
            errors.add(field, f"Enter the {label}.")
    if employee.staff_number and (
        Employee.objects.filter(staff_number=employee.staff_number).exclude(pk=employee.pk).exists()
    ):
        errors.add("staff_number", f"Staff number {employee.staff_number} already belongs to someone else.")
    if employee.email:
        other = Employee.objects.filter(email__iexact=employee.email).exclude(pk=employee.pk).first()
        if other is not None:
            errors.add("email", f"{other.full_name} ({other.staff_number}) already uses this e-mail address.")

    if employee.unit is None:
        errors.add("unit", "Choose the person's unit.")
    elif changed("unit") and not employee.unit.is_active:
        errors.add("unit", f"{employee.unit.name} is inactive: choose an active unit.")
    if employee.position is not None and changed("position") and not employee.position.is_active:
        errors.add("position", f"The post “{employee.position.title}” is inactive.")

    # Only a changed line can create a loop or point at someone who has left; re-checking
    # unchanged lines would block unrelated edits when a manager has just been deactivated.
    if changed("manager") and not errors.has("manager"):
        try:
            check_manager(employee, employee.manager)
        except ValidationError as exc:
            errors.absorb(exc, "manager")
    for field, role in (
        ("appraising_officer_override", "appraising officer"),
        ("countersigning_officer_override", "countersigning officer"),
    ):
        officer = getattr(employee, field)
        if officer is None:
            continue
        if employee.pk is not None and officer.pk == employee.pk:
            errors.add(field, f"A person cannot be their own {role}.")
        elif changed(field) and not officer.is_active:
            errors.add(field, f"{officer.full_name} is no longer active.")
    co, ao = employee.countersigning_officer_override, employee.appraising_officer
    if co is not None and ao is not None and co.pk == ao.pk:
        errors.add(
            "countersigning_officer_override",
            "The countersigning officer must be someone other than the appraising officer.",
        )


def _user_for_new_login(employee: Employee, errors: FieldErrors):
    """The existing User with this e-mail (any case), or None when one must be created."""
    if not employee.email:
        return None
    user = get_user_model().objects.filter(email__iexact=employee.email).first()
    if user is not None and Employee.objects.filter(user=user).exclude(pk=employee.pk).exists():
        errors.add("email", "This e-mail address signs in as another employee of this organisation.")
    return user


def _check_login_email_free(employee: Employee, user, errors: FieldErrors) -> None:
    if get_user_model().objects.filter(email__iexact=employee.email).exclude(pk=user.pk).exists():
        errors.add("email", "Another sign-in account already uses this e-mail address.")


def _login_is_only_here(user, organization) -> bool:
    return not Membership.objects.filter(user=user).exclude(organization=organization).exists()


def _role_of(organization, user) -> str | None:
    if user is None or user.pk is None:
        return None
    return Membership.objects.filter(organization=organization, user=user).values_list("role", flat=True).first()


def _check_own_role(errors: FieldErrors, *, actor, user, membership_role, is_hr_admin: bool) -> None:
    """An HR admin cannot take away their own HR role by editing their record: they would lock
    themselves out of this page with nobody else perhaps able to undo it."""
    is_own_record = user is not None and user.pk == getattr(actor, "pk", None)
    if is_own_record and membership_role == Role.HR_ADMIN and not is_hr_admin:
        errors.add("is_hr_admin", "You cannot remove your own HR admin role. Ask another HR admin.")


def _grant_membership(organization, user, *, is_hr_admin: bool, active: bool) -> str:
    role = Role.HR_ADMIN if is_hr_admin else Role.MEMBER
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role, "is_active": active}
    )
    if not created and (membership.role != role or membership.is_active != active):
        membership.role, membership.is_active = role, active
        membership.save(update_fields=["role", "is_active"])
    return role


def _save(employee: Employee) -> None:
    """Save; a staff number or login taken by a concurrent request becomes a field error."""
    try:
        with transaction.atomic():
            employee.save()
    except IntegrityError as exc:
        constraint = str(exc)
        if "staffno" in constraint:
            raise ValidationError(
                {"staff_number": f"Staff number {employee.staff_number} already belongs to someone else."}
            ) from exc
        if "user_unique" in constraint:
            raise ValidationError(
                {"email": "This e-mail address signs in as another employee of this organisation."}
            ) from exc
        raise
