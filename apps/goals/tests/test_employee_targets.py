"""One person's targets, for their managers up the line and for HR; nobody else."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from apps.goals.models import GoalStatus
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

from .targets_support import cascade, current_period, employee_of, work_target


@pytest.fixture
def period(org_a):
    return current_period(org_a)


@pytest.fixture
def goals(org_a, unit_a, period):
    return cascade(org_a, unit_a, period)


@pytest.fixture
def line(org_a, unit_a, alice):
    """Carol (a plain member) manages Dave, who manages Erin; Frank is Carol's peer."""
    carol = factories.member(org_a, unit_a, email="carol@alpha.test", first_name="Carol")
    dave = factories.member(org_a, unit_a, email="dave@alpha.test", first_name="Dave", manager=employee_of(carol))
    erin = factories.member(org_a, unit_a, email="erin@alpha.test", first_name="Erin", manager=employee_of(dave))
    frank = factories.member(org_a, unit_a, email="frank@alpha.test", first_name="Frank")
    return {"carol": carol, "dave": dave, "erin": erin, "frank": frank}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(org, user):
    return org_reverse("goals:employee_targets", org, employee_id=employee_of(user).public_id)


def test_the_manager_sees_the_targets_and_may_agree_the_drafts(org_a, line, period, goals):
    erin = employee_of(line["erin"])
    draft = work_target(erin, goals[1], period, title="Proposed by Erin", status=GoalStatus.DRAFT)
    work_target(erin, goals[1], period, title="Agreed with Erin")
    response = _client(line["dave"]).get(_url(org_a, line["erin"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Targets of Erin Example" in html
    assert "Proposed by Erin" in html and "Agreed with Erin" in html
    assert org_reverse("goals:goal_agree", org_a, goal_id=draft.public_id) in html


def test_a_manager_further_up_the_line_sees_them_too(org_a, line, period, goals):
    work_target(employee_of(line["erin"]), goals[1], period, title="Erins target")
    response = _client(line["carol"]).get(_url(org_a, line["erin"]))
    assert response.status_code == 200
    assert "Erins target" in response.content.decode()


def test_hr_sees_anybodys_targets(alice_client, org_a, line, period, goals):
    draft = work_target(employee_of(line["erin"]), goals[1], period, title="Erin proposes", status=GoalStatus.DRAFT)
    response = alice_client.get(_url(org_a, line["erin"]))
    assert response.status_code == 200
    assert org_reverse("goals:goal_agree", org_a, goal_id=draft.public_id) in response.content.decode()


@pytest.mark.parametrize("who", ["frank", "erin"])
def test_peers_and_reports_get_a_404(org_a, line, who):
    """A peer, or someone below in the line, learns nothing, not even that the page exists."""
    assert _client(line[who]).get(_url(org_a, line["dave"])).status_code == 404


def test_my_own_page_is_my_targets(org_a, line):
    response = _client(line["dave"]).get(_url(org_a, line["dave"]))
    assert response.status_code == 302
    assert response["Location"] == org_reverse("goals:my_targets", org_a)


def test_the_person_sees_no_agree_button_on_their_own_draft(org_a, line, period, goals):
    draft = work_target(employee_of(line["erin"]), goals[1], period, status=GoalStatus.DRAFT)
    html = _client(line["erin"]).get(org_reverse("goals:my_targets", org_a)).content.decode()
    assert org_reverse("goals:goal_agree", org_a, goal_id=draft.public_id) not in html


def test_an_unknown_person_is_a_404(alice_client, org_a, org_b, unit_b):
    with scopes_disabled():
        stranger = factories.EmployeeFactory(organization=org_b, unit=unit_b)
    url = org_reverse("goals:employee_targets", org_a, employee_id=stranger.public_id)
    assert alice_client.get(url).status_code == 404
