"""Applying a previewed import: once, all or nothing, re-checked, audited."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from apps.people.models import CsvImport, Employee, OrgUnit
from apps.people.services import import_units, imports
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .import_support import EMPLOYEES_HEADER, UNITS_HEADER, apply, membership_of, preview, problems


def test_applying_twice_writes_once(org_a, alice):
    with tenant_scope(org_a):
        csv_import = preview(alice, org_a, "units", UNITS_HEADER, "FIN,Finance,,")
        first = apply(alice, org_a, csv_import)
        second = apply(alice, org_a, csv_import)
        assert first.status == second.status == CsvImport.Status.APPLIED
        assert second.applied_at == first.applied_at
        assert OrgUnit.objects.filter(code="FIN").count() == 1
        assert AuditEvent.objects.filter(action="people.csv_import.applied").count() == 1


def test_an_invalid_import_writes_nothing_when_confirmed(org_a, alice):
    with tenant_scope(org_a):
        csv_import = preview(
            alice,
            org_a,
            "employees",
            EMPLOYEES_HEADER,
            "E1,Ann,One,one@example.org,A-HQ,,,,,",
            "E2,Ben,Two,bad-email,A-HQ,,,,,",
        )
        assert csv_import.status == CsvImport.Status.INVALID
        assert apply(alice, org_a, csv_import).status == CsvImport.Status.INVALID
        assert not Employee.objects.filter(staff_number="E1").exists()


def test_it_checks_again_before_writing(org_a, alice, unit_a):
    with tenant_scope(org_a):
        csv_import = preview(
            alice,
            org_a,
            "employees",
            EMPLOYEES_HEADER,
            "E1,Ann,One,one@example.org,A-HQ,,,,,",
            "E2,Ben,Two,two@example.org,A-HQ,,,,,",
        )
        assert csv_import.status == CsvImport.Status.READY
        # Meanwhile someone hires a person with Ben's e-mail through the form.
        factories.EmployeeFactory(organization=org_a, unit=unit_a, staff_number="X9", email="two@example.org")

        csv_import = apply(alice, org_a, csv_import)

        assert csv_import.status == CsvImport.Status.INVALID
        assert problems(csv_import) == [(3, "email")]
        assert not Employee.objects.filter(staff_number__in=["E1", "E2"]).exists()


def test_it_records_who_imported_what(org_a, alice):
    with tenant_scope(org_a):
        csv_import = apply(
            alice,
            org_a,
            preview(alice, org_a, "employees", EMPLOYEES_HEADER, "E1,Ann,One,one@example.org,A-HQ,Clerk,,,,"),
        )
        event = AuditEvent.objects.get(action="people.csv_import.applied")
        assert event.actor == alice and event.object_id == csv_import.public_id
        assert event.changes["created"] == 1 and event.changes["new_positions"] == 1
        assert AuditEvent.objects.filter(action="people.csv_import.previewed", object_id=csv_import.public_id).exists()


def test_only_hr_admins_may_preview_or_apply(org_a, alice, bob):
    with tenant_scope(org_a):
        csv_import = preview(alice, org_a, "units", UNITS_HEADER, "FIN,Finance,,")
        with pytest.raises(PermissionDenied):
            preview(bob, org_a, "units", UNITS_HEADER, "OPS,Operations,,")
        with pytest.raises(PermissionDenied):
            imports.csv_import_apply(actor=bob, membership=membership_of(bob, org_a), csv_import=csv_import)
        assert CsvImport.objects.get(pk=csv_import.pk).status == CsvImport.Status.READY


def test_a_clash_at_write_time_keeps_nothing_and_asks_for_a_new_upload(org_a, alice, monkeypatch):
    def write_then_clash(plan, organization):
        OrgUnit.objects.create(organization=organization, code="HALF", name="Half written")
        raise IntegrityError("duplicate key value violates unique constraint")

    with tenant_scope(org_a):
        csv_import = preview(alice, org_a, "units", UNITS_HEADER, "FIN,Finance,,")
        monkeypatch.setattr(import_units, "apply", write_then_clash)

        csv_import = apply(alice, org_a, csv_import)

        assert csv_import.status == CsvImport.Status.INVALID
        assert "Upload the file again" in csv_import.errors[0]["message"]
        assert not OrgUnit.objects.filter(code__in=["FIN", "HALF"]).exists()
        assert CsvImport.objects.get(pk=csv_import.pk).status == CsvImport.Status.INVALID
