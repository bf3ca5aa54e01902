"""Release waits for moderation: HR cannot release appraisals inside the scope of an open
session of the cycle (the form says which panel calibrates which units), may release other
units meanwhile, and everything once the panel has closed."""

import pytest
from django.core.exceptions import ValidationError

from apps.committees.services_moderation import session_close, session_open
from apps.cycles.models import Appraisal, AppraisalState, PhaseKind
from apps.cycles.services.release import release_results
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse

from .moderation_world import actor, add_appraisal, build_world, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, unit_a, alice, bob):
    world = build_world(org_a, unit_a, alice, bob, phase=PhaseKind.RELEASE)
    world.in_scope = add_appraisal(world, world.north, "otto", 4, level="4")
    world.outside = add_appraisal(world, world.ops, "vera", 3, level="3")
    with tenant_scope(world.org):
        world.session = session_open(**actor(world, "cleo"), panel=world.panel, cycle=world.cycle)
    return world


def _release(world, unit=None):
    hr = actor(world, "alice")
    return release_results(actor=hr["actor"], membership=hr["membership"], cycle=world.cycle, unit=unit)


def _state(world, appraisal):
    with tenant_scope(world.org):
        return Appraisal.objects.get(pk=appraisal.pk).state


@pytest.mark.parametrize("unit", [None, "sales", "north"])
def test_release_over_an_open_sessions_scope_is_refused_and_says_why(world, unit):
    with tenant_scope(world.org), pytest.raises(ValidationError) as caught:
        _release(world, getattr(world, unit) if unit else None)
    message = caught.value.message_dict["__all__"][0]
    assert "Moderation panel Sales panel is still calibrating Sales" in message
    assert _state(world, world.in_scope) == _state(world, world.outside) == AppraisalState.COUNTERSIGNED


def test_other_units_are_released_meanwhile_and_all_after_the_session_closes(world):
    with tenant_scope(world.org):
        assert _release(world, world.ops) == 1
        session_close(**actor(world, "cleo"), session=world.session, summary="Calibrated")
        assert _release(world) == 1
    assert _state(world, world.in_scope) == AppraisalState.RELEASED


def test_the_release_page_shows_the_wait_and_the_post_error_at_the_form(world):
    client = client_for(world, "alice")
    url = org_reverse("cycles:cycle_release", world.org, cycle_id=world.cycle.public_id)
    page = client.get(url).content.decode()
    assert "Waiting for moderation" in page and "Sales panel" in page and "is still calibrating Sales" in page
    assert "Release 2 results" not in page
    response = client.post(url, {"unit": ""})
    assert response.status_code == 200
    assert "still calibrating Sales" in response.content.decode()
    assert _state(world, world.in_scope) == AppraisalState.COUNTERSIGNED
    ops_page = client.get(url, {"unit": str(world.ops.public_id)}).content.decode()
    assert "Waiting for moderation" not in ops_page and "Release 1 result" in ops_page


def test_the_cycle_overview_links_to_the_session_and_the_guideline(world):
    client = client_for(world, "alice")
    page = client.get(org_reverse("cycles:cycle_overview", world.org, cycle_id=world.cycle.public_id)).content.decode()
    assert org_reverse("moderation:session_detail", world.org, moderationsession_id=world.session.public_id) in page
    assert org_reverse("moderation:guideline_edit", world.org, cycle_id=world.cycle.public_id) in page
    assert "Calibrating" in page
