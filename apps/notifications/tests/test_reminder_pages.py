"""HR's reminder pages of a cycle: the rule form, the organisation's quiet hours, the log."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.notifications.models import ReminderKind, ReminderLog, ReminderRule
from apps.tenancy.models import Organization
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .reminder_world import world

pytestmark = pytest.mark.django_db

VALID = {
    "active": "on",
    "days_before": "5",
    "overdue_every_days": "2",
    "escalate_after_days": "10",
    "escalation_every_days": "4",
    "escalation_steps": "2",
}


def url(name, org, cycle, **query):
    address = reverse(f"reminders:{name}", kwargs={"org_slug": org.slug, "cycle_id": cycle.public_id})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def cycle(org_a, unit_a):
    with tenant_scope(org_a):
        return factories.CycleFactory(organization=org_a, name="Appraisal 2026")


def test_the_rules_page_shows_the_defaults_then_saves_the_rule(alice_client, org_a, cycle):
    page = alice_client.get(url("rules", org_a, cycle))
    assert page.status_code == 200
    assert b"uses the default rules" in page.content
    assert b'aria-current="page">Reminders<' in page.content  # its tab on the cycle's tabs
    response = alice_client.post(url("rules", org_a, cycle), VALID)
    assert response.status_code == 302
    with tenant_scope(org_a):
        rule = ReminderRule.objects.get(cycle=cycle)
        assert (rule.days_before, rule.overdue_every_days, rule.escalate_after_days) == (5, 2, 10)
        assert (rule.escalation_every_days, rule.escalation_steps, rule.active) == (4, 2, True)
    alice_client.post(url("rules", org_a, cycle), {**VALID, "active": "", "days_before": "1"})
    with tenant_scope(org_a):
        rule.refresh_from_db()
        assert (rule.active, rule.days_before) == (False, 1)
        assert ReminderRule.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"days_before": "999"}, "days_before", b"less than or equal to 365"),
        ({"overdue_every_days": "soon"}, "overdue_every_days", b"Enter a whole number"),
        ({"escalation_steps": "7"}, "escalation_steps", b"Select a valid choice"),
        ({"escalation_every_days": "0"}, "escalation_every_days", b"between escalation steps"),
    ],
)
def test_bad_rules_are_refused_at_their_field(alice_client, org_a, cycle, changes, field, message):
    response = alice_client.post(url("rules", org_a, cycle), {**VALID, **changes})
    assert response.status_code == 200
    assert message in response.content
    assert response.context["form"].errors[field]
    with tenant_scope(org_a):
        assert not ReminderRule.objects.exists()


def test_quiet_hours_are_saved_for_the_organisation(alice_client, org_a, cycle):
    response = alice_client.post(
        url("quiet_hours", org_a, cycle), {"quiet_from": "20:30", "quiet_until": "07:00", "working_days": ["7", "1"]}
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.quiet_from, org_a.quiet_until, org_a.working_days) == (
        datetime.time(20, 30),
        datetime.time(7, 0),
        "17",
    )
    refused = alice_client.post(url("quiet_hours", org_a, cycle), {"quiet_from": "25:00", "quiet_until": "07:00"})
    assert refused.status_code == 200
    assert set(refused.context["quiet_form"].errors) == {"quiet_from", "working_days"}
    assert Organization.objects.get(pk=org_a.pk).working_days == "17"
    assert alice_client.get(url("quiet_hours", org_a, cycle)).status_code == 302


def test_members_may_not_see_or_change_reminders(bob_client, org_a, cycle):
    for name in ("rules", "log"):
        assert bob_client.get(url(name, org_a, cycle)).status_code == 403
    assert bob_client.post(url("rules", org_a, cycle), VALID).status_code == 403
    assert bob_client.post(url("quiet_hours", org_a, cycle), {"working_days": ["1"]}).status_code == 403


def _log_entries(org, unit, w, count):
    with tenant_scope(org):
        for n in range(count):
            appraisal = w.appraisal(org, employee=factories.EmployeeFactory(organization=org, unit=unit))
            factories.ReminderLogFactory(
                organization=org,
                rule=w.rule,
                cycle=w.cycle,
                appraisal=appraisal,
                recipient=w.officer.user,
                kind=ReminderKind.ESCALATION if n % 2 else ReminderKind.BEFORE,
                occasion=1 if n % 2 else 0,
                notification=factories.NotificationFactory(organization=org, recipient=w.officer.user),
            )


def test_the_log_pages_filters_and_keeps_its_query_count(alice_client, org_a, unit_a):
    w = world(org_a, unit_a)
    _log_entries(org_a, unit_a, w, 3)
    alice_client.get(url("log", org_a, w.cycle))  # the session's first request does a little more
    with CaptureQueriesContext(connection) as few:
        page = alice_client.get(url("log", org_a, w.cycle))
    assert page.status_code == 200 and page.content.count(b"<tr>") == 1 + 3
    _log_entries(org_a, unit_a, w, 30)
    with CaptureQueriesContext(connection) as many:
        page = alice_client.get(url("log", org_a, w.cycle))
    assert page.content.count(b"<tr>") == 1 + 33
    assert len(many) == len(few)
    escalations = alice_client.get(url("log", org_a, w.cycle, kind="escalation"))
    with tenant_scope(org_a):
        expected = ReminderLog.objects.filter(kind=ReminderKind.ESCALATION).count()
    assert escalations.content.count(b"<tr>") == 1 + expected
    for query in ({"kind": "nonsense"}, {"page": "9999"}, {"page": "x"}):
        assert alice_client.get(url("log", org_a, w.cycle, **query)).status_code == 200
