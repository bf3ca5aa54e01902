import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.goals.models import GoalLevel
from apps.goals.templatetags.goal_tags import pct
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads

from .cascade_support import build, url


@pytest.fixture
def cascade(org_a, unit_a, alice, bob):
    return build(org_a, unit_a, alice, bob)


def _page(client, org, **params):
    return client.get(url("goals:cascade", org), params)


def _children(client, org, goal, **headers):
    return client.get(url("goals:cascade_children", org, goal_id=goal.public_id), **headers)


def test_a_member_sees_the_strategy_and_the_level_below_it(bob_client, org_a, cascade):
    response = _page(bob_client, org_a)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["period"] == cascade["period"]
    assert "Grow revenue" in html and "Delight customers" in html
    assert "Enter two new markets" in html and "HQ: double repeat sales" in html  # the first level is open
    assert "Sales: win 40 accounts" not in html  # deeper levels load on demand
    assert "Old strategy" not in html  # another period
    assert "Strategic goal" in html and "Owner: Alice Example" in html


def test_each_node_has_an_accessible_progress_bar_and_a_visible_percentage(bob_client, org_a, cascade):
    html = _page(bob_client, org_a).content.decode()
    assert re.search(r'role="progressbar"[^>]*aria-valuenow="42.5"', html)
    assert 'aria-valuemin="0"' in html and 'aria-valuemax="100"' in html
    assert "42.5%" in html
    assert "Weight 40%" in html  # the unit goal's share of the strategic goal


def test_the_sub_goal_toggle_loads_children_with_htmx_and_links_without_it(bob_client, org_a, cascade):
    u1_children = url("goals:cascade_children", org_a, goal_id=cascade["u1"].public_id)
    html = _page(bob_client, org_a).content.decode()
    assert f'hx-get="{u1_children}"' in html
    assert f'hx-target="#children-{cascade["u1"].public_id}"' in html and 'hx-swap="innerHTML"' in html
    assert f'href="{u1_children}"' in html  # the no-JavaScript way in
    assert "2 sub-goals" in html  # U2 and P1

    fragment = _children(bob_client, org_a, cascade["u1"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert "Sales: win 40 accounts" in fragment and "Account officers: 10 visits a month" in fragment

    page = _children(bob_client, org_a, cascade["u1"])
    assert b"<html" in page.content and b"Sales: win 40 accounts" in page.content
    assert [goal.title for goal in page.context["ancestors"]] == ["Grow revenue"]


def test_work_targets_count_and_show_only_where_the_actor_may_see_them(bob_client, alice_client, org_a, cascade):
    as_bob = _children(bob_client, org_a, cascade["p1"], HTTP_HX_REQUEST="true").content.decode()
    assert "Visit my 12 key accounts" in as_bob and "Erin&#x27;s visits" not in as_bob
    as_alice = _children(alice_client, org_a, cascade["p1"], HTTP_HX_REQUEST="true").content.decode()
    assert "Visit my 12 key accounts" in as_alice and "Erin&#x27;s visits" in as_alice

    with tenant_scope(org_a):
        bob_sees = {g.title: g.child_count for g in _children(bob_client, org_a, cascade["u1"]).context["nodes"]}
    assert bob_sees["Account officers: 10 visits a month"] == 1
    alice_sees = {g.title: g.child_count for g in _children(alice_client, org_a, cascade["u1"]).context["nodes"]}
    assert alice_sees["Account officers: 10 visits a month"] == 2


def test_someone_elses_work_target_is_not_found(bob_client, org_a, cascade):
    assert _children(bob_client, org_a, cascade["t_erin"]).status_code == 404
    assert _children(bob_client, org_a, cascade["t_bob"]).status_code == 200


def test_another_tenant_cannot_open_a_node(charlie_client, org_b, cascade):
    assert _children(charlie_client, org_b, cascade["s1"]).status_code == 404


def test_the_period_comes_from_the_query_and_falls_back_to_the_current_one(bob_client, org_a, cascade):
    old = _page(bob_client, org_a, period=cascade["old"].public_id)
    assert b"Old strategy" in old.content and b"Grow revenue" not in old.content
    assert b"is closed" in old.content
    stale = _page(bob_client, org_a, period="not-a-period")
    assert stale.context["period"] == cascade["period"]


def test_hr_gets_links_to_add_under_each_goal(alice_client, bob_client, org_a, cascade):
    create = url("goals:goal_create", org_a)
    html = _page(alice_client, org_a).content.decode()
    assert f"{create}?level=corporate&amp;parent={cascade['s1'].public_id}" in html
    assert f"{create}?level=unit&amp;parent={cascade['s1'].public_id}" in html
    assert f"{create}?level=strategic&amp;period={cascade['period'].public_id}" in html
    bob_html = _page(bob_client, org_a).content.decode()
    assert "level=corporate" not in bob_html and "level=strategic" not in bob_html


def test_a_unit_head_may_add_a_sub_unit_goal_and_a_member_a_work_target(bob_client, org_a, cascade):
    html = _children(bob_client, org_a, cascade["u1"]).content.decode()
    assert f"level=individual&amp;parent={cascade['p1'].public_id}" in html  # Bob holds the post
    assert "level=unit" not in html and "level=position" not in html


def test_empty_states(bob_client, alice_client, org_a, org_b, charlie_client, unit_a):
    assert b"No goal period yet" in _page(bob_client, org_a).content
    factories.GoalPeriodFactory(organization=org_a, name="Empty year")
    assert b"No strategic goals for Empty year yet" in _page(alice_client, org_a).content


def test_a_leaf_says_it_has_no_sub_goals(bob_client, org_a, cascade):
    html = _children(bob_client, org_a, cascade["s2"]).content.decode()
    assert "No sub-goals" in html


def _queries(client, path):
    forget_cached_reads()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["bob", "alice", "olly"])
def test_the_cascade_costs_the_same_queries_however_many_goals(who, org_a, cascade):
    client = Client()
    client.force_login({"bob": cascade["bob_e"].user, "alice": cascade["s1"].owner.user, "olly": cascade["olly"]}[who])
    top = url("goals:cascade", org_a)
    node = url("goals:cascade_children", org_a, goal_id=cascade["u1"].public_id)
    client.get(top)  # the first request of a session also saves the session
    before = (_queries(client, top), _queries(client, node))
    with tenant_scope(org_a):
        for n in range(12):
            strategic = factories.GoalFactory(organization=org_a, period=cascade["period"], title=f"More {n}")
            for _ in range(3):
                factories.GoalFactory(
                    organization=org_a,
                    period=cascade["period"],
                    parent=strategic,
                    level=GoalLevel.CORPORATE,
                    owner=factories.EmployeeFactory(organization=org_a, unit=cascade["sales"]),
                )
            factories.GoalFactory(
                organization=org_a,
                period=cascade["period"],
                parent=cascade["u1"],
                level=GoalLevel.UNIT,
                unit=cascade["sales"],
            )
    assert (_queries(client, top), _queries(client, node)) == before


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("48.16", "48.2%"), ("49.80", "49.8%"), ("100.00", "100%"), ("0.04", "0%"), ("66.65", "66.7%"), (None, "—")],
)
def test_percentages_read_to_one_decimal_at_most(stored, shown):
    assert pct(None if stored is None else Decimal(stored)) == shown
