"""Who may do what in moderation, as a matrix: the panel's chair and secretary run sessions and
adjust levels, members read them, HR reads them and sets the guideline, nobody else sees one.
Checked on the rules and through every page."""

import pytest

from apps.committees.permissions_moderation import MATRIX, Action, Role, can, panel_roles
from apps.committees.services_moderation import session_open
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse

from .moderation_world import actor, add_appraisal, build_world, client_for

pytestmark = pytest.mark.django_db

PEOPLE = ("alice", "cleo", "sam", "mo", "bob")
EXPECTED = {
    Action.VIEW: {"alice", "cleo", "sam", "mo"},
    Action.RUN: {"cleo", "sam"},
    Action.ADJUST: {"cleo", "sam"},
    Action.GUIDELINE: {"alice"},
}


@pytest.fixture
def world(org_a, unit_a, alice, bob):
    world = build_world(org_a, unit_a, alice, bob)
    world.a = add_appraisal(world, world.sales, "otto", 4, level="4")
    with tenant_scope(world.org):
        world.session = session_open(**actor(world, "cleo"), panel=world.panel, cycle=world.cycle)
    return world


def test_the_rules_matrix():
    assert {
        Action.VIEW: {Role.HR, Role.CHAIR, Role.SECRETARY, Role.MEMBER},
        Action.RUN: {Role.CHAIR, Role.SECRETARY},
        Action.ADJUST: {Role.CHAIR, Role.SECRETARY},
        Action.GUIDELINE: {Role.HR},
    } == MATRIX


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_holds_the_rights_of_their_roles(world, person):
    with tenant_scope(world.org):
        world.panel.refresh_from_db()
        roles = panel_roles(
            world.panel,
            employee=world.employees[person],
            membership=Membership.objects.get(user=world.users[person], organization=world.org),
        )
    for action, allowed in EXPECTED.items():
        assert can(roles, action) == (person in allowed), (person, action)


def _pages(world):
    session_id = world.session.public_id
    return {
        Action.VIEW: org_reverse("moderation:session_detail", world.org, moderationsession_id=session_id),
        Action.RUN: org_reverse("moderation:session_close", world.org, moderationsession_id=session_id),
        Action.ADJUST: org_reverse(
            "moderation:appraisal_adjust", world.org, moderationsession_id=session_id, appraisal_id=world.a.public_id
        ),
        Action.GUIDELINE: org_reverse("moderation:guideline_edit", world.org, cycle_id=world.cycle.public_id),
        "open": org_reverse("moderation:session_open", world.org, committee_id=world.panel.public_id),
    }


@pytest.mark.parametrize("person", PEOPLE)
def test_the_pages_follow_the_matrix(world, person):
    client = client_for(world, person)
    expected = {**EXPECTED, "open": EXPECTED[Action.RUN]}
    for action, url in _pages(world).items():
        status = client.get(url).status_code
        assert status == (200 if person in expected[action] else 403), (person, action, status)
        if person not in expected[action]:
            assert client.post(url, {"summary": "x", "new_level": "3", "reason": "x"}).status_code == 403
    assert client.get(org_reverse("moderation:session_list", world.org)).status_code == 200


def test_the_session_list_shows_only_ones_panels_sessions(world):
    url = org_reverse("moderation:session_list", world.org)
    detail = _pages(world)[Action.VIEW]
    assert detail in client_for(world, "mo").get(url).content.decode()
    assert detail in client_for(world, "alice").get(url).content.decode()
    assert detail not in client_for(world, "bob").get(url).content.decode()
    assert _pages(world)["open"] in client_for(world, "sam").get(url).content.decode()
    assert _pages(world)["open"] not in client_for(world, "mo").get(url).content.decode()


def test_the_adjust_page_changes_the_level_and_errors_stay_at_their_fields(world):
    client = client_for(world, "cleo")
    url = _pages(world)[Action.ADJUST]
    response = client.post(url, {"new_level": "4", "reason": "x"})
    assert response.status_code == 200
    assert "already at level" in response.content.decode()
    response = client.post(url, {"new_level": "3", "reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client.post(url, {"new_level": "3", "reason": "Modest targets"})
    assert response.status_code == 302
    page = client.get(_pages(world)[Action.VIEW]).content.decode()
    assert "4 → 3" in page


def test_an_appraisal_outside_the_scope_is_not_found_from_the_session(world):
    outside = add_appraisal(world, world.ops, "vera", 3, level="3")
    url = org_reverse(
        "moderation:appraisal_adjust",
        world.org,
        moderationsession_id=world.session.public_id,
        appraisal_id=outside.public_id,
    )
    assert client_for(world, "cleo").get(url).status_code == 404


def test_bad_filters_never_fail(world):
    client = client_for(world, "mo")
    url = _pages(world)[Action.VIEW]
    for query in ("?unit=nope", "?officer=123", "?page=abc", "?page=999", f"?unit={world.ops.public_id}"):
        assert client.get(url + query).status_code == 200, query


def test_the_panels_committee_page_leads_to_its_sessions(world):
    url = org_reverse("committees:committee_detail", world.org, committee_id=world.panel.public_id)
    session_url = _pages(world)[Action.VIEW]
    chair_page = client_for(world, "cleo").get(url).content.decode()
    assert session_url in chair_page and _pages(world)["open"] in chair_page
    member_page = client_for(world, "mo").get(url).content.decode()
    assert session_url in member_page and _pages(world)["open"] not in member_page
    assert session_url not in client_for(world, "bob").get(url).content.decode()


def test_the_session_page_kept_as_html_follows_each_persons_rights_and_query(world):
    """The focus part is kept as HTML per rights (the chair's Adjust links, HR's guideline link)
    and query string; a query string holding anything else is drawn afresh, its links with it."""
    url = org_reverse("moderation:session_detail", world.org, moderationsession_id=world.session.public_id)
    adjust = org_reverse(
        "moderation:appraisal_adjust",
        world.org,
        moderationsession_id=world.session.public_id,
        appraisal_id=world.a.public_id,
    )
    assert adjust in client_for(world, "cleo").get(url).content.decode()  # the chair: drawn and kept
    assert adjust not in client_for(world, "mo").get(url).content.decode()  # a member: their own
    assert adjust in client_for(world, "cleo").get(url).content.decode()
    tagged = client_for(world, "mo").get(url + "?utm=mail").content.decode()
    assert "utm=mail" in tagged and adjust not in tagged
