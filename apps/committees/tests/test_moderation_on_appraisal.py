"""A moderated level shows on the appraisal: "Moderated: 4 → 3 by <panel>, reason" on its page
and its final report, to the appraisee only once released, and in its change history."""

import pytest

from apps.committees.services_moderation import appraisal_moderate, session_close, session_open
from apps.cycles.models import AppraisalState, PhaseKind
from apps.cycles.services.release import release_results
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

from .moderation_world import actor, add_appraisal, build_world, client_for

pytestmark = pytest.mark.django_db

NOTE = "Moderated: 4 → 3 by Sales panel"


@pytest.fixture
def world(org_a, unit_a, alice, bob):
    world = build_world(org_a, unit_a, alice, bob, phase=PhaseKind.RELEASE)
    world.users["ann"] = factories.member(org_a, world.sales, email="ann@alpha.test", first_name="Ann")
    with tenant_scope(org_a):
        world.employees["ann"] = world.users["ann"].employments.get()
    world.a = add_appraisal(world, world.sales, "otto", 4, level="4", employee=world.employees["ann"])
    with tenant_scope(world.org):
        world.session = session_open(**actor(world, "cleo"), panel=world.panel, cycle=world.cycle)
        appraisal_moderate(
            **actor(world, "cleo"), session=world.session, appraisal=world.a, new_level="3", reason="Modest targets"
        )
    return world


def _page(world, who, name):
    return client_for(world, who).get(org_reverse(name, world.org, appraisal_id=world.a.public_id)).content.decode()


def test_hr_and_the_officer_read_the_moderation_on_the_appraisal(world):
    for who in ("alice", "otto"):
        page = _page(world, who, "cycles:appraisal_detail")
        assert NOTE in page and "Reason: Modest targets" in page
    history = _page(world, "alice", "cycles:appraisal_history")
    assert "Overall level" in history and "Moderation by Sales panel: Modest targets" in history


def test_the_appraisee_reads_it_on_the_final_report_once_released(world):
    assert NOTE not in _page(world, "ann", "cycles:appraisal_detail")
    assert "Modest targets" not in _page(world, "ann", "cycles:appraisal_history")
    with tenant_scope(world.org):
        session_close(**actor(world, "cleo"), session=world.session, summary="Done")
        hr = actor(world, "alice")
        assert release_results(actor=hr["actor"], membership=hr["membership"], cycle=world.cycle) == 1
        world.a.refresh_from_db()
    assert world.a.state == AppraisalState.RELEASED
    for name in ("cycles:appraisal_detail", "cycles:acknowledge"):
        assert NOTE in _page(world, "ann", name), name
