"""employees.csv: preview and apply."""

import datetime

from django.contrib.auth import get_user_model

from apps.people.models import CsvImport, Employee, OrgUnit, Position
from apps.tenancy.models import Membership, Role
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .import_support import EMPLOYEES_HEADER, apply, messages_at, preview, problems


def test_it_creates_people_with_managers_posts_accounts_and_memberships(org_a, alice, unit_a):
    with tenant_scope(org_a):
        grade = factories.GradeFactory(organization=org_a, code="P3")
        csv_import = preview(
            alice,
            org_a,
            "employees",
            EMPLOYEES_HEADER,
            "E2,Ada,Lovelace,Ada@Example.org,A-HQ,Analyst,P3,E1,2020-02-03,no",
            "E1,Grace,Hopper,grace@example.org,A-HQ,Director,,,2010-01-04,yes",
            "E3,Alan,Turing,alan@example.org,A-HQ,analyst,,E2,,",
        )
        assert csv_import.status == CsvImport.Status.READY, csv_import.errors
        assert csv_import.summary == {
            "rows": 3,
            "to_create": 3,
            "to_update": 0,
            "unchanged": 0,
            "new_positions": 2,
            "new_accounts": 3,
        }
        assert not Employee.objects.filter(staff_number="E1").exists()

        csv_import = apply(alice, org_a, csv_import)

        grace, ada, alan = (
            Employee.objects.select_related("user", "position").get(staff_number=n) for n in ("E1", "E2", "E3")
        )
        assert ada.manager == grace and alan.manager == ada and grace.manager is None
        assert ada.email == "ada@example.org" and ada.hire_date == datetime.date(2020, 2, 3)
        assert ada.grade == grade and alan.grade == grade  # the post brings its grade
        assert ada.position == alan.position and ada.position.title == "Analyst" and ada.position.unit == unit_a
        assert Position.objects.filter(unit=unit_a).count() == 2
        assert ada.user.email == "ada@example.org" and not ada.user.has_usable_password()
        assert Membership.objects.get(organization=org_a, user=ada.user).role == Role.MEMBER
        assert OrgUnit.objects.get(code="A-HQ").head == grace
        assert csv_import.summary["applied"]["created"] == 3


def test_it_links_an_existing_account_by_email_in_any_case(org_a, org_b, alice, charlie):
    with tenant_scope(org_a):
        csv_import = apply(
            alice,
            org_a,
            preview(alice, org_a, "employees", EMPLOYEES_HEADER, "E9,Charlie,Example,CHARLIE@beta.test,A-HQ,,,,,"),
        )
        assert csv_import.status == CsvImport.Status.APPLIED, csv_import.errors
        assert Employee.objects.get(staff_number="E9").user == charlie
    assert get_user_model().objects.filter(email__iexact="charlie@beta.test").count() == 1
    assert Membership.objects.filter(user=charlie).count() == 2


def test_it_updates_people_by_staff_number(org_a, alice, bob, unit_a):
    with tenant_scope(org_a):
        bob_employee = Employee.objects.get(user=bob)
        other_unit = factories.OrgUnitFactory(organization=org_a, code="OPS")
        csv_import = preview(
            alice,
            org_a,
            "employees",
            "staff_number,first_name,last_name,email,unit_code,manager_staff_number",
            f"{bob_employee.staff_number},Robert,Builder,bob@alpha.test,OPS,",
        )
        assert csv_import.summary["to_update"] == 1 and csv_import.summary["to_create"] == 0

        apply(alice, org_a, csv_import)

        bob_employee.refresh_from_db()
        assert (bob_employee.first_name, bob_employee.unit, bob_employee.manager) == ("Robert", other_unit, None)
        assert bob_employee.user == bob
        assert Employee.objects.count() == 2


def test_a_column_left_out_leaves_that_field_alone(org_a, alice, bob):
    with tenant_scope(org_a):
        bob_employee = Employee.objects.get(user=bob)
        hired = bob_employee.hire_date
        csv_import = preview(
            alice,
            org_a,
            "employees",
            "staff_number,first_name,last_name,email,unit_code",
            f"{bob_employee.staff_number},Bob,Example,bob@alpha.test,A-HQ",
        )
        assert csv_import.summary["unchanged"] == 1
        apply(alice, org_a, csv_import)
        bob_employee.refresh_from_db()
        assert bob_employee.manager.user == alice and bob_employee.hire_date == hired


def test_it_reports_every_bad_cell_by_row_and_column(org_a, alice, unit_a):
    with tenant_scope(org_a):
        csv_import = preview(
            alice,
            org_a,
            "employees",
            EMPLOYEES_HEADER,
            "E1,Ann,One,not-an-email,NOPE,,G9,,2021-13-01,maybe",
            "E2,,Two,two@example.org,a-hq,,,E404,01/02/2020,",
            "E1,Ann,Again,again@example.org,A-HQ,,,,,",
        )
        assert csv_import.status == CsvImport.Status.INVALID
        assert problems(csv_import) == [
            (2, "email"),
            (2, "unit_code"),
            (2, "grade_code"),
            (2, "hire_date"),
            (2, "is_unit_head"),
            (3, "first_name"),
            (3, "unit_code"),
            (3, "hire_date"),
            (3, "manager_staff_number"),
            (4, "staff_number"),
        ]
        assert "not a valid e-mail" in messages_at(csv_import, 2, "email")
        assert "Unknown unit code “NOPE”" in messages_at(csv_import, 2, "unit_code")
        assert "YYYY-MM-DD" in messages_at(csv_import, 3, "hire_date")
        assert "E404" in messages_at(csv_import, 3, "manager_staff_number")
        assert "already used on row 2" in messages_at(csv_import, 4, "staff_number")
        assert Employee.objects.count() == 1


def test_it_refuses_duplicate_and_taken_emails(org_a, alice, bob):
    with tenant_scope(org_a):
        csv_import = preview(
            alice,
            org_a,
            "employees",
            EMPLOYEES_HEADER,
            "E1,Ann,One,same@example.org,A-HQ,,,,,",
            "E2,Ben,Two,SAME@example.org,A-HQ,,,,,",
            "E3,Cy,Three,Bob@Alpha.test,A-HQ,,,,,",
        )
        assert problems(csv_import) == [(3, "email"), (4, "email")]
        assert "already used on row 2" in messages_at(csv_import, 3, "email")
        assert "belongs to employee" in messages_at(csv_import, 4, "email")


def test_it_refuses_an_email_that_signs_in_as_another_employee(org_a, alice, bob):
    with tenant_scope(org_a):
        # Bob's record now has another address, but his account still signs in as bob@alpha.test.
        Employee.objects.filter(user=bob).update(email="robert@alpha.test")
        csv_import = preview(alice, org_a, "employees", EMPLOYEES_HEADER, "E7,Bo,Other,bob@alpha.test,A-HQ,,,,,")
        assert problems(csv_import) == [(2, "email")]
        assert "sign-in of employee" in messages_at(csv_import, 2, "email")


def test_it_refuses_managers_who_loop_or_manage_themselves(org_a, alice):
    with tenant_scope(org_a):
        csv_import = preview(
            alice,
            org_a,
            "employees",
            EMPLOYEES_HEADER,
            "E1,Ann,One,one@example.org,A-HQ,,,E3,,",
            "E2,Ben,Two,two@example.org,A-HQ,,,E1,,",
            "E3,Cy,Three,three@example.org,A-HQ,,,E2,,",
            "E4,Di,Four,four@example.org,A-HQ,,,E4,,",
        )
        assert problems(csv_import) == [
            (2, "manager_staff_number"),
            (3, "manager_staff_number"),
            (4, "manager_staff_number"),
            (5, "manager_staff_number"),
        ]
        assert "E1 → E3 → E2 → E1" in messages_at(csv_import, 2, "manager_staff_number")
        assert "own manager" in messages_at(csv_import, 5, "manager_staff_number")


def test_it_refuses_a_manager_loop_through_people_already_employed(org_a, alice, bob):
    with tenant_scope(org_a):
        alice_no = Employee.objects.get(user=alice).staff_number
        bob_no = Employee.objects.get(user=bob).staff_number  # Bob reports to Alice
        csv_import = preview(
            alice, org_a, "employees", EMPLOYEES_HEADER, f"{alice_no},Alice,Example,alice@alpha.test,A-HQ,,,{bob_no},,"
        )
        assert problems(csv_import) == [(2, "manager_staff_number")]
        assert f"{alice_no} → {bob_no} → {alice_no}" in messages_at(csv_import, 2, "manager_staff_number")


def test_it_refuses_an_inactive_manager_and_a_second_head_for_a_unit(org_a, alice, bob):
    with tenant_scope(org_a):
        bob_employee = Employee.objects.get(user=bob)
        Employee.objects.filter(pk=bob_employee.pk).update(is_active=False)
        csv_import = preview(
            alice,
            org_a,
            "employees",
            EMPLOYEES_HEADER,
            f"E1,Ann,One,one@example.org,A-HQ,,,{bob_employee.staff_number},,yes",
            "E2,Ben,Two,two@example.org,A-HQ,,,,,yes",
        )
        assert problems(csv_import) == [(2, "manager_staff_number"), (3, "is_unit_head")]
        assert "no longer active" in messages_at(csv_import, 2, "manager_staff_number")


def test_no_makes_a_head_step_down(org_a, alice, unit_a):
    with tenant_scope(org_a):
        alice_employee = Employee.objects.get(user=alice)
        OrgUnit.objects.filter(pk=unit_a.pk).update(head=alice_employee)
        csv_import = preview(
            alice,
            org_a,
            "employees",
            EMPLOYEES_HEADER,
            f"{alice_employee.staff_number},Alice,Example,alice@alpha.test,A-HQ,,,,,no",
            "E2,Ben,Two,two@example.org,A-HQ,,,,,yes",
        )
        csv_import = apply(alice, org_a, csv_import)
        assert OrgUnit.objects.get(pk=unit_a.pk).head.staff_number == "E2"
        assert csv_import.summary["applied"]["unit_heads_set"] == 1


def test_a_deactivated_person_reimported_stays_without_access(org_a, alice, unit_a):
    with tenant_scope(org_a):
        gone = factories.EmployeeFactory(
            organization=org_a, unit=unit_a, staff_number="G1", email="gone@x.org", is_active=False
        )
        csv_import = apply(
            alice, org_a, preview(alice, org_a, "employees", EMPLOYEES_HEADER, "G1,Gone,Person,gone@x.org,A-HQ,,,,,")
        )
        gone.refresh_from_db()
        assert csv_import.status == CsvImport.Status.APPLIED
        assert not gone.is_active and gone.user.email == "gone@x.org"
        assert not Membership.objects.get(organization=org_a, user=gone.user).is_active
