"""Creating and changing org units. The tree's paths are kept right by services/tree.py."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import Employee, OrgUnit, UnitKind
from . import tree
from .validation import FieldErrors, check_same_tenant

AUDITED_FIELDS = ("code", "name", "kind", "parent", "head", "is_active")


@transaction.atomic
def unit_create(
    *,
    actor,
    membership,
    code: str,
    name: str,
    kind: str = UnitKind.DEPARTMENT,
    parent: OrgUnit | None = None,
    head: Employee | None = None,
    is_active: bool = True,
) -> OrgUnit:
    require_hr_admin(membership)
    organization = membership.organization
    unit = OrgUnit(
        organization=organization,
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        head=head,
        is_active=is_active,
    )
    _validate(unit, before=None)
    _save(unit)
    tree.place(unit)
    audit.record(
        organization=organization,
        actor=actor,
        action="unit.created",
        obj=unit,
        summary=f"Created unit {unit.code} {unit.name}",
        changes=audit.diff(unit, {}, AUDITED_FIELDS),
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    actor,
    membership,
    unit: OrgUnit,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    head: Employee | None = None,
    is_active: bool = True,
) -> OrgUnit:
    require_hr_admin(membership)
    organization = membership.organization
    # Lock the row: two admins moving the same unit at once must not interleave path updates.
    unit = OrgUnit.objects.select_for_update(of=("self",)).select_related("parent", "head").get(pk=unit.pk)
    before = audit.snapshot(unit, AUDITED_FIELDS)
    unit.code, unit.name, unit.kind = code.strip(), name.strip(), kind
    unit.parent, unit.head, unit.is_active = parent, head, is_active
    _validate(unit, before=before)
    _save(unit)
    tree.place(unit)  # moves the whole subtree along when the parent changed
    changes = audit.diff(unit, before, AUDITED_FIELDS)
    if changes:
        audit.record(
            organization=organization,
            actor=actor,
            action="unit.updated",
            obj=unit,
            summary=f"Changed unit {unit.code} {unit.name}",
            changes=changes,
        )
    return unit


def _validate(unit: OrgUnit, *, before: dict | None) -> None:
    errors = FieldErrors()
    organization = unit.organization
    check_same_tenant(errors, organization, parent=unit.parent, head=unit.head)
    if not unit.code:
        errors.add("code", "Give the unit a code.")
    elif OrgUnit.objects.filter(code=unit.code).exclude(pk=unit.pk).exists():
        errors.add("code", f"Another unit already uses the code “{unit.code}”.")
    if not unit.name:
        errors.add("name", "Give the unit a name.")
    if unit.kind not in UnitKind.values:
        errors.add("kind", "Choose one of the listed kinds.")

    parent_changed = before is None or before["parent"] != unit.parent
    if unit.parent is not None and parent_changed and not errors.has("parent"):
        try:
            tree.check_parent(unit, unit.parent)
        except ValidationError as exc:
            errors.absorb(exc, "parent")
        if not unit.parent.is_active and unit.is_active:
            errors.add("parent", f"{unit.parent.name} is inactive: choose an active parent unit.")

    head_changed = before is None or before["head"] != unit.head
    if unit.head is not None and head_changed and not unit.head.is_active:
        errors.add("head", f"{unit.head.full_name} is no longer active.")

    if before is not None and before["is_active"] and not unit.is_active:
        # A unit with people or live sub-units in it cannot close: they would be orphaned.
        people = unit.employees.filter(is_active=True).count()
        children = unit.children.filter(is_active=True).count()
        if people or children:
            parts = []
            if people:
                parts.append(f"{people} active {'person' if people == 1 else 'people'}")
            if children:
                parts.append(f"{children} active sub-unit{'s' if children != 1 else ''}")
            errors.add("is_active", f"Still has {' and '.join(parts)}: move them first.")
    errors.raise_if_any()


def _save(unit: OrgUnit) -> None:
    """Save, turning a code taken in a race since the check into a field error."""
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise ValidationError({"code": f"Another unit already uses the code “{unit.code}”."}) from exc
