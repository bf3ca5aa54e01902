from django.urls import reverse

from apps.people.models import Employee
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def _detail(client, org, employee):
    url = reverse("people:employee_detail", kwargs={"org_slug": org.slug, "employee_id": employee.public_id})
    return client.get(url)


def test_it_shows_the_default_officers_and_the_team(alice_client, org_a, unit_a, alice, bob):
    with tenant_scope(org_a):
        alice_e = alice.employments.get()
        boss = factories.EmployeeFactory(organization=org_a, unit=unit_a, first_name="Bea", last_name="Boss")
        Employee.objects.filter(pk=alice_e.pk).update(manager=boss)
    html = _detail(alice_client, org_a, _bob(org_a, bob)).content.decode()
    assert "Default: the manager" in html
    assert "Bea Boss" in html  # countersigning officer by default: the manager's manager
    team = _detail(alice_client, org_a, _alice(org_a, alice)).content.decode()
    assert "Direct reports (1)" in team and "Bob Example" in team


def test_it_marks_overridden_officers(alice_client, org_a, unit_a, bob):
    with tenant_scope(org_a):
        reviewer = factories.EmployeeFactory(organization=org_a, unit=unit_a, first_name="Rita", last_name="Review")
        Employee.objects.filter(user=bob).update(appraising_officer_override=reviewer)
    html = _detail(alice_client, org_a, _bob(org_a, bob)).content.decode()
    assert "Overridden" in html and "Rita Review" in html


def test_it_shows_the_latest_ten_audit_events_about_the_person(alice_client, org_a, alice, bob):
    with tenant_scope(org_a):
        bob_e = _bob(org_a, bob)
        for n in range(12):
            factories.AuditEventFactory(
                organization=org_a,
                actor=alice,
                action="employee.updated",
                object_id=bob_e.public_id,
                summary=f"Change number {n}",
            )
        factories.AuditEventFactory(organization=org_a, action="employee.updated", summary="About someone else")
        assert AuditEvent.objects.count() == 13
    response = _detail(alice_client, org_a, bob_e)
    assert len(response.context["events"]) == 10
    assert "About someone else" not in response.content.decode()


def _bob(org, bob):
    with tenant_scope(org):
        return bob.employments.get()


def _alice(org, alice):
    with tenant_scope(org):
        return alice.employments.get()
