import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.tenancy.models import AuditEvent, Membership, Organization, Role
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def test_the_command_creates_an_organisation_and_its_first_hr_admin(db, client):
    call_command(
        "create_organization",
        name="Initech",
        slug="initech",
        time_zone="Europe/Paris",
        hr_email="Boss@Initech.test",
        hr_password="A-long-enough-password-1",
    )
    organization = Organization.objects.get(slug="initech")
    membership = Membership.objects.get(organization=organization)
    assert membership.role == Role.HR_ADMIN and membership.user.email == "boss@initech.test"
    with tenant_scope(organization):
        assert set(AuditEvent.objects.values_list("action", flat=True)) == {
            "organization.created",
            "membership.granted",
        }
    response = client.post(
        reverse("accounts:login"),
        {"username": "boss@initech.test", "password": "A-long-enough-password-1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/o/initech/"


def test_the_command_refuses_a_taken_address(org_a):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_organization", name="Again", slug=org_a.slug, hr_email="x@x.test")


def test_superusers_see_every_tenant_in_the_admin(client, alice, charlie):
    admin = factories.UserFactory(email="root@platform.test", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:people_employee_changelist"))
    assert page.status_code == 200
    assert b"alice@alpha.test" in page.content and b"charlie@beta.test" in page.content


def test_tenant_users_cannot_use_the_admin(alice_client):
    response = alice_client.get(reverse("admin:people_employee_changelist"))
    assert response.status_code == 302
