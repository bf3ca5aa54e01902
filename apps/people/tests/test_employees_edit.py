import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.people.services.employees import employee_update
from apps.tenancy.models import AuditEvent, Membership, Role
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

User = get_user_model()


@pytest.fixture
def hr(org_a, alice):
    return Membership.objects.select_related("organization").get(organization=org_a, user=alice)


def _update(hr, actor, employee, **changes):
    data = {
        "staff_number": employee.staff_number,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "email": employee.email,
        "unit": employee.unit,
        "position": employee.position,
        "grade": employee.grade,
        "manager": employee.manager,
        "appraising_officer_override": employee.appraising_officer_override,
        "countersigning_officer_override": employee.countersigning_officer_override,
        "hire_date": employee.hire_date,
        "is_hr_admin": False,
        **changes,
    }
    return employee_update(actor=actor, membership=hr, employee=employee, **data)


def test_it_refuses_a_manager_loop_at_the_manager_field(org_a, alice, bob, hr):
    with tenant_scope(org_a):
        alice_e, bob_e = alice.employments.get(), bob.employments.get()  # bob reports to alice
        with pytest.raises(ValidationError) as caught:
            _update(hr, alice, alice_e, manager=bob_e, is_hr_admin=True)
        assert "loop" in caught.value.message_dict["manager"][0]
        alice_e.refresh_from_db()
        assert alice_e.manager is None


def test_it_refuses_the_person_as_their_own_appraising_or_countersigning_officer(org_a, alice, bob, hr):
    with tenant_scope(org_a):
        bob_e = bob.employments.get()
        with pytest.raises(ValidationError) as caught:
            _update(hr, alice, bob_e, appraising_officer_override=bob_e, countersigning_officer_override=bob_e)
        assert set(caught.value.message_dict) >= {"appraising_officer_override", "countersigning_officer_override"}


def test_overrides_change_the_officers_and_are_audited(org_a, unit_a, alice, bob, hr):
    with tenant_scope(org_a):
        bob_e = bob.employments.get()
        director = factories.EmployeeFactory(organization=org_a, unit=unit_a, last_name="Director")
        _update(hr, alice, bob_e, countersigning_officer_override=director)
        bob_e.refresh_from_db()
        assert bob_e.appraising_officer == alice.employments.get()
        assert bob_e.countersigning_officer == director
        event = AuditEvent.objects.get(action="employee.updated", object_id=bob_e.public_id)
        assert event.changes["countersigning_officer_override"][1] == director.full_name


def test_it_changes_the_role_and_the_login_email_of_a_login_used_only_here(org_a, alice, bob, hr):
    with tenant_scope(org_a):
        bob_e = bob.employments.get()
        _update(hr, alice, bob_e, email="robert@alpha.test", is_hr_admin=True)
    bob.refresh_from_db()
    assert bob.email == "robert@alpha.test"
    assert Membership.objects.get(organization=org_a, user=bob).role == Role.HR_ADMIN


def test_a_login_shared_with_another_organisation_keeps_its_email(org_a, org_b, alice, bob, hr):
    factories.MembershipFactory(organization=org_b, user=bob)
    with tenant_scope(org_a):
        _update(hr, alice, bob.employments.get(), email="robert@alpha.test")
    bob.refresh_from_db()
    assert bob.email == "bob@alpha.test"


def test_an_hr_admin_cannot_remove_their_own_hr_role(org_a, alice, hr):
    with tenant_scope(org_a), pytest.raises(ValidationError) as caught:
        _update(hr, alice, alice.employments.get(), is_hr_admin=False)
    assert "is_hr_admin" in caught.value.message_dict


def test_the_edit_page_shows_the_current_role_and_saves(alice_client, org_a, unit_a, alice, bob):
    with tenant_scope(org_a):
        bob_e, alice_e = bob.employments.get(), alice.employments.get()
    url = reverse("people:employee_edit", kwargs={"org_slug": org_a.slug, "employee_id": bob_e.public_id})
    form = alice_client.get(url).context["form"]
    assert form.initial["is_hr_admin"] is False
    assert bob_e not in form.fields["manager"].queryset  # nobody manages themself
    response = alice_client.post(
        url,
        {
            "staff_number": bob_e.staff_number,
            "first_name": "Bobby",
            "last_name": bob_e.last_name,
            "email": bob_e.email,
            "unit": unit_a.public_id,
            "manager": alice_e.public_id,
        },
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        bob_e.refresh_from_db()
    assert bob_e.first_name == "Bobby"


def test_a_loop_through_the_form_is_a_field_error(alice_client, org_a, unit_a, alice, bob):
    with tenant_scope(org_a):
        alice_e, bob_e = alice.employments.get(), bob.employments.get()
    url = reverse("people:employee_edit", kwargs={"org_slug": org_a.slug, "employee_id": alice_e.public_id})
    response = alice_client.post(
        url,
        {
            "staff_number": alice_e.staff_number,
            "first_name": "Alice",
            "last_name": "Example",
            "email": alice_e.email,
            "unit": unit_a.public_id,
            "manager": bob_e.public_id,
            "is_hr_admin": "on",
        },
    )
    assert response.status_code == 200
    assert "loop" in str(response.context["form"].errors["manager"])
