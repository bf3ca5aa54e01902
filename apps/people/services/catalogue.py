"""The catalogue HR keeps: staff classes, the grades in each, and the posts (positions)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import Grade, OrgUnit, Position, StaffClass
from .validation import FieldErrors, check_same_tenant

STAFF_CLASS_FIELDS = ("code", "name", "description", "is_senior_management")
GRADE_FIELDS = ("code", "name", "staff_class", "rank")
POSITION_FIELDS = ("title", "code", "unit", "grade", "is_active")


# --- Staff classes --------------------------------------------------------------------------


@transaction.atomic
def staff_class_create(
    *, actor, membership, code: str, name: str, description: str = "", is_senior_management: bool = False
) -> StaffClass:
    require_hr_admin(membership)
    staff_class = StaffClass(organization=membership.organization)
    return _save_staff_class(
        staff_class,
        actor=actor,
        before=None,
        code=code,
        name=name,
        description=description,
        is_senior_management=is_senior_management,
    )


@transaction.atomic
def staff_class_update(
    *,
    actor,
    membership,
    staff_class: StaffClass,
    code: str,
    name: str,
    description: str = "",
    is_senior_management: bool | None = None,
) -> StaffClass:
    """`is_senior_management=None` leaves the flag as it is (callers that do not show it)."""
    require_hr_admin(membership)
    staff_class = StaffClass.objects.select_for_update().get(pk=staff_class.pk)
    before = audit.snapshot(staff_class, STAFF_CLASS_FIELDS)
    return _save_staff_class(
        staff_class,
        actor=actor,
        before=before,
        code=code,
        name=name,
        description=description,
        is_senior_management=is_senior_management,
    )


def _save_staff_class(staff_class, *, actor, before, code, name, description, is_senior_management):
    staff_class.code, staff_class.name, staff_class.description = code.strip(), name.strip(), description.strip()
    if is_senior_management is not None:
        # The flag gives the class's people the right to set the organisation's strategic goals.
        staff_class.is_senior_management = bool(is_senior_management)
    errors = FieldErrors()
    if StaffClass.objects.filter(code=staff_class.code).exclude(pk=staff_class.pk).exists():
        errors.add("code", f"Another staff class already uses the code “{staff_class.code}”.")
    errors.raise_if_any()
    _save_or_field_error(staff_class, "code", f"Another staff class already uses the code “{staff_class.code}”.")
    _audit(
        staff_class, actor=actor, before=before, fields=STAFF_CLASS_FIELDS, noun="staff class", label=staff_class.name
    )
    return staff_class


# --- Grades ---------------------------------------------------------------------------------


@transaction.atomic
def grade_create(*, actor, membership, code: str, name: str, staff_class: StaffClass, rank: int = 0) -> Grade:
    require_hr_admin(membership)
    grade = Grade(organization=membership.organization)
    return _save_grade(grade, actor=actor, before=None, code=code, name=name, staff_class=staff_class, rank=rank)


@transaction.atomic
def grade_update(
    *, actor, membership, grade: Grade, code: str, name: str, staff_class: StaffClass, rank: int = 0
) -> Grade:
    require_hr_admin(membership)
    grade = Grade.objects.select_for_update(of=("self",)).select_related("staff_class").get(pk=grade.pk)
    before = audit.snapshot(grade, GRADE_FIELDS)
    return _save_grade(grade, actor=actor, before=before, code=code, name=name, staff_class=staff_class, rank=rank)


def _save_grade(grade, *, actor, before, code, name, staff_class, rank):
    grade.code, grade.name, grade.staff_class, grade.rank = code.strip(), name.strip(), staff_class, rank
    errors = FieldErrors()
    check_same_tenant(errors, grade.organization, staff_class=staff_class)
    if staff_class is None:
        errors.add("staff_class", "Choose the staff class this grade belongs to.")
    if Grade.objects.filter(code=grade.code).exclude(pk=grade.pk).exists():
        errors.add("code", f"Another grade already uses the code “{grade.code}”.")
    if rank is None or rank < 0:
        errors.add("rank", "The rank is a whole number, 0 or more.")
    errors.raise_if_any()
    _save_or_field_error(grade, "code", f"Another grade already uses the code “{grade.code}”.")
    _audit(grade, actor=actor, before=before, fields=GRADE_FIELDS, noun="grade", label=str(grade))
    return grade


# --- Positions ------------------------------------------------------------------------------


@transaction.atomic
def position_create(
    *,
    actor,
    membership,
    title: str,
    unit: OrgUnit,
    code: str = "",
    grade: Grade | None = None,
    is_active: bool = True,
) -> Position:
    require_hr_admin(membership)
    position = Position(organization=membership.organization)
    return _save_position(
        position, actor=actor, before=None, title=title, code=code, unit=unit, grade=grade, is_active=is_active
    )


@transaction.atomic
def position_update(
    *,
    actor,
    membership,
    position: Position,
    title: str,
    unit: OrgUnit,
    code: str = "",
    grade: Grade | None = None,
    is_active: bool = True,
) -> Position:
    require_hr_admin(membership)
    position = Position.objects.select_for_update(of=("self",)).select_related("unit", "grade").get(pk=position.pk)
    before = audit.snapshot(position, POSITION_FIELDS)
    return _save_position(
        position, actor=actor, before=before, title=title, code=code, unit=unit, grade=grade, is_active=is_active
    )


def _save_position(position, *, actor, before, title, code, unit, grade, is_active):
    position.title, position.code = title.strip(), (code or "").strip()
    position.unit, position.grade, position.is_active = unit, grade, is_active
    errors = FieldErrors()
    check_same_tenant(errors, position.organization, unit=unit, grade=grade)
    if unit is None:
        errors.add("unit", "Choose the unit this post belongs to.")
    else:
        if Position.objects.filter(unit=unit, title=position.title).exclude(pk=position.pk).exists():
            errors.add("title", f"{unit.name} already has a post called “{position.title}”.")
        unit_changed = before is None or before["unit"] != unit
        if unit_changed and not unit.is_active and position.is_active:
            errors.add("unit", f"{unit.name} is inactive: choose an active unit.")
    if position.code and Position.objects.filter(code=position.code).exclude(pk=position.pk).exists():
        errors.add("code", f"Another post already uses the code “{position.code}”.")
    if before is not None and before["is_active"] and not is_active:
        holders = position.holders.filter(is_active=True).count()
        if holders:
            errors.add(
                "is_active",
                f"{holders} active {'person holds' if holders == 1 else 'people hold'} this post: "
                "give them another post first.",
            )
    errors.raise_if_any()
    _save_or_field_error(position, "title", f"{unit.name} already has a post called “{position.title}”.")
    _audit(position, actor=actor, before=before, fields=POSITION_FIELDS, noun="position", label=position.title)
    return position


# --- Shared ---------------------------------------------------------------------------------


def _save_or_field_error(obj, field: str, message: str) -> None:
    """Save; a unique value taken by a concurrent request since our check becomes a field error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({field: message}) from exc


def _audit(obj, *, actor, before, fields, noun: str, label: str) -> None:
    if before is None:
        audit.record(
            organization=obj.organization,
            actor=actor,
            action=f"{obj._meta.model_name}.created",
            obj=obj,
            summary=f"Created {noun} {label}",
            changes=audit.diff(obj, {}, fields),
        )
        return
    changes = audit.diff(obj, before, fields)
    if changes:
        audit.record(
            organization=obj.organization,
            actor=actor,
            action=f"{obj._meta.model_name}.updated",
            obj=obj,
            summary=f"Changed {noun} {label}",
            changes=changes,
        )
