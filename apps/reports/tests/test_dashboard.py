import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads


def _dashboard(org):
    return reverse("dashboard", kwargs={"org_slug": org.slug})


def test_hr_sees_the_organisations_figures(alice_client, bob, org_a):
    page = alice_client.get(_dashboard(org_a))
    assert page.status_code == 200
    assert page.context["figures"]["employees"]["active"] == 2
    assert b"Your organisation" in page.content


def test_a_member_sees_their_own_lines_not_the_figures(bob_client, org_a):
    page = bob_client.get(_dashboard(org_a))
    assert page.context["figures"] is None
    assert b"Your organisation" not in page.content
    assert b"Appraising officer" in page.content and b"Alice Example" in page.content


def test_a_manager_sees_their_team(alice_client, bob, org_a):
    page = alice_client.get(_dashboard(org_a))
    assert [p.first_name for p in page.context["direct_reports"]] == ["Bob"]


def test_the_dashboard_costs_the_same_queries_for_a_bigger_team(alice_client, alice, org_a, unit_a):
    def count():
        forget_cached_reads()
        with CaptureQueriesContext(connection) as queries:
            alice_client.get(_dashboard(org_a))
        return len(queries)

    with tenant_scope(org_a):
        manager = alice.employments.get()
    factories.EmployeeFactory(organization=org_a, unit=unit_a, manager=manager)
    count()  # warm-up: the first request of a session also refreshes the session
    small = count()
    factories.EmployeeFactory.create_batch(15, organization=org_a, unit=unit_a, manager=manager)
    assert count() == small


def test_the_dashboard_shows_the_strategy_and_targets_waiting_for_agreement(alice_client, bob, org_a, alice):
    from decimal import Decimal

    from apps.goals.models import GoalLevel, GoalStatus

    with tenant_scope(org_a):
        period = factories.GoalPeriodFactory(
            organization=org_a,
            name="This year",
            starts_on=datetime.date(2000, 1, 1),
            ends_on=datetime.date(2999, 12, 31),
        )
        strategy = factories.GoalFactory(
            organization=org_a, period=period, title="Delight customers", progress=Decimal("42")
        )
        factories.GoalFactory(
            organization=org_a,
            period=period,
            level=GoalLevel.INDIVIDUAL,
            parent=strategy,
            employee=bob.employments.get(),
            title="Bob's proposal",
            status=GoalStatus.DRAFT,
        )
    page = alice_client.get(_dashboard(org_a))
    summary = page.context["goals"]
    assert [g.title for g in summary["strategy"]] == ["Delight customers"]
    assert summary["waiting_for_me"] == 1
    assert b"Where our strategy stands" in page.content and b"42%" in page.content
