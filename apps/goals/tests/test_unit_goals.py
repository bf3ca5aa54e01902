import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.goals.models import GoalLevel
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads

from .cascade_support import build, url


@pytest.fixture
def cascade(org_a, unit_a, alice, bob):
    return build(org_a, unit_a, alice, bob)


def _page(client, org, unit, **params):
    return client.get(url("goals:unit_goals", org, orgunit_id=unit.public_id), params)


def test_a_member_reads_the_units_goals_with_what_they_serve(bob_client, org_a, unit_a, cascade):
    response = _page(bob_client, org_a, unit_a)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Goals of Alpha HQ" in html
    assert "HQ: double repeat sales" in html
    assert "Serves" in html and "Grow revenue" in html and "Strategic goal" in html
    assert "Sales: win 40 accounts" in html and "Account officers: 10 visits a month" in html


def test_indicators_show_baseline_actual_target_direction_due_date_and_progress(bob_client, org_a, unit_a, cascade):
    html = _page(bob_client, org_a, unit_a).content.decode()
    assert "Repeat customers" in html
    assert re.search(r"20 → <strong>25</strong> → 40 %", html)
    assert "Higher is better" in html
    assert cascade["kpi"].due_date.strftime("%Y-%m-%d") in html
    assert re.search(r'aria-label="Progress of Repeat customers"[^>]*aria-valuenow="25"', html)


def test_work_targets_aligned_to_a_unit_goal_show_only_to_those_who_may_see_them(
    bob_client, alice_client, org_a, unit_a, cascade
):
    with tenant_scope(org_a):
        factories.GoalFactory(
            organization=org_a,
            period=cascade["period"],
            parent=cascade["u1"],
            level=GoalLevel.INDIVIDUAL,
            employee=cascade["erin"],
            unit=unit_a,
            title="Erin's own target",
        )
    assert b"Erin&#x27;s own target" not in _page(bob_client, org_a, unit_a).content
    assert b"Erin&#x27;s own target" in _page(alice_client, org_a, unit_a).content


def test_sub_units_are_listed_with_their_goal_counts(bob_client, org_a, unit_a, cascade):
    response = _page(bob_client, org_a, unit_a)
    assert [(unit.name, unit.goal_count) for unit in response.context["unit_page"].sub_units] == [("Sales", 1)]
    sales = _page(bob_client, org_a, cascade["sales"]).content.decode()
    assert "Sales: win 40 accounts" in sales and "Serves" in sales and "HQ: double repeat sales" in sales
    assert [unit.name for unit in _page(bob_client, org_a, cascade["sales"]).context["ancestors"]] == ["Alpha HQ"]


def test_the_head_may_add_a_unit_goal_and_a_member_may_not(alice_client, bob_client, org_a, unit_a, cascade):
    assert b"Add a unit goal" in _page(alice_client, org_a, unit_a).content
    assert b"Add a unit goal" not in _page(bob_client, org_a, unit_a).content


def test_a_unit_without_goals_says_so(bob_client, org_a, unit_a, cascade):
    html = _page(bob_client, org_a, unit_a, period=cascade["old"].public_id).content.decode()
    assert "No goals for Alpha HQ in 2025" in html


def test_another_tenants_unit_is_not_found(charlie_client, org_b, unit_a, cascade):
    assert _page(charlie_client, org_b, unit_a).status_code == 404


def _queries(client, path):
    forget_cached_reads()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_however_many_goals_and_indicators(bob_client, org_a, unit_a, cascade):
    path = url("goals:unit_goals", org_a, orgunit_id=unit_a.public_id)
    bob_client.get(path)  # the first request of a session also saves the session
    before = _queries(bob_client, path)
    with tenant_scope(org_a):
        for n in range(6):
            goal = factories.GoalFactory(
                organization=org_a,
                period=cascade["period"],
                parent=cascade["s1"],
                level=GoalLevel.UNIT,
                unit=unit_a,
                title=f"More {n}",
                owner=factories.EmployeeFactory(organization=org_a, unit=unit_a),
            )
            factories.KeyIndicatorFactory(organization=org_a, goal=goal)
            for _ in range(2):
                child = factories.GoalFactory(
                    organization=org_a,
                    period=cascade["period"],
                    parent=goal,
                    level=GoalLevel.UNIT,
                    unit=cascade["sales"],
                )
                factories.KeyIndicatorFactory(organization=org_a, goal=child)
            factories.OrgUnitFactory(organization=org_a, parent=unit_a)
    assert _queries(bob_client, path) == before
