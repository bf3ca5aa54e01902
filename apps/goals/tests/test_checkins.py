"""The check-in: through the card on My targets (htmx), the goal page and its own page."""

from decimal import Decimal

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from apps.goals.models import CheckIn, Goal, GoalStatus
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

from .targets_support import cascade, current_period, employee_of, work_target

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def period(org_a):
    return current_period(org_a)


@pytest.fixture
def goals(org_a, unit_a, period):
    return cascade(org_a, unit_a, period)


@pytest.fixture
def target(bob, goals, period):
    return work_target(employee_of(bob), goals[1], period, title="Clear the queue", weight=Decimal("100"))


def _url(org, goal):
    return org_reverse("goals:goal_checkin", org, goal_id=goal.public_id)


def _progress(goal) -> Decimal:
    with scopes_disabled():
        return Goal.objects.get(pk=goal.pk).progress


def _checkins(goal) -> int:
    with scopes_disabled():
        return CheckIn.objects.filter(goal=goal).count()


def test_a_percentage_check_in_rolls_up_and_goes_back(bob_client, org_a, target, goals):
    my_targets = org_reverse("goals:my_targets", org_a)
    response = bob_client.post(
        _url(org_a, target), {"percentage": "50", "comment": "Half way", "confidence": "4", "next": my_targets}
    )
    assert response.status_code == 302
    assert response["Location"] == my_targets
    assert _progress(target) == Decimal("50.00")
    assert _progress(goals[1]) == Decimal("50.00")
    assert _progress(goals[0]) == Decimal("50.00")
    with scopes_disabled():
        checkin = CheckIn.objects.get(goal=target)
    assert (checkin.comment, checkin.confidence, checkin.progress_after) == ("Half way", 4, Decimal("50.00"))


def test_with_htmx_the_updated_card_comes_back(bob_client, org_a, target):
    response = bob_client.post(_url(org_a, target), {"percentage": "30", "next": "/o/alpha/goals/mine/"}, **HTMX)
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert html.startswith(f'<article class="panel target-card" id="target-{target.public_id}"')
    assert "Check-in saved: progress is now 30%." in html
    assert 'aria-valuenow="30"' in html
    assert "Why this target exists" in html
    assert "goal-checked-in" in response["HX-Trigger"]


def test_an_indicator_check_in_records_the_new_actual(bob_client, org_a, target):
    with scopes_disabled():
        indicator = factories.KeyIndicatorFactory(
            organization=org_a, goal=target, baseline=Decimal("0"), target=Decimal("200"), name="Tickets closed"
        )
    response = bob_client.post(_url(org_a, target), {"indicator": str(indicator.public_id), "actual": "150"})
    assert response.status_code == 302
    assert response["Location"] == org_reverse("goals:goal_detail", org_a, goal_id=target.public_id)
    assert _progress(target) == Decimal("75.00")
    with scopes_disabled():
        indicator.refresh_from_db()
    assert indicator.actual == Decimal("150.00")


def test_a_percentage_over_100_is_refused_at_the_field(bob_client, org_a, target):
    response = bob_client.post(_url(org_a, target), {"percentage": "150"})
    assert response.status_code == 200
    assert "Progress is a percentage from 0 to 100." in response.content.decode()
    assert 'class="field field--error"' in response.content.decode()
    assert _checkins(target) == 0 and _progress(target) == Decimal("0")


def test_with_htmx_the_card_comes_back_with_the_error(bob_client, org_a, target):
    response = bob_client.post(_url(org_a, target), {"percentage": "150", "comment": "Too keen"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<article")
    assert "Progress is a percentage from 0 to 100." in html
    assert "Too keen" in html  # what was typed stays
    assert "HX-Trigger" not in response
    assert _checkins(target) == 0


def test_an_indicator_without_its_value_is_refused(bob_client, org_a, target):
    with scopes_disabled():
        indicator = factories.KeyIndicatorFactory(organization=org_a, goal=target, name="Tickets closed")
    response = bob_client.post(_url(org_a, target), {"indicator": str(indicator.public_id), "actual": ""})
    assert "Give the current value of “Tickets closed”." in response.content.decode()
    assert _checkins(target) == 0


def test_another_goals_indicator_is_refused(bob_client, org_a, target, goals):
    with scopes_disabled():
        factories.KeyIndicatorFactory(organization=org_a, goal=target)
        elsewhere = factories.KeyIndicatorFactory(organization=org_a, goal=goals[0])
    response = bob_client.post(_url(org_a, target), {"indicator": str(elsewhere.public_id), "actual": "5"})
    assert response.status_code == 200
    assert _checkins(target) == 0


def test_a_closed_goal_takes_no_check_in(bob_client, org_a, target):
    with scopes_disabled():
        Goal.objects.filter(pk=target.pk).update(status=GoalStatus.ACHIEVED)
    response = bob_client.post(_url(org_a, target), {"percentage": "80"})
    assert response.status_code == 200
    assert "This goal is achieved: it takes no more check-ins." in response.content.decode()
    assert _checkins(target) == 0


def test_a_closed_goal_shows_its_error_in_the_card_too(bob_client, org_a, target):
    with scopes_disabled():
        Goal.objects.filter(pk=target.pk).update(status=GoalStatus.MISSED)
    response = bob_client.post(_url(org_a, target), {"percentage": "80"}, **HTMX)
    assert "This goal is missed: it takes no more check-ins." in response.content.decode()
    assert _checkins(target) == 0


def test_nonsense_is_an_error_not_a_crash(bob_client, org_a, target):
    response = bob_client.post(_url(org_a, target), {"percentage": "lots", "confidence": "9"})
    assert response.status_code == 200
    assert _checkins(target) == 0


def test_get_shows_the_form_on_its_own_page(bob_client, org_a, target):
    response = bob_client.get(_url(org_a, target))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check in: Clear the queue" in html
    assert 'name="percentage"' in html and 'name="comment"' in html and 'name="confidence"' in html


def test_a_reader_of_a_unit_goal_may_not_check_in(bob_client, org_a, goals):
    assert bob_client.post(_url(org_a, goals[1]), {"percentage": "10"}).status_code == 403
    assert _checkins(goals[1]) == 0


def test_someone_elses_target_is_a_404(org_a, unit_a, target):
    peer = factories.member(org_a, unit_a, email="peer@alpha.test", first_name="Peer")
    client = Client()
    client.force_login(peer)
    assert client.get(_url(org_a, target)).status_code == 404
    assert client.post(_url(org_a, target), {"percentage": "10"}).status_code == 404
    assert _checkins(target) == 0


def test_the_manager_may_check_in_for_the_person(alice_client, org_a, target):
    assert alice_client.post(_url(org_a, target), {"percentage": "20"}).status_code == 302
    assert _progress(target) == Decimal("20.00")


def test_it_never_redirects_off_site(bob_client, org_a, target):
    response = bob_client.post(_url(org_a, target), {"percentage": "10", "next": "https://evil.example/"})
    assert response["Location"] == org_reverse("goals:goal_detail", org_a, goal_id=target.public_id)


def test_a_goal_with_goals_under_it_takes_a_comment_not_a_percentage(alice_client, org_a, goals):
    strategic = goals[0]
    detail = alice_client.get(org_reverse("goals:goal_detail", org_a, goal_id=strategic.public_id)).content.decode()
    assert 'id="check-in"' in detail and 'name="percentage"' not in detail
    response = alice_client.post(_url(org_a, strategic), {"comment": "On track across units", "confidence": "4"})
    assert response.status_code == 302
    with scopes_disabled():
        checkin = CheckIn.objects.get(goal=strategic)
    assert checkin.percentage is None and checkin.comment == "On track across units"
