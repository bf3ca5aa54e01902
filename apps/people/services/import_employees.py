"""employees.csv: checking every row against the organisation as it will be, then writing
it in bulk.

A row whose staff number exists updates that employee; other rows create employees. An
optional column left out of the file leaves that field of existing people unchanged; an
empty cell clears it. Everything the rows are checked against is loaded up front in a
handful of queries, so 10,000 rows cost the same few queries as ten.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from ..models import Employee, Grade, OrgUnit, Position
from .csv_parsing import Column, ParsedCsv, error
from .import_checks import check_length, find_loops, loop_text, parse_yes_no, unknown_code_message

COLUMNS = [
    Column("staff_number", True, "Unique in the organisation. An existing staff number updates that person.", "E1001"),
    Column("first_name", True, "Given name.", "Grace"),
    Column("last_name", True, "Family name.", "Hopper"),
    Column(
        "email",
        True,
        "Work e-mail, unique among employees; also the sign-in. An existing account with this "
        "e-mail is linked, otherwise one is created (the person sets a password through “Forgotten your "
        "password?”).",
        "grace.hopper@example.org",
    ),
    Column("unit_code", True, "Code of an existing unit (import units first).", "FIN"),
    Column(
        "position",
        False,
        "Post title; created in that unit when it does not exist yet. Empty: no post.",
        "Chief Accountant",
    ),
    Column("grade_code", False, "Code of an existing grade. Empty: no grade.", "P4"),
    Column(
        "manager_staff_number",
        False,
        "Staff number of the manager: an existing employee or another row, in any order. Empty: no manager.",
        "E1000",
    ),
    Column("hire_date", False, "YYYY-MM-DD. Empty: unknown.", "2019-04-01"),
    Column("is_unit_head", False, "yes: becomes head of their unit; no: heads no unit. Empty means no.", "no"),
]

SAMPLE = (
    ",".join(c.name for c in COLUMNS)
    + """
E1001,Grace,Hopper,grace.hopper@example.org,HQ,Chief Executive,,,2012-01-09,yes
E1002,Alan,Turing,alan.turing@example.org,FIN,Finance Director,,E1001,2014-06-23,yes
E1003,Ada,Lovelace,ada.lovelace@example.org,FIN-ACC,Chief Accountant,,E1002,2016-12-10,yes
E1004,Charles,Babbage,charles.babbage@example.org,FIN-ACC,Accountant,,E1003,2019-03-04,no
E1005,Katherine,Johnson,katherine.johnson@example.org,FIN-ACC-PAY,Payables Clerk,,E1003,2021-08-26,no
E1006,Edsger,Dijkstra,edsger.dijkstra@example.org,OPS,Operations Director,,E1001,2015-05-11,yes
E1007,Barbara,Liskov,barbara.liskov@example.org,OPS-LOG,Logistics Officer,,E1006,2020-11-07,no
"""
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class EmployeeRow:
    row: int
    staff_number: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    unit_id: int | None = None
    position_title: str = ""
    grade_id: int | None = None
    sets_grade: bool = False  # the grade column is in the file, or the post brings its grade
    manager_number: str = ""
    hire_date: date | None = None
    is_unit_head: bool = False
    changes: bool = True


@dataclass
class Existing:
    """The organisation as it is, loaded in one query per table."""

    employees: dict[str, dict]  # staff number -> field values
    number_of_id: dict[int, str]
    email_owners: dict[str, list[str]]  # lower-case e-mail -> staff numbers
    number_of_user: dict[int, str]  # user id -> staff number of the employee it belongs to
    units: dict[str, OrgUnit]  # code -> unit
    grades: dict[str, int]  # code -> id
    positions: dict[tuple[int, str], int]  # (unit id, lower-case title) -> id
    post_of_id: dict[int, tuple[int, str]]  # id -> (unit id, lower-case title)
    post_grades: dict[int, int | None]  # position id -> its grade id
    users: dict[str, int]  # lower-case e-mail -> user id
    headships: dict[int, set[int]]  # employee id -> ids of the units they head


@dataclass
class EmployeePlan:
    present: set[str]
    existing: Existing
    rows: list[EmployeeRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def needs_user(self, row: EmployeeRow) -> bool:
        current = self.existing.employees.get(row.staff_number)
        return current is None or current["user_id"] is None

    @property
    def summary(self) -> dict:
        rows = self.rows
        existing = self.existing
        new_posts = {(r.unit_id, r.position_title.lower()) for r in rows if r.position_title}
        return {
            "rows": len(rows),
            "to_create": sum(1 for r in rows if r.staff_number not in existing.employees),
            "to_update": sum(1 for r in rows if r.staff_number in existing.employees and r.changes),
            "unchanged": sum(1 for r in rows if r.staff_number in existing.employees and not r.changes),
            "new_positions": len(new_posts - set(existing.positions)),
            "new_accounts": len({r.email.lower() for r in rows if self.needs_user(r)} - set(existing.users)),
        }


def plan(parsed: ParsedCsv) -> EmployeePlan:
    result = EmployeePlan(present=set(parsed.columns), existing=_load(parsed))
    first_row_of: dict[str, int] = {}
    for row_number, values in parsed.rows:
        row = _read_row(row_number, values, result)
        if row is None:
            continue
        if row.staff_number in first_row_of:
            first = first_row_of[row.staff_number]
            result.errors.append(
                error(
                    row_number, "staff_number", f"The staff number “{row.staff_number}” is already used on row {first}."
                )
            )
            continue
        first_row_of[row.staff_number] = row_number
        result.rows.append(row)
    _grades_from_posts(result)
    _check_emails(result)
    _check_managers(result)
    _check_heads(result)
    for row in result.rows:
        row.changes = _changes(result, row)
    return result


def _load(parsed: ParsedCsv) -> Existing:
    employees, number_of_id, email_owners, number_of_user = {}, {}, {}, {}
    for values in Employee.objects.values(
        "id",
        "staff_number",
        "first_name",
        "last_name",
        "email",
        "unit_id",
        "position_id",
        "grade_id",
        "manager_id",
        "hire_date",
        "user_id",
        "is_active",
    ):
        number = values["staff_number"]
        employees[number] = values
        number_of_id[values["id"]] = number
        email_owners.setdefault(values["email"].lower(), []).append(number)
        if values["user_id"] is not None:
            number_of_user[values["user_id"]] = number
    positions, post_of_id, post_grades = {}, {}, {}
    for pk, unit_id, title, grade_id in Position.objects.values_list("id", "unit_id", "title", "grade_id"):
        positions.setdefault((unit_id, title.lower()), pk)
        post_of_id[pk] = (unit_id, title.lower())
        post_grades[pk] = grade_id
    emails = {values.get("email", "").lower() for _, values in parsed.rows} - {""}
    users = (
        dict(
            get_user_model()
            .objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .values_list("email_lower", "id")
        )
        if emails
        else {}
    )
    units = {u.code: u for u in OrgUnit.objects.only("code", "name", "is_active", "head")}
    headships: dict[int, set[int]] = {}
    for unit in units.values():
        if unit.head_id is not None:
            headships.setdefault(unit.head_id, set()).add(unit.pk)
    return Existing(
        employees=employees,
        number_of_id=number_of_id,
        email_owners=email_owners,
        number_of_user=number_of_user,
        units=units,
        grades=dict(Grade.objects.values_list("code", "id")),
        positions=positions,
        post_of_id=post_of_id,
        post_grades=post_grades,
        users=users,
        headships=headships,
    )


def _read_row(row_number: int, values: dict[str, str], plan: EmployeePlan) -> EmployeeRow | None:
    errors, existing = plan.errors, plan.existing
    number = values.get("staff_number", "")
    if not number:
        errors.append(error(row_number, "staff_number", "The staff number is required."))
        return None
    check_length(errors, row_number, "staff_number", number, 40)
    row = EmployeeRow(row_number, number)
    current = existing.employees.get(number)
    for column, limit in (("first_name", 100), ("last_name", 100), ("email", 254)):
        value = values.get(column, "")
        if not value:
            errors.append(error(row_number, column, f"The {column.replace('_', ' ')} is required."))
        elif check_length(errors, row_number, column, value, limit):
            setattr(row, column, value)
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            errors.append(error(row_number, "email", f"“{row.email}” is not a valid e-mail address."))
            row.email = ""
    row.email = row.email.lower()  # as the employee form stores it

    unit_code = values.get("unit_code", "")
    unit = existing.units.get(unit_code)
    if not unit_code:
        errors.append(error(row_number, "unit_code", "The unit code is required."))
    elif unit is None:
        errors.append(error(row_number, "unit_code", unknown_code_message("unit code", unit_code, existing.units)))
    elif not unit.is_active and (current is None or current["unit_id"] != unit.pk):
        # A closed unit takes nobody new, but people still in it can be re-imported.
        errors.append(error(row_number, "unit_code", f"The unit “{unit_code}” ({unit.name}) is closed."))
    else:
        row.unit_id = unit.pk

    title = values.get("position", "")
    if title and check_length(errors, row_number, "position", title, 200):
        row.position_title = title
    grade_code = values.get("grade_code", "")
    row.sets_grade = "grade_code" in plan.present
    if grade_code:
        row.grade_id = existing.grades.get(grade_code)
        if row.grade_id is None:
            errors.append(
                error(row_number, "grade_code", unknown_code_message("grade code", grade_code, existing.grades))
            )
    row.manager_number = values.get("manager_staff_number", "")
    hire_date = values.get("hire_date", "")
    if hire_date:
        try:
            if not _DATE.match(hire_date):
                raise ValueError
            row.hire_date = date.fromisoformat(hire_date)
        except ValueError:
            errors.append(
                error(
                    row_number,
                    "hire_date",
                    f"“{hire_date}” is not a date: write it as YYYY-MM-DD, for example 2021-09-01.",
                )
            )
    is_head = parse_yes_no(values.get("is_unit_head", ""))
    if is_head is None:
        errors.append(error(row_number, "is_unit_head", f"“{values['is_unit_head']}” is not yes or no."))
    row.is_unit_head = bool(is_head)
    return row


def _grades_from_posts(plan: EmployeePlan) -> None:
    """As on the employee form, a post fixes the grade of a row that gives none: an existing
    post's grade, or for a post the file creates, the grade of a row that names one."""
    existing = plan.existing
    new_post_grades: dict[tuple, int] = {}
    for row in plan.rows:
        key = (row.unit_id, row.position_title.lower())
        if row.position_title and row.grade_id and key not in existing.positions:
            new_post_grades.setdefault(key, row.grade_id)
    for row in plan.rows:
        if not row.position_title or row.grade_id or row.unit_id is None:
            continue
        key = (row.unit_id, row.position_title.lower())
        post_id = existing.positions.get(key)
        grade_id = existing.post_grades[post_id] if post_id is not None else new_post_grades.get(key)
        if grade_id is not None:
            row.grade_id, row.sets_grade = grade_id, True


def _check_emails(plan: EmployeePlan) -> None:
    """Unique e-mails within the file and among other employees, and a sign-in account that
    is not already someone else's."""
    existing, errors = plan.existing, plan.errors
    in_file = {row.staff_number for row in plan.rows}
    first_row_of: dict[str, int] = {}
    for row in plan.rows:
        if not row.email:
            continue
        key = row.email.lower()
        if key in first_row_of:
            errors.append(
                error(row.row, "email", f"The e-mail “{row.email}” is already used on row {first_row_of[key]}.")
            )
            continue
        first_row_of[key] = row.row
        # Another employee keeps this e-mail unless the file gives them a new one.
        owners = [n for n in existing.email_owners.get(key, ()) if n != row.staff_number and n not in in_file]
        if owners:
            errors.append(
                error(
                    row.row,
                    "email",
                    f"The e-mail “{row.email}” belongs to employee {owners[0]} ({_name(existing, owners[0])}).",
                )
            )
            continue
        user_id = existing.users.get(key)
        holder = existing.number_of_user.get(user_id) if user_id is not None else None
        if plan.needs_user(row) and holder is not None and holder != row.staff_number:
            errors.append(
                error(
                    row.row,
                    "email",
                    f"“{row.email}” is the sign-in of employee {holder} "
                    f"({_name(existing, holder)}); one account cannot be two people.",
                )
            )


def _check_managers(plan: EmployeePlan) -> None:
    """Known, active managers, and reporting lines without loops once the file is in."""
    existing, errors = plan.existing, plan.errors
    rows_by_number = {row.staff_number: row for row in plan.rows}
    parent_of = {
        number: existing.number_of_id.get(values["manager_id"]) for number, values in existing.employees.items()
    }
    for row in plan.rows:
        manager = row.manager_number
        if "manager_staff_number" in plan.present:
            parent_of[row.staff_number] = None
        else:
            parent_of.setdefault(row.staff_number, None)
        if not manager:
            continue
        if manager == row.staff_number:
            errors.append(error(row.row, "manager_staff_number", "A person cannot be their own manager."))
            continue
        if manager not in rows_by_number and manager not in existing.employees:
            errors.append(
                error(
                    row.row,
                    "manager_staff_number",
                    f"Unknown manager staff number “{manager}”: not an employee and not a row of this file.",
                )
            )
            continue
        current = existing.employees.get(row.staff_number)
        unchanged = current is not None and existing.number_of_id.get(current["manager_id"]) == manager
        # Only a new line must point at someone active; kept lines stay valid after a manager leaves.
        if manager in existing.employees and not existing.employees[manager]["is_active"] and not unchanged:
            errors.append(
                error(
                    row.row,
                    "manager_staff_number",
                    f"The manager {manager} ({_name(existing, manager)}) is no longer active.",
                )
            )
            continue
        parent_of[row.staff_number] = manager
    loop_of, _depth = find_loops(parent_of)
    for row in plan.rows:
        if row.staff_number in loop_of:
            errors.append(
                error(
                    row.row,
                    "manager_staff_number",
                    f"These managers make a loop: {loop_text(loop_of[row.staff_number])}.",
                )
            )


def _check_heads(plan: EmployeePlan) -> None:
    head_row_of: dict[int, int] = {}
    for row in plan.rows:
        if not row.is_unit_head or row.unit_id is None:
            continue
        if row.unit_id in head_row_of:
            plan.errors.append(
                error(
                    row.row,
                    "is_unit_head",
                    f"Row {head_row_of[row.unit_id]} already makes someone head of this unit; a unit has one head.",
                )
            )
        else:
            head_row_of[row.unit_id] = row.row


def _changes(plan: EmployeePlan, row: EmployeeRow) -> bool:
    """Whether applying the row changes anything for an existing employee."""
    existing = plan.existing
    current = existing.employees.get(row.staff_number)
    if current is None:
        return True
    present = plan.present
    if (current["first_name"], current["last_name"], current["email"], current["unit_id"]) != (
        row.first_name,
        row.last_name,
        row.email,
        row.unit_id,
    ):
        return True
    if row.sets_grade and current["grade_id"] != row.grade_id:
        return True
    if "hire_date" in present and current["hire_date"] != row.hire_date:
        return True
    if "manager_staff_number" in present and existing.number_of_id.get(current["manager_id"]) != (
        row.manager_number or None
    ):
        return True
    if "position" in present:
        post = existing.post_of_id.get(current["position_id"])
        wanted = (row.unit_id, row.position_title.lower()) if row.position_title else None
        if post != wanted:
            return True
    if plan.needs_user(row):
        return True
    if "is_unit_head" in present:
        headed = existing.headships.get(current["id"], set())
        # yes: heads their unit; no: heads none.
        if (row.is_unit_head and row.unit_id not in headed) or (not row.is_unit_head and headed):
            return True
    return False


def _name(existing: Existing, number: str) -> str:
    values = existing.employees[number]
    return f"{values['first_name']} {values['last_name']}"
