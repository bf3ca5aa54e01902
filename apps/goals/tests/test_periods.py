import pytest

from apps.goals.models import GoalPeriod
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .cascade_support import url


@pytest.fixture
def period(org_a):
    return factories.GoalPeriodFactory(organization=org_a, name="2026")


def _names(org):
    with tenant_scope(org):
        return sorted(GoalPeriod.objects.values_list("name", flat=True))


def test_hr_sees_the_periods_with_their_goal_counts(alice_client, org_a, period):
    with tenant_scope(org_a):
        factories.GoalFactory(organization=org_a, period=period)
    response = alice_client.get(url("goals:period_list", org_a))
    assert response.status_code == 200
    assert [(p.name, p.goal_count, p.target_count) for p in response.context["periods"]] == [("2026", 1, 0)]
    assert b"Add a period" in response.content


def test_an_empty_list_says_so(alice_client, org_a, alice):
    assert b"No periods yet" in alice_client.get(url("goals:period_list", org_a)).content


def test_hr_adds_a_period(alice_client, org_a, alice):
    response = alice_client.post(
        url("goals:period_list", org_a), {"name": " 2027 ", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    )
    assert response["Location"] == url("goals:period_list", org_a)
    assert _names(org_a) == ["2027"]
    with tenant_scope(org_a):
        assert AuditEvent.objects.filter(action="goal_period.created").count() == 1


def test_a_duplicate_name_is_refused_at_the_name(alice_client, org_a, period):
    response = alice_client.post(
        url("goals:period_list", org_a), {"name": "2026", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    )
    assert response.context["form"].errors["name"] == ["A period with this name already exists."]
    assert _names(org_a) == ["2026"]


def test_an_end_before_the_start_is_refused_at_the_end(alice_client, org_a, alice):
    response = alice_client.post(
        url("goals:period_list", org_a), {"name": "Backwards", "starts_on": "2027-12-31", "ends_on": "2027-01-01"}
    )
    assert "ends_on" in response.context["form"].errors
    assert _names(org_a) == []


def test_members_may_not_manage_periods(bob_client, org_a, period):
    assert bob_client.get(url("goals:period_list", org_a)).status_code == 403
    response = bob_client.post(
        url("goals:period_list", org_a), {"name": "x", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    )
    assert response.status_code == 403
    close = url("goals:period_close", org_a, goalperiod_id=period.public_id)
    assert bob_client.post(close).status_code == 403
    assert _names(org_a) == ["2026"]


def _closed(org, period):
    with tenant_scope(org):
        return GoalPeriod.objects.get(pk=period.pk).is_closed


def test_hr_closes_and_reopens_a_period(alice_client, org_a, period):
    close = url("goals:period_close", org_a, goalperiod_id=period.public_id)
    assert alice_client.post(close, {"closed": "1"})["Location"] == url("goals:period_list", org_a)
    assert _closed(org_a, period)
    alice_client.post(close, {"closed": "1"})  # a double submit does not flip it back
    assert _closed(org_a, period)
    alice_client.post(close)  # without `closed` the button toggles
    assert not _closed(org_a, period)


def test_closing_is_a_post(alice_client, org_a, period):
    assert alice_client.get(url("goals:period_close", org_a, goalperiod_id=period.public_id)).status_code == 405


def test_another_tenants_period_is_not_found(charlie_client, org_b, period):
    assert charlie_client.post(url("goals:period_close", org_b, goalperiod_id=period.public_id)).status_code == 404
