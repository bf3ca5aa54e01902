"""Writing a checked employees.csv plan: bulk inserts and updates per table, never a save per row.

Order matters only for ids: sign-in accounts and posts first (employees point at them), then
employees (new ones with ids reserved up front, so managers and reports link in one insert),
then the unit heads.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone

from apps.tenancy.bulk_sql import reserve_ids, update_rows
from apps.tenancy.models import Membership, Role

from ..models import Employee, OrgUnit, Position
from .import_employees import EmployeePlan

_BATCH = 1000


def apply(plan: EmployeePlan, organization) -> dict:
    existing, present = plan.existing, plan.present
    users = _create_accounts(plan)
    memberships = _create_memberships(plan, organization, users)
    posts, new_posts = _create_posts(plan, organization)

    id_of = {number: values["id"] for number, values in existing.employees.items()}
    # New people get their ids up front, so a new manager's id is known before anything is
    # inserted and every line is written with the row itself, in any order of the file.
    new_numbers = [row.staff_number for row in plan.rows if row.staff_number not in id_of]
    id_of.update(zip(new_numbers, reserve_ids(Employee, len(new_numbers)), strict=True))
    to_update = [row.staff_number for row in plan.rows if row.staff_number in id_of and row.changes]
    instances = {e.staff_number: e for e in Employee.objects.filter(staff_number__in=to_update)}
    now = timezone.now()
    created, updated = [], []
    for row in plan.rows:
        employee = instances.get(row.staff_number)
        if employee is None:
            if row.staff_number in existing.employees:
                continue  # unchanged
            employee = Employee(pk=id_of[row.staff_number], organization=organization, staff_number=row.staff_number)
            created.append(employee)
        else:
            updated.append(employee)
        employee.first_name, employee.last_name, employee.email = row.first_name, row.last_name, row.email
        employee.unit_id = row.unit_id
        if "position" in present:
            employee.position_id = posts[(row.unit_id, row.position_title.lower())] if row.position_title else None
        if row.sets_grade:
            employee.grade_id = row.grade_id
        if "hire_date" in present:
            employee.hire_date = row.hire_date
        if employee.user_id is None:
            employee.user_id = users[row.email]
        if "manager_staff_number" in present:
            employee.manager_id = id_of[row.manager_number] if row.manager_number else None
        employee.updated_at = now

    Employee.objects.bulk_create(created, batch_size=_BATCH)
    update_rows(
        Employee,
        updated,
        ["first_name", "last_name", "email", "unit", "position", "grade", "hire_date", "user", "manager", "updated_at"],
        organization=organization,
    )
    heads_set, heads_cleared = _set_unit_heads(plan, id_of)
    return {
        "created": len(created),
        "updated": len(updated),
        "unchanged": len(plan.rows) - len(created) - len(updated),
        "new_accounts": users.created,
        "new_memberships": memberships,
        "new_positions": new_posts,
        "unit_heads_set": heads_set,
        "unit_heads_cleared": heads_cleared,
    }


class _Accounts(dict):
    created = 0


def _create_accounts(plan: EmployeePlan) -> _Accounts:
    """A sign-in account for everyone who has none yet: the existing one with the same
    e-mail (any case), otherwise a new one with an unusable password."""
    users = _Accounts(plan.existing.users)
    new = {}
    for row in plan.rows:
        if plan.needs_user(row) and row.email not in users and row.email not in new:
            # Unusable password: the person chooses one through "Forgotten your password?". Same
            # marker as set_unusable_password(), whose 40 random.choice() calls per user would
            # be a second per 10,000 people.
            user = get_user_model()(
                email=row.email,
                full_name=f"{row.first_name} {row.last_name}".strip(),
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            new[row.email] = user
    get_user_model().objects.bulk_create(new.values(), batch_size=_BATCH)
    users.update({email: user.pk for email, user in new.items()})
    users.created = len(new)
    return users


def _create_memberships(plan: EmployeePlan, organization, users: dict) -> int:
    """Everyone imported may sign in here as a member; existing memberships keep their role
    and state. A deactivated person re-imported gets an inactive membership, as on the form."""
    active_of: dict[int, bool] = {}
    for row in plan.rows:
        current = plan.existing.employees.get(row.staff_number)
        user_id = current["user_id"] if current and current["user_id"] else users[row.email]
        active_of[user_id] = current["is_active"] if current else True
    have = set(
        Membership.objects.filter(organization=organization, user_id__in=active_of).values_list("user_id", flat=True)
    )
    Membership.objects.bulk_create(
        [
            Membership(organization=organization, user_id=pk, role=Role.MEMBER, is_active=active)
            for pk, active in active_of.items()
            if pk not in have
        ],
        batch_size=_BATCH,
    )
    return len(active_of.keys() - have)


def _create_posts(plan: EmployeePlan, organization) -> tuple[dict, int]:
    """Posts named in the file that their unit does not have yet (titles match in any case)."""
    posts = dict(plan.existing.positions)
    new = {}
    if "position" in plan.present:
        for row in plan.rows:
            key = (row.unit_id, row.position_title.lower())
            if row.position_title and key not in posts and key not in new:
                new[key] = Position(
                    organization=organization, unit_id=row.unit_id, title=row.position_title, grade_id=row.grade_id
                )
    Position.objects.bulk_create(new.values(), batch_size=_BATCH)
    posts.update({key: post.pk for key, post in new.items()})
    return posts, len(new)


def _set_unit_heads(plan: EmployeePlan, id_of: dict) -> tuple[int, int]:
    """yes: head of their unit (replacing the previous head); no: heads no unit any more."""
    if "is_unit_head" not in plan.present:
        return 0, 0
    units = {unit.pk: unit for unit in plan.existing.units.values()}
    changed: dict[int, OrgUnit] = {}
    cleared = 0
    for row in plan.rows:
        if row.is_unit_head:
            continue
        for unit_id in plan.existing.headships.get(id_of[row.staff_number], ()):
            units[unit_id].head_id = None
            changed[unit_id] = units[unit_id]
            cleared += 1
    heads_set = 0
    for row in plan.rows:
        if row.is_unit_head and units[row.unit_id].head_id != id_of[row.staff_number]:
            units[row.unit_id].head_id = id_of[row.staff_number]
            changed[row.unit_id] = units[row.unit_id]
            heads_set += 1
    # A few hundred units at most: Django's bulk_update is quick enough here.
    OrgUnit.objects.bulk_update(changed.values(), ["head"], batch_size=500)
    return heads_set, cleared
