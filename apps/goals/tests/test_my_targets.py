import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from apps.goals.models import GoalLevel, GoalStatus
from apps.tenancy.models import Membership
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

from .targets_support import cascade, current_period, employee_of, work_target


@pytest.fixture
def period(org_a):
    return current_period(org_a)


@pytest.fixture
def goals(org_a, unit_a, period):
    return cascade(org_a, unit_a, period)


def _url(org, **query):
    url = org_reverse("goals:my_targets", org)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_shows_my_targets_with_the_path_up_to_the_strategy(bob_client, bob, org_a, period, goals):
    strategic, unit_goal = goals
    work_target(employee_of(bob), unit_goal, period, title="Clear the queue", weight=Decimal("60"))
    response = bob_client.get(_url(org_a))
    assert response.status_code == 200
    html = _text(response)
    assert "Clear the queue" in html
    assert "Why this target exists" in html
    # Strategic first, then the unit goal, then the target itself.
    assert html.index(strategic.title) < html.index(unit_goal.title) < html.index("This target</span> Clear the queue")
    assert "Weight <strong>60%</strong>" in html
    assert 'hx-post="' + org_reverse("goals:goal_checkin", org_a, goal_id=_target_id(bob, org_a)) in html


def _target_id(user, org):
    with scopes_disabled():
        return employee_of(user).work_targets.get().public_id


def test_a_draft_reads_waiting_for_agreement_and_takes_no_check_in_yet(bob_client, bob, org_a, period, goals):
    work_target(employee_of(bob), goals[1], period, title="Proposed target", status=GoalStatus.DRAFT)
    html = _text(bob_client.get(_url(org_a)))
    assert "Waiting for agreement" in html
    assert "waiting for Alice Example to agree it" in html
    assert "Save check-in" not in html


def test_it_shows_only_my_own_targets(bob_client, bob, alice, org_a, period, goals):
    work_target(employee_of(alice), goals[1], period, title="Target of Alice")
    work_target(employee_of(bob), goals[1], period, title="Target of Bob")
    html = _text(bob_client.get(_url(org_a)))
    assert "Target of Bob" in html
    assert "Target of Alice" not in html


def test_it_shows_the_open_period_covering_today_unless_another_is_chosen(bob_client, bob, org_a, period, goals):
    with scopes_disabled():
        earlier = factories.GoalPeriodFactory(
            organization=org_a,
            name="Last year",
            starts_on=period.starts_on - datetime.timedelta(days=400),
            ends_on=period.starts_on - datetime.timedelta(days=1),
        )
        old_goal = factories.GoalFactory(organization=org_a, period=earlier, title="Old strategy")
    work_target(employee_of(bob), goals[1], period, title="Target this year")
    work_target(employee_of(bob), old_goal, earlier, title="Target last year")

    html = _text(bob_client.get(_url(org_a)))
    assert "Target this year" in html and "Target last year" not in html

    html = _text(bob_client.get(_url(org_a, period=earlier.public_id)))
    assert "Target last year" in html and "Target this year" not in html

    # Nonsense in the query string falls back to the default period rather than failing.
    assert bob_client.get(_url(org_a, period="not-a-uuid")).status_code == 200


def test_without_an_employee_record_it_says_so(org_a, client):
    with scopes_disabled():
        user = factories.UserFactory(email="visitor@alpha.test")
        Membership.objects.create(organization=org_a, user=user)
    client.force_login(user)
    response = client.get(_url(org_a))
    assert response.status_code == 200
    assert "No employee record" in response.content.decode()


def test_without_a_period_it_says_so(bob_client, org_a):
    html = _text(bob_client.get(_url(org_a)))
    assert "No goal periods yet" in html


def test_without_targets_it_invites_a_proposal(bob_client, bob, org_a, period):
    html = _text(bob_client.get(_url(org_a)))
    assert f"No targets for {period.name} yet" in html
    create = org_reverse("goals:goal_create", org_a)
    assert f'href="{create}?level=individual&amp;employee={employee_of(bob).public_id}' in html


def test_the_weights_total_shows_whether_it_makes_100(bob_client, bob, org_a, period, goals):
    bob_employee = employee_of(bob)
    work_target(bob_employee, goals[1], period, title="First", weight=Decimal("60"))
    second = work_target(bob_employee, goals[1], period, title="Second", weight=Decimal("30"))
    html = _text(bob_client.get(_url(org_a)))
    assert "10% to place" in html
    with scopes_disabled():
        second.weight = Decimal("40")
        second.save()
    html = _text(bob_client.get(_url(org_a)))
    assert "The weights make 100%" in html


def test_it_suggests_the_targets_of_my_position(bob_client, bob, org_a, unit_a, period, goals):
    bob_employee = employee_of(bob)
    with scopes_disabled():
        position = factories.PositionFactory(organization=org_a, unit=unit_a, title="Support agent")
        bob_employee.position = position
        bob_employee.save()
        common = {
            "organization": org_a,
            "period": period,
            "level": GoalLevel.POSITION,
            "position": position,
            "unit": unit_a,
            "parent": goals[1],
        }
        taken = factories.GoalFactory(title="Answer within four hours", **common)
        open_one = factories.GoalFactory(title="Keep the knowledge base current", **common)
    work_target(bob_employee, taken, period, title="Answer within four hours", source=taken, status=GoalStatus.DRAFT)
    html = _text(bob_client.get(_url(org_a)))
    assert "From your position" in html
    assert "On your list" in html
    assert f"parent={open_one.public_id}" in html
    assert f"parent={taken.public_id}" not in html


def test_the_summary_alone_comes_back_for_htmx(bob_client, bob, org_a, period, goals):
    work_target(employee_of(bob), goals[1], period)
    response = bob_client.get(_url(org_a), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="targets-summary")
    html = response.content.decode()
    assert html.strip().startswith('<section id="targets-summary"')
    assert "<html" not in html


def _make_targets(bob, org_a, unit_a, period, numbers):
    """Targets numbered `numbers` under different unit goals, each with an indicator and check-ins."""
    bob_employee = employee_of(bob)
    with scopes_disabled():
        strategic = factories.GoalFactory(organization=org_a, period=period, title="Grow")
        for n in numbers:
            unit_goal = factories.GoalFactory(
                organization=org_a, period=period, level=GoalLevel.UNIT, unit=unit_a, parent=strategic, title=f"U{n}"
            )
            target = work_target(
                bob_employee,
                unit_goal,
                period,
                title=f"Target {n}",
                status=GoalStatus.DRAFT if n % 3 == 0 else GoalStatus.ACTIVE,
            )
            factories.KeyIndicatorFactory(organization=org_a, goal=target)
            factories.CheckInFactory(organization=org_a, goal=target, author=bob)
            factories.CheckInFactory(organization=org_a, goal=target, author=bob)


def _count_queries(client, url) -> int:
    client.get(url)  # the first request after sign-in also rewrites the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_runs_a_fixed_number_of_queries(bob_client, bob, org_a, unit_a, period):
    with scopes_disabled():
        # With a post, so the position suggestions are part of what is counted.
        position = factories.PositionFactory(organization=org_a, unit=unit_a)
        bob_employee = employee_of(bob)
        bob_employee.position = position
        bob_employee.save()
        factories.GoalFactory(
            organization=org_a,
            period=period,
            level=GoalLevel.POSITION,
            position=position,
            unit=unit_a,
            title="Post target",
        )
    _make_targets(bob, org_a, unit_a, period, range(2))
    with_two = _count_queries(bob_client, _url(org_a))
    _make_targets(bob, org_a, unit_a, period, range(2, 12))
    with_twelve = _count_queries(bob_client, _url(org_a))
    assert "Target 11" in bob_client.get(_url(org_a)).content.decode()
    assert with_twelve == with_two


def test_a_manager_sees_the_team_with_the_targets_waiting_for_agreement(alice_client, bob, org_a, period, goals):
    work_target(employee_of(bob), goals[1], period, title="Proposal", status=GoalStatus.DRAFT)
    work_target(employee_of(bob), goals[1], period, title="Agreed")
    html = _text(alice_client.get(_url(org_a)))
    assert "Your team" in html
    people = org_reverse("goals:employee_targets", org_a, employee_id=employee_of(bob).public_id)
    assert f'href="{people}?period={period.public_id}">Bob Example</a>' in html
    assert "1 to agree" in html and "2 targets" in html


def test_the_team_panel_runs_a_fixed_number_of_queries(alice_client, alice, org_a, unit_a, period, goals):
    def hire(numbers):
        for n in numbers:
            person = factories.member(
                org_a, unit_a, email=f"report{n}@alpha.test", first_name=f"Report{n}", manager=employee_of(alice)
            )
            work_target(employee_of(person), goals[1], period, status=GoalStatus.DRAFT)

    hire(range(1))
    few = _count_queries(alice_client, _url(org_a))
    hire(range(1, 8))
    assert _count_queries(alice_client, _url(org_a)) == few
