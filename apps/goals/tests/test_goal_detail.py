import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from apps.goals.models import GoalLevel, GoalStatus
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

from .targets_support import cascade, current_period, employee_of, work_target


@pytest.fixture
def period(org_a):
    return current_period(org_a)


@pytest.fixture
def goals(org_a, unit_a, period):
    return cascade(org_a, unit_a, period)


def _url(org, goal):
    return org_reverse("goals:goal_detail", org, goal_id=goal.public_id)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_shows_the_goal_its_path_indicators_children_and_history(alice_client, bob, org_a, period, goals):
    strategic, unit_goal = goals
    target = work_target(employee_of(bob), unit_goal, period, title="Clear the queue", measure="Queue empty at 5pm")
    with scopes_disabled():
        factories.KeyIndicatorFactory(
            organization=org_a, goal=target, name="Open tickets at close", actual=Decimal("40")
        )
        factories.CheckInFactory(
            organization=org_a,
            goal=target,
            author=bob,
            percentage=None,
            comment="Half way there",
            confidence=4,
            progress_after=Decimal("25"),
        )
        factories.CheckInFactory(
            organization=org_a, goal=target, author=bob, comment="Better", progress_after=Decimal("40")
        )
    response = alice_client.get(_url(org_a, target))
    assert response.status_code == 200
    html = _text(response)
    assert "<h1>Clear the queue</h1>" in html
    assert "Work target" in html and period.name in html and "Queue empty at 5pm" in html
    # The breadcrumb runs from the strategy down.
    crumbs = html[html.index('class="breadcrumbs"') : html.index("</nav>", html.index('class="breadcrumbs"'))]
    assert crumbs.index(strategic.title) < crumbs.index(unit_goal.title) < crumbs.index("Clear the queue")
    assert "Open tickets at close" in html
    # The chart: an SVG with its title and description, and its figures as a table.
    assert '<svg viewBox="0 0 640 200" role="img"' in html
    assert "<title id=" in html and "<desc id=" in html
    assert "2 check-ins from" in html and "Progress went from 25% to 40%." in html
    assert "The chart&#x27;s figures as a table" in html or "The chart's figures as a table" in html
    # The list of check-ins, newest first, with author, comment and confidence.
    assert html.index("Better") < html.index("Half way there")
    assert "Bob Example" in html and "4/5" in html


def test_a_goal_lists_its_children_with_their_progress(bob_client, org_a, unit_a, period, goals):
    strategic, unit_goal = goals
    with scopes_disabled():
        unit_goal.progress = Decimal("35")
        unit_goal.save()
    html = _text(bob_client.get(_url(org_a, strategic)))
    assert "Aligned to it" in html
    assert unit_goal.title in html
    assert 'aria-valuenow="35"' in html


def test_other_peoples_targets_are_hidden_from_a_peer(org_a, unit_a, bob, period, goals):
    peer = factories.member(org_a, unit_a, email="peer@alpha.test", first_name="Peer")
    target = work_target(employee_of(bob), goals[1], period, title="Bobs private target")
    client = Client()
    client.force_login(peer)
    assert client.get(_url(org_a, target)).status_code == 404
    # Nor does the unit goal list it among its children.
    assert "Bobs private target" not in client.get(_url(org_a, goals[1])).content.decode()


def test_the_person_and_their_manager_see_the_target(alice_client, bob_client, bob, org_a, period, goals):
    target = work_target(employee_of(bob), goals[1], period)
    assert bob_client.get(_url(org_a, target)).status_code == 200
    assert alice_client.get(_url(org_a, target)).status_code == 200


def test_the_owner_gets_the_check_in_form_and_a_reader_does_not(bob_client, org_a, unit_a, bob, period, goals):
    target = work_target(employee_of(bob), goals[1], period)
    html = bob_client.get(_url(org_a, target)).content.decode()
    assert 'id="check-in"' in html
    assert org_reverse("goals:goal_checkin", org_a, goal_id=target.public_id) in html
    # Bob only reads the strategic goal: no check-in, edit or status change there.
    html = bob_client.get(_url(org_a, goals[0])).content.decode()
    assert 'id="check-in"' not in html
    assert org_reverse("goals:goal_edit", org_a, goal_id=goals[0].public_id) not in html
    assert org_reverse("goals:goal_status", org_a, goal_id=goals[0].public_id) not in html


def test_hr_gets_the_actions_on_an_organisation_goal(alice_client, org_a, goals):
    html = alice_client.get(_url(org_a, goals[0])).content.decode()
    for name in ("goals:goal_edit", "goals:goal_status", "goals:indicator_create"):
        assert org_reverse(name, org_a, goal_id=goals[0].public_id) in html
    assert 'id="check-in"' in html


def test_the_manager_may_agree_a_draft_from_its_page(alice_client, bob, org_a, period, goals):
    draft = work_target(employee_of(bob), goals[1], period, status=GoalStatus.DRAFT)
    html = alice_client.get(_url(org_a, draft)).content.decode()
    assert org_reverse("goals:goal_agree", org_a, goal_id=draft.public_id) in html


def test_a_position_target_offers_to_propose_it_to_holders(alice_client, org_a, unit_a, period, goals):
    with scopes_disabled():
        position = factories.PositionFactory(organization=org_a, unit=unit_a)
        target = factories.GoalFactory(
            organization=org_a, period=period, level=GoalLevel.POSITION, position=position, unit=unit_a, parent=goals[1]
        )
    html = alice_client.get(_url(org_a, target)).content.decode()
    assert org_reverse("goals:goal_propose", org_a, goal_id=target.public_id) in html


def test_without_check_ins_the_chart_says_so(bob_client, org_a, goals):
    html = bob_client.get(_url(org_a, goals[0])).content.decode()
    assert "No check-ins yet" in html
    assert "<svg viewBox" not in html


def _grow(org_a, unit_a, period, goal, author, numbers):
    with scopes_disabled():
        for n in numbers:
            child = factories.GoalFactory(
                organization=org_a,
                period=period,
                level=GoalLevel.UNIT,
                unit=unit_a,
                parent=goal,
                title=f"Child {n}",
                owner=author.employments.get(),
            )
            factories.KeyIndicatorFactory(organization=org_a, goal=goal, name=f"Indicator {n}")
            factories.CheckInFactory(organization=org_a, goal=goal, author=author, comment=f"Check-in {n}")
            factories.CheckInFactory(organization=org_a, goal=child, author=author)


def _queries(client, url) -> int:
    client.get(url)  # the first request after sign-in also rewrites the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["alice", "bob"])
def test_the_page_runs_a_fixed_number_of_queries(request, viewer, org_a, unit_a, period, goals, alice):
    user = request.getfixturevalue(viewer)
    client = Client()
    client.force_login(user)
    strategic = goals[0]
    _grow(org_a, unit_a, period, strategic, alice, range(2))
    few = _queries(client, _url(org_a, strategic))
    _grow(org_a, unit_a, period, strategic, alice, range(2, 10))
    many = _queries(client, _url(org_a, strategic))
    assert "Child 9" in client.get(_url(org_a, strategic)).content.decode()
    assert many == few
