import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from apps.people.models import Employee
from apps.people.services.employees import employee_deactivate, employee_reactivate
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def hr(org_a, alice):
    return Membership.objects.select_related("organization").get(organization=org_a, user=alice)


def _bob(org, bob):
    with tenant_scope(org):
        return bob.employments.get()


def _url(org, name, employee):
    return reverse(f"people:{name}", kwargs={"org_slug": org.slug, "employee_id": employee.public_id})


def test_deactivation_keeps_the_row_and_blocks_the_membership(org_a, alice, bob, hr):
    with tenant_scope(org_a):
        bob_e = employee_deactivate(actor=alice, membership=hr, employee=bob.employments.get())
        bob_e.refresh_from_db()
        assert not bob_e.is_active and bob_e.deactivated_at is not None
        assert Employee.objects.filter(pk=bob_e.pk).exists()
        assert AuditEvent.objects.filter(action="employee.deactivated", object_id=bob_e.public_id).exists()
    assert not Membership.objects.get(organization=org_a, user=bob).is_active


def test_a_deactivated_person_can_no_longer_open_the_organisation(alice_client, bob_client, org_a, bob):
    assert bob_client.get(reverse("people:org_chart", kwargs={"org_slug": org_a.slug})).status_code == 200
    alice_client.post(_url(org_a, "employee_deactivate", _bob(org_a, bob)))
    assert bob_client.get(reverse("people:org_chart", kwargs={"org_slug": org_a.slug})).status_code == 404


def test_an_hr_admin_cannot_deactivate_themself(org_a, alice, hr):
    with tenant_scope(org_a):
        with pytest.raises(ValidationError):
            employee_deactivate(actor=alice, membership=hr, employee=alice.employments.get())
        assert alice.employments.get().is_active


def test_the_confirmation_page_warns_about_the_direct_reports(alice_client, org_a, unit_a, alice, bob):
    with tenant_scope(org_a):
        alice_e = alice.employments.get()
        unit_a.head = alice_e
        unit_a.save()
        other_hr = factories.member(org_a, unit_a, role="hr_admin", email="olga@alpha.test", first_name="Olga")
    client = Client()
    client.force_login(other_hr)
    response = client.get(_url(org_a, "employee_deactivate", alice_e))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 person reports to Alice" in html and "Bob Example" in html
    assert "Alpha HQ" in html  # the unit she heads needs a new head
    with tenant_scope(org_a):
        assert Employee.objects.get(pk=alice_e.pk).is_active  # GET changes nothing


def test_deactivating_yourself_through_the_page_shows_an_error(alice_client, org_a, alice):
    with tenant_scope(org_a):
        alice_e = alice.employments.get()
    response = alice_client.post(_url(org_a, "employee_deactivate", alice_e))
    assert response.status_code == 200
    assert "You cannot deactivate yourself" in response.content.decode()
    with tenant_scope(org_a):
        assert Employee.objects.get(pk=alice_e.pk).is_active


def test_reactivation_restores_access(alice_client, bob_client, org_a, alice, bob, hr):
    with tenant_scope(org_a):
        employee_deactivate(actor=alice, membership=hr, employee=bob.employments.get())
    response = alice_client.post(_url(org_a, "employee_reactivate", _bob(org_a, bob)), follow=True)
    assert "is active again" in response.content.decode()
    assert Membership.objects.get(organization=org_a, user=bob).is_active
    with tenant_scope(org_a):
        assert bob.employments.get().deactivated_at is None
    assert bob_client.get(reverse("people:org_chart", kwargs={"org_slug": org_a.slug})).status_code == 200


def test_reactivate_via_the_service_is_audited(org_a, alice, bob, hr):
    with tenant_scope(org_a):
        bob_e = employee_deactivate(actor=alice, membership=hr, employee=bob.employments.get())
        employee_reactivate(actor=alice, membership=hr, employee=bob_e)
        assert AuditEvent.objects.filter(action="employee.reactivated", object_id=bob_e.public_id).exists()
