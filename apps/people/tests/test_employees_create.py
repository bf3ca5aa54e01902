import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.people.models import Employee
from apps.people.services.employees import employee_create
from apps.tenancy.models import AuditEvent, Membership, Role
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

User = get_user_model()


@pytest.fixture
def hr(org_a, alice):
    return Membership.objects.select_related("organization").get(organization=org_a, user=alice)


def _create(hr, actor, unit, **fields):
    data = {
        "staff_number": "N-001",
        "first_name": "Nina",
        "last_name": "New",
        "email": "nina@alpha.test",
        "unit": unit,
        **fields,
    }
    return employee_create(actor=actor, membership=hr, **data)


def test_it_creates_a_login_without_a_password_and_a_member_role(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        nina = _create(hr, alice, unit_a)
        assert AuditEvent.objects.filter(action="employee.created", object_id=nina.public_id, actor=alice).exists()
    user = User.objects.get(email="nina@alpha.test")
    assert nina.user == user
    assert not user.has_usable_password()
    assert user.full_name == "Nina New"
    assert Membership.objects.get(organization=org_a, user=user).role == Role.MEMBER


def test_the_hr_admin_box_gives_the_hr_role(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        nina = _create(hr, alice, unit_a, is_hr_admin=True)
    assert Membership.objects.get(organization=org_a, user=nina.user).role == Role.HR_ADMIN


def test_it_links_an_existing_login_whatever_the_case_of_the_email(org_a, unit_a, alice, hr):
    existing = factories.UserFactory(email="nina@alpha.test")
    with tenant_scope(org_a):
        nina = _create(hr, alice, unit_a, email="Nina@Alpha.TEST")
    assert nina.user == existing
    assert nina.email == "nina@alpha.test"
    assert User.objects.filter(email__iexact="nina@alpha.test").count() == 1


def test_it_refuses_a_duplicate_staff_number_at_the_field(org_a, unit_a, alice, bob, hr):
    with tenant_scope(org_a):
        taken = bob.employments.get().staff_number
        with pytest.raises(ValidationError) as caught:
            _create(hr, alice, unit_a, staff_number=taken)
        assert "staff_number" in caught.value.message_dict
        assert not Employee.objects.filter(email="nina@alpha.test").exists()
    assert not User.objects.filter(email="nina@alpha.test").exists()  # nothing half-written


def test_it_refuses_an_email_another_employee_uses(org_a, unit_a, alice, bob, hr):
    with tenant_scope(org_a), pytest.raises(ValidationError) as caught:
        _create(hr, alice, unit_a, email="BOB@alpha.test")
    assert "email" in caught.value.message_dict


def test_the_grade_comes_from_the_position_when_left_empty(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        grade = factories.GradeFactory(organization=org_a)
        post = factories.PositionFactory(
            organization=org_a, unit=factories.OrgUnitFactory(organization=org_a), grade=grade
        )
        nina = _create(hr, alice, unit_a, position=post)  # a post of another unit is allowed
        assert nina.grade == grade
        other = factories.GradeFactory(organization=org_a)
        assert (
            _create(hr, alice, unit_a, staff_number="N-2", email="n2@alpha.test", position=post, grade=other).grade
            == other
        )


def test_it_refuses_an_inactive_manager(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        gone = factories.EmployeeFactory(organization=org_a, unit=unit_a, is_active=False)
        with pytest.raises(ValidationError) as caught:
            _create(hr, alice, unit_a, manager=gone)
    assert "manager" in caught.value.message_dict


def test_the_same_person_can_be_employed_by_two_organisations(org_a, org_b, unit_a, unit_b, alice, charlie, hr):
    charlie_hr = Membership.objects.select_related("organization").get(organization=org_b, user=charlie)
    with tenant_scope(org_b):
        in_b = _create(charlie_hr, charlie, unit_b)
    with tenant_scope(org_a):
        in_a = _create(hr, alice, unit_a)
    assert in_a.user == in_b.user


# --- The page -------------------------------------------------------------------------------


def test_hr_adds_a_person_through_the_form(alice_client, org_a, unit_a, alice):
    with tenant_scope(org_a):
        manager = alice.employments.get()
    response = alice_client.post(
        reverse("people:employee_create", kwargs={"org_slug": org_a.slug}),
        {
            "staff_number": "N-9",
            "first_name": "Nora",
            "last_name": "Ng",
            "email": "nora@alpha.test",
            "unit": unit_a.public_id,
            "manager": manager.public_id,
            "hire_date": "2024-02-01",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Nora Ng added" in response.content.decode()
    with tenant_scope(org_a):
        nora = Employee.objects.get(staff_number="N-9")
    assert nora.manager == manager and str(nora.hire_date) == "2024-02-01"


def test_a_duplicate_staff_number_shows_at_the_field(alice_client, org_a, unit_a, bob):
    with tenant_scope(org_a):
        taken = bob.employments.get().staff_number
    response = alice_client.post(
        reverse("people:employee_create", kwargs={"org_slug": org_a.slug}),
        {
            "staff_number": taken,
            "first_name": "X",
            "last_name": "Y",
            "email": "xy@alpha.test",
            "unit": unit_a.public_id,
        },
    )
    assert response.status_code == 200
    assert "already belongs to someone else" in str(response.context["form"].errors["staff_number"])
