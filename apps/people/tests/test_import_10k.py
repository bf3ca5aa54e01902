"""10,000 employees in one file: checked and applied correctly. Not timed here (timing is the
job of `manage.py benchmark_csv_import`); this proves the bulk path is right at that size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.people.management.commands.benchmark_csv_import import department_codes, employees_csv, units_csv
from apps.people.models import CsvImport, Employee, OrgUnit, Position
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .import_support import apply, preview

ROWS = 10_000


def test_ten_thousand_people_with_managers_import_in_a_handful_of_queries(org_a, alice):
    with tenant_scope(org_a):
        factories.GradeFactory(organization=org_a, code="P3")
        apply(alice, org_a, preview(alice, org_a, "units", raw=units_csv().encode()))
        raw = employees_csv(ROWS, department_codes(), "P3").encode()

        with CaptureQueriesContext(connection) as queries:
            csv_import = preview(alice, org_a, "employees", raw=raw)
            assert csv_import.status == CsvImport.Status.READY, csv_import.errors[:5]
            csv_import = apply(alice, org_a, csv_import)

        assert csv_import.status == CsvImport.Status.APPLIED
        assert csv_import.summary["applied"]["created"] == ROWS
        assert len(queries) < 80  # bulk statements, not one per row
        assert Employee.objects.filter(staff_number__startswith="B").count() == ROWS
        assert Membership.objects.filter(organization=org_a).count() == ROWS + 1  # plus Alice
        assert Position.objects.count() == 100
        lines = dict(
            Employee.objects.filter(staff_number__startswith="B").values_list("staff_number", "manager__staff_number")
        )
        assert lines["B000000"] is None
        assert lines["B000123"] == "B000012" and lines["B009999"] == "B000999"
        assert OrgUnit.objects.filter(head__isnull=False).count() == 100
