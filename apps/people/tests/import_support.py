"""Helpers for the CSV import tests: build a file, preview it, apply it."""

from apps.people.services import imports
from apps.tenancy.models import Membership


def membership_of(user, organization):
    return Membership.objects.get(user=user, organization=organization)


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def preview(user, organization, kind: str, *lines: str, raw: bytes | None = None, file_name: str = ""):
    return imports.csv_import_preview(
        actor=user,
        membership=membership_of(user, organization),
        kind=kind,
        file_name=file_name or f"{kind}.csv",
        raw=raw if raw is not None else csv_bytes(*lines),
    )


def apply(user, organization, csv_import):
    return imports.csv_import_apply(actor=user, membership=membership_of(user, organization), csv_import=csv_import)


def problems(csv_import) -> list[tuple]:
    """The errors as (row, column) pairs, easy to assert on."""
    return [(e["row"], e["column"]) for e in csv_import.errors]


def messages_at(csv_import, row, column) -> str:
    return " ".join(e["message"] for e in csv_import.errors if e["row"] == row and e["column"] == column)


UNITS_HEADER = "code,name,kind,parent_code"
EMPLOYEES_HEADER = (
    "staff_number,first_name,last_name,email,unit_code,position,grade_code,manager_staff_number,hire_date,is_unit_head"
)
