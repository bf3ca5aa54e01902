"""CSV import of units and employees: preview an upload, then apply it.

`csv_import_preview` checks the whole file and keeps it, with every error by row and column,
as a CsvImport (status "invalid" or "ready"); nothing else is written. `csv_import_apply`
checks the kept file again (the organisation may have changed since the preview) and writes
all of it in one transaction, or nothing. Applying twice writes once.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import CsvImport
from . import import_employees, import_employees_write, import_units
from .csv_parsing import Column, ParsedCsv, error, parse

Kind = CsvImport.Kind
Status = CsvImport.Status

COLUMNS: dict[str, list[Column]] = {Kind.UNITS: import_units.COLUMNS, Kind.EMPLOYEES: import_employees.COLUMNS}
SAMPLES: dict[str, str] = {Kind.UNITS: import_units.SAMPLE, Kind.EMPLOYEES: import_employees.SAMPLE}
_IMPORT_LOCK = 0x1C5F  # first key of the advisory lock; the second is the organisation's id


def csv_import_preview(*, actor, membership, kind: str, file_name: str, raw: bytes) -> CsvImport:
    """Check an uploaded file and keep it for review. Never writes units or people."""
    require_hr_admin(membership)
    if kind not in COLUMNS:
        raise ValidationError({"kind": "Choose what the file holds: units or employees."})
    organization = membership.organization
    parsed = parse(raw, COLUMNS[kind])
    errors, summary = _check(kind, parsed)
    if parsed.ignored_columns:
        summary["ignored_columns"] = parsed.ignored_columns
    with transaction.atomic():
        csv_import = CsvImport.objects.create(
            organization=organization,
            kind=kind,
            status=Status.INVALID if errors else Status.READY,
            file_name=file_name[:255],
            content=parsed.text,
            row_count=parsed.row_count,
            errors=errors,
            summary=summary,
            uploaded_by=actor,
        )
        audit.record(
            organization=organization,
            actor=actor,
            action="people.csv_import.previewed",
            obj=csv_import,
            summary=f"Uploaded {csv_import.file_name} ({kind}): {parsed.row_count} rows, {len(errors)} errors",
            changes={"rows": parsed.row_count, "errors": len(errors)},
        )
    return csv_import


@transaction.atomic
def csv_import_apply(*, actor, membership, csv_import: CsvImport) -> CsvImport:
    """Write a ready import in one transaction, after checking it again.

    If the check now finds errors the import becomes "invalid" with them and nothing else
    is written. An import that is already applied (or invalid) is returned as it is.
    """
    require_hr_admin(membership)
    organization = membership.organization
    # The row lock makes a double click or a second admin wait, then see "applied"; the
    # advisory lock queues two different imports of one organisation one after the other.
    csv_import = CsvImport.objects.select_for_update().get(pk=csv_import.pk)
    if csv_import.status != Status.READY:
        return csv_import
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK, organization.pk])

    parsed = parse(csv_import.content.encode("utf-8"), COLUMNS[csv_import.kind])
    started = timezone.now()
    if csv_import.kind == Kind.UNITS:
        plan = import_units.plan(parsed)
        writer = import_units.apply
    else:
        plan = import_employees.plan(parsed)
        writer = import_employees_write.apply
    errors = _sorted(parsed.errors + plan.errors)
    if errors:
        csv_import.status = Status.INVALID
        csv_import.errors = errors
        csv_import.summary = {**plan.summary, "rechecked": True}
        csv_import.save(update_fields=["status", "errors", "summary"])
        return csv_import

    try:
        with transaction.atomic():
            counts = writer(plan, organization)
    except IntegrityError:
        # Someone saved a clashing person or unit through a form between the check and the
        # write. Nothing of the file is kept; a new preview will show the clash.
        csv_import.status = Status.INVALID
        csv_import.errors = [
            error(
                None,
                "",
                "Someone changed the organisation while this file was being imported, "
                "so nothing was imported. Upload the file again to check it.",
            )
        ]
        csv_import.save(update_fields=["status", "errors"])
        return csv_import
    csv_import.status = Status.APPLIED
    csv_import.applied_at = timezone.now()
    csv_import.summary = {
        **csv_import.summary,
        **plan.summary,
        "applied": counts,
        "seconds": round((csv_import.applied_at - started).total_seconds(), 2),
    }
    csv_import.save(update_fields=["status", "applied_at", "summary"])
    audit.record(
        organization=organization,
        actor=actor,
        action="people.csv_import.applied",
        obj=csv_import,
        summary=f"Imported {csv_import.file_name} ({csv_import.kind}): {counts['created']} created, "
        f"{counts['updated']} updated",
        changes={"kind": csv_import.kind, "file_name": csv_import.file_name, "rows": csv_import.row_count, **counts},
    )
    return csv_import


def _check(kind: str, parsed: ParsedCsv) -> tuple[list[dict], dict]:
    if parsed.errors and not parsed.rows:
        return parsed.errors, {"rows": 0}
    plan = import_units.plan(parsed) if kind == Kind.UNITS else import_employees.plan(parsed)
    # "rows" counts the file's rows, including those refused as duplicates.
    return _sorted(parsed.errors + plan.errors), {**plan.summary, "rows": parsed.row_count}


def _sorted(errors: list[dict]) -> list[dict]:
    """By row, so the preview reads top to bottom like the file; problems of the whole file first."""
    return sorted(errors, key=lambda e: e["row"] or 0)


def sample_csv(kind: str) -> str:
    return SAMPLES[kind]
