"""Time the CSV import on generated data: 10,000 employees (with managers, posts and unit
heads) into a fresh organisation, then the same file again as a re-import with changes.

    python manage.py benchmark_csv_import [--rows 10000] [--keep]

Everything runs in one transaction that is rolled back at the end (unless --keep), so the
database is left as it was.
"""

import random
import time
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.people.models import CsvImport, Grade, StaffClass
from apps.people.services import imports
from apps.tenancy.models import Membership, Organization, Role
from apps.tenancy.scoping import tenant_scope

UNITS_HEADER = "code,name,kind,parent_code"
EMPLOYEES_HEADER = (
    "staff_number,first_name,last_name,email,unit_code,position,grade_code,manager_staff_number,hire_date,is_unit_head"
)
_FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Katherine", "Niklaus"]
_LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Johnson", "Wirth"]
_TITLES = ["Officer", "Senior Officer", "Assistant", "Analyst", "Specialist"]


def units_csv(divisions: int = 10, departments_per_division: int = 10) -> str:
    """A three-level tree: HQ, divisions, departments; children listed before their parents."""
    lines = []
    for d in range(divisions):
        for p in range(departments_per_division):
            lines.append(f"D{d:02d}-{p:02d},Department {d}.{p},department,D{d:02d}")
        lines.append(f"D{d:02d},Division {d},division,HQ")
    lines.append("HQ,Head Office,organisation,")
    return "\n".join([UNITS_HEADER, *lines]) + "\n"


def department_codes(divisions: int = 10, departments_per_division: int = 10) -> list[str]:
    return [f"D{d:02d}-{p:02d}" for d in range(divisions) for p in range(departments_per_division)]


def employees_csv(
    rows: int, unit_codes: list[str], grade_code: str, *, prefix="B", seed: int = 7, surname_suffix: str = ""
) -> str:
    """`rows` people in a reporting tree ten wide (about four levels deep), spread over the
    units, rows shuffled so many managers come after their reports."""
    rng = random.Random(seed)
    lines = []
    for i in range(rows):
        number = f"{prefix}{i:06d}"
        manager = f"{prefix}{(i - 1) // 10:06d}" if i else ""
        unit = unit_codes[i % len(unit_codes)]
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST)) % len(_LAST)] + surname_suffix
        head = "yes" if i < len(unit_codes) else "no"  # the first person placed in each unit heads it
        lines.append(
            f"{number},{first},{last},{number.lower()}@bench.example,{unit},{_TITLES[i % len(_TITLES)]},"
            f"{grade_code},{manager},20{10 + i % 15:02d}-0{1 + i % 9}-1{i % 10},{head}"
        )
    rng.shuffle(lines)
    return "\n".join([EMPLOYEES_HEADER, *lines]) + "\n"


class Command(BaseCommand):
    help = "Time the CSV import of generated units and employees (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--keep", action="store_true", help="Commit the generated organisation.")

    def handle(self, *args, rows, keep, **options):
        with transaction.atomic():
            slug = f"bench-{uuid.uuid4().hex[:8]}"
            organization = Organization.objects.create(name=f"Benchmark {slug}", slug=slug)
            admin = get_user_model().objects.create_user(email=f"hr@{slug}.example", password=None)
            membership = Membership.objects.create(organization=organization, user=admin, role=Role.HR_ADMIN)
            with tenant_scope(organization):
                staff_class = StaffClass.objects.create(organization=organization, code="PRO", name="Professionals")
                Grade.objects.create(organization=organization, code="P3", name="P3", staff_class=staff_class)
                self._run(membership, admin, "units", units_csv())
                employees = employees_csv(rows, department_codes(), "P3")
                self._run(membership, admin, "employees", employees)
                self._run(
                    membership,
                    admin,
                    "employees",
                    employees_csv(rows, department_codes(), "P3", surname_suffix="-Smith"),
                )
            if not keep:
                transaction.set_rollback(True)
        self.stdout.write("Kept the organisation " + slug if keep else "Rolled back: nothing was kept.")

    def _run(self, membership, actor, kind, text):
        raw = text.encode()
        started = time.perf_counter()
        csv_import = imports.csv_import_preview(
            actor=actor, membership=membership, kind=kind, file_name=f"{kind}.csv", raw=raw
        )
        previewed = time.perf_counter()
        csv_import = imports.csv_import_apply(actor=actor, membership=membership, csv_import=csv_import)
        applied = time.perf_counter()
        if csv_import.status != CsvImport.Status.APPLIED:
            raise SystemExit(f"{kind} import did not apply: {csv_import.errors[:5]}")
        self.stdout.write(
            f"{kind}: {csv_import.row_count:,} rows ({len(raw) / 1e6:.1f} MB) — preview {previewed - started:.2f} s, "
            f"apply (re-check + write) {applied - previewed:.2f} s, total {applied - started:.2f} s; "
            f"{csv_import.summary['applied']}"
        )
