"""Moderation services: a panel opens one session per cycle once its scope has countersigned
appraisals, adjusts levels with a reason inside its scope (kept on the adjustment and in the
appraisal's history), closes with a summary; HR sets a guideline that adds up to 100."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.committees.models import CommitteeKind, ModerationAdjustment, ModerationGuideline, ModerationSession
from apps.committees.services_moderation import appraisal_moderate, guideline_save, session_close, session_open
from apps.cycles.models import Appraisal, AppraisalState, RatingChange
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .moderation_world import actor, add_appraisal, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, unit_a, alice, bob):
    world = build_world(org_a, unit_a, alice, bob)
    world.a = add_appraisal(world, world.sales, "otto", 4.2, level="4")
    world.b = add_appraisal(world, world.north, "otto", 3.1, level="3")
    world.ops = add_appraisal(world, world.ops, "vera", 2.0, level="2")
    return world


def _open(world, who="cleo"):
    return session_open(**actor(world, who), panel=world.panel, cycle=world.cycle)


def test_the_chair_opens_a_session_once_per_cycle(world):
    with tenant_scope(world.org):
        session = _open(world)
        assert session.is_open and session.opened_by == world.users["cleo"]
        with pytest.raises(ValidationError) as caught:
            _open(world, "sam")
        assert "cycle" in caught.value.message_dict
        assert ModerationSession.objects.count() == 1
        assert AuditEvent.objects.filter(action="moderation.session_open").count() == 1


@pytest.mark.parametrize("who", ["mo", "alice", "bob", "otto"])
def test_only_the_chair_or_secretary_opens(world, who):
    with tenant_scope(world.org), pytest.raises(PermissionDenied):
        _open(world, who)


def test_a_session_waits_for_countersigned_appraisals_in_scope(world):
    with tenant_scope(world.org):
        Appraisal.objects.filter(pk__in=[world.a.pk, world.b.pk]).update(state=AppraisalState.WITH_COUNTERSIGNING)
        with pytest.raises(ValidationError) as caught:
            _open(world)
        assert "countersigned" in caught.value.message_dict["cycle"][0]


def test_only_moderation_panels_hold_sessions(world):
    with tenant_scope(world.org):
        world.panel.kind = CommitteeKind.APPEAL_BOARD
        world.panel.save()
        with pytest.raises(ValidationError):
            _open(world)


def test_the_panel_adjusts_a_level_with_a_reason(world):
    with tenant_scope(world.org):
        session = _open(world)
        adjustment = appraisal_moderate(
            **actor(world, "sam"), session=session, appraisal=world.a, new_level="3", reason="Targets were modest"
        )
        assert (adjustment.original_level, adjustment.new_level, adjustment.adjusted_by) == (
            "4",
            "3",
            world.users["sam"],
        )
        assert Appraisal.objects.get(pk=world.a.pk).overall_level == "3"
        change = RatingChange.objects.get(appraisal=world.a)
        assert adjustment.rating_change == change
        assert change.reason == "Moderation by Sales panel: Targets were modest"
        assert AuditEvent.objects.filter(action="moderation.adjust").count() == 1


def test_an_adjustment_needs_a_reason_and_a_level_of_the_scale(world):
    with tenant_scope(world.org):
        session = _open(world)
        for level, reason, field in (("3", " ", "reason"), ("7", "why", "level"), ("4", "why", "level")):
            with pytest.raises(ValidationError) as caught:
                appraisal_moderate(
                    **actor(world, "cleo"), session=session, appraisal=world.a, new_level=level, reason=reason
                )
            assert field in caught.value.message_dict
        assert not ModerationAdjustment.objects.exists() and not RatingChange.objects.exists()


def test_no_adjustment_outside_the_scope_or_to_ones_own_appraisal(world):
    with tenant_scope(world.org):
        session = _open(world)
        with pytest.raises(PermissionDenied):
            appraisal_moderate(**actor(world, "cleo"), session=session, appraisal=world.ops, new_level="3", reason="r")
        own = add_appraisal(world, world.sales, "sam", 4, level="4")
        with pytest.raises(PermissionDenied):
            appraisal_moderate(**actor(world, "sam"), session=session, appraisal=own, new_level="3", reason="r")
        appraisal_moderate(**actor(world, "cleo"), session=session, appraisal=own, new_level="3", reason="r")


@pytest.mark.parametrize("who", ["mo", "alice", "bob"])
def test_members_and_hr_do_not_adjust(world, who):
    with tenant_scope(world.org):
        session = _open(world)
        with pytest.raises(PermissionDenied):
            appraisal_moderate(**actor(world, who), session=session, appraisal=world.a, new_level="3", reason="r")


@pytest.mark.parametrize("state", [AppraisalState.WITH_COUNTERSIGNING, AppraisalState.RELEASED])
def test_only_a_countersigned_appraisal_is_adjusted(world, state):
    with tenant_scope(world.org):
        session = _open(world)
        late = add_appraisal(world, world.sales, "otto", 3, state=state, level="3")
        with pytest.raises(ValidationError):
            appraisal_moderate(**actor(world, "cleo"), session=session, appraisal=late, new_level="4", reason="r")


def test_closing_records_who_when_and_a_summary_and_ends_adjusting(world):
    with tenant_scope(world.org):
        session = _open(world)
        with pytest.raises(ValidationError) as caught:
            session_close(**actor(world, "cleo"), session=session, summary="  ")
        assert "summary" in caught.value.message_dict
        with pytest.raises(PermissionDenied):
            session_close(**actor(world, "mo"), session=session, summary="Done")
        closed = session_close(**actor(world, "sam"), session=session, summary="Sales were generous")
        assert (closed.status, closed.closed_by, closed.summary) == (
            "closed",
            world.users["sam"],
            "Sales were generous",
        )
        assert closed.closed_at is not None
        with pytest.raises(ValidationError):
            appraisal_moderate(**actor(world, "cleo"), session=session, appraisal=world.a, new_level="3", reason="r")
        assert _open(world).is_open  # a new session may follow a closed one


def test_hr_sets_a_guideline_that_adds_up_to_100(world):
    with tenant_scope(world.org):
        hr = actor(world, "alice")
        shares = {"5": "10", "4": "20", "3": "40", "2": "20", "1": "10"}
        guideline = guideline_save(actor=hr["actor"], membership=hr["membership"], cycle=world.cycle, shares=shares)
        assert guideline.shares == shares
        with pytest.raises(ValidationError) as caught:
            guideline_save(
                actor=hr["actor"], membership=hr["membership"], cycle=world.cycle, shares={**shares, "1": "15"}
            )
        assert caught.value.message_dict == {"shares": ["The shares add up to 105%: they must add up to 100%."]}
        with pytest.raises(ValidationError) as caught:
            guideline_save(
                actor=hr["actor"],
                membership=hr["membership"],
                cycle=world.cycle,
                shares={"5": "abc", "4": "-1", "3": "12.55"},
            )
        assert set(caught.value.message_dict) == {"share_0", "share_1", "share_2"}
        assert guideline_save(actor=hr["actor"], membership=hr["membership"], cycle=world.cycle, shares={}) is None
        assert not ModerationGuideline.objects.exists()


def test_only_hr_sets_the_guideline(world):
    with tenant_scope(world.org):
        cleo = actor(world, "cleo")
        with pytest.raises(PermissionDenied):
            guideline_save(actor=cleo["actor"], membership=cleo["membership"], cycle=world.cycle, shares={"5": "100"})


def test_a_session_of_another_cycle_does_not_reach_this_one(world):
    with tenant_scope(world.org):
        session = _open(world)
        other = factories.AppraisalFactory(
            organization=world.org,
            state=AppraisalState.COUNTERSIGNED,
            employee=factories.EmployeeFactory(organization=world.org, unit=world.sales),
        )
        with pytest.raises(PermissionDenied):
            appraisal_moderate(**actor(world, "cleo"), session=session, appraisal=other, new_level="3", reason="r")
