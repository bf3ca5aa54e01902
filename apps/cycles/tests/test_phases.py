"""A cycle's phases move on by date (the tick), ahead of it by HR, or later than planned by an
extension; each step recorded, each appraisal move done once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.cycles.models import (
    Appraisal,
    AppraisalEvent,
    AppraisalState,
    Cycle,
    CyclePhase,
    CycleStatus,
    PhaseChange,
    PhaseChangeKind,
    PhaseKind,
)
from apps.cycles.services.phases import advance_due_cycles, advance_phase, due_cycles, extend_phase
from apps.cycles.tasks import advance_cycle
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope

from .phase_world import WEEK, phase_ends, scheduled_cycle

HOUR = datetime.timedelta(hours=1)


def _membership(user, org):
    return Membership.objects.get(user=user, organization=org)


def _reload(org, cycle):
    with tenant_scope(org):
        return Cycle.objects.get(pk=cycle.pk)


def test_a_phase_that_has_ended_moves_the_cycle_on_and_opens_the_midterm_for_every_appraisal(org_a):
    now = timezone.now()
    cycle, appraisals = scheduled_cycle(org_a, first_start=now - WEEK - HOUR, appraisals=3)
    assert advance_due_cycles(now) == 1
    with tenant_scope(org_a):
        cycle.refresh_from_db()
        assert cycle.current_phase == PhaseKind.MIDTERM
        assert cycle.status == CycleStatus.ACTIVE
        for appraisal in appraisals:
            fresh = Appraisal.objects.get(pk=appraisal.pk)
            assert fresh.state == AppraisalState.MIDTERM
            assert fresh.version == appraisal.version + 1
        events = list(AppraisalEvent.objects.filter(appraisal__cycle=cycle))
        assert len(events) == 3
        assert {(e.from_state, e.to_state, e.note, e.actor_id) for e in events} == {
            (AppraisalState.PLANNING, AppraisalState.MIDTERM, "Mid-term review opened", None)
        }
        change = PhaseChange.objects.get(cycle=cycle)
        assert (change.from_phase, change.to_phase, change.actor_id) == (PhaseKind.PLANNING, PhaseKind.MIDTERM, None)
        assert change.due_at == now - HOUR
        assert AuditEvent.objects.filter(action="cycle.phase_advanced", actor=None).count() == 1


def test_a_phase_that_has_not_ended_stays_and_a_second_tick_does_nothing(org_a):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK + HOUR)
    assert due_cycles(now) == []
    assert advance_due_cycles(now) == 0
    assert advance_due_cycles(now + 2 * HOUR) == 1
    assert advance_due_cycles(now + 2 * HOUR) == 0, "the tick is idempotent"
    assert _reload(org_a, cycle).current_phase == PhaseKind.MIDTERM


def test_the_next_phase_opens_when_the_previous_one_ends_even_if_it_starts_later(org_a):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    with tenant_scope(org_a):
        # A gap of a day between planning and the mid-term review.
        CyclePhase.objects.filter(cycle=cycle, kind=PhaseKind.MIDTERM).update(starts_at=now + 23 * HOUR)
    advance_due_cycles(now)
    assert _reload(org_a, cycle).current_phase == PhaseKind.MIDTERM


def test_a_tick_after_downtime_steps_through_every_ended_phase_recording_each(org_a):
    now = timezone.now()
    # Planning, mid-term and self-assessment have all ended while nothing ran.
    cycle, appraisals = scheduled_cycle(org_a, first_start=now - 3 * WEEK - HOUR)
    assert advance_due_cycles(now) == 3
    with tenant_scope(org_a):
        cycle.refresh_from_db()
        assert cycle.current_phase == PhaseKind.APPRAISAL
        changes = list(PhaseChange.objects.filter(cycle=cycle).values_list("from_phase", "to_phase", "due_at"))
        ends = phase_ends(now - 3 * WEEK - HOUR)
        assert changes == [
            (PhaseKind.PLANNING, PhaseKind.MIDTERM, ends[PhaseKind.PLANNING]),
            (PhaseKind.MIDTERM, PhaseKind.SELF_ASSESSMENT, ends[PhaseKind.MIDTERM]),
            (PhaseKind.SELF_ASSESSMENT, PhaseKind.APPRAISAL, ends[PhaseKind.SELF_ASSESSMENT]),
        ]
        # The intermediate mid-term opening was applied too, then the self-assessment's.
        for appraisal in appraisals:
            trail = list(AppraisalEvent.objects.filter(appraisal=appraisal).values_list("from_state", "to_state"))
            assert trail == [
                (AppraisalState.PLANNING, AppraisalState.MIDTERM),
                (AppraisalState.MIDTERM, AppraisalState.SELF_ASSESSMENT),
            ]
            assert Appraisal.objects.get(pk=appraisal.pk).version == appraisal.version + 2
    assert advance_due_cycles(now) == 0, "nothing is done twice"


def test_appraisals_already_past_a_phase_are_left_alone(org_a):
    now = timezone.now()
    cycle, (ahead,) = scheduled_cycle(org_a, first_start=now - WEEK - HOUR, appraisals=1, state="with_officer")
    advance_due_cycles(now)
    with tenant_scope(org_a):
        assert Appraisal.objects.get(pk=ahead.pk).state == AppraisalState.WITH_OFFICER
        assert not AppraisalEvent.objects.exists()


def test_the_cycle_closes_after_its_last_phase(org_a):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - 7 * WEEK - HOUR, current=PhaseKind.ACKNOWLEDGEMENT)
    assert advance_due_cycles(now) == 1
    cycle = _reload(org_a, cycle)
    assert (cycle.status, cycle.current_phase) == (CycleStatus.CLOSED, "")
    with tenant_scope(org_a):
        assert PhaseChange.objects.get(cycle=cycle).to_phase == ""
    assert advance_due_cycles(now) == 0


def test_drafts_launching_cycles_and_switched_off_organisations_are_not_moved(org_a, org_b):
    now = timezone.now()
    launching, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR, appraisals=0)
    with tenant_scope(org_a):
        Cycle.objects.filter(pk=launching.pk).update(status=CycleStatus.LAUNCHING)
    scheduled_cycle(org_b, first_start=now - WEEK - HOUR, appraisals=0)
    org_b.is_active = False
    org_b.save()
    assert due_cycles(now) == []


def test_each_organisations_cycles_move_inside_their_own_tenant(org_a, org_b):
    now = timezone.now()
    cycle_a, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    cycle_b, _ = scheduled_cycle(org_b, first_start=now - WEEK - HOUR)
    assert advance_due_cycles(now) == 2
    assert _reload(org_a, cycle_a).current_phase == PhaseKind.MIDTERM
    assert _reload(org_b, cycle_b).current_phase == PhaseKind.MIDTERM
    with tenant_scope(org_b):
        assert PhaseChange.objects.get().organization_id == org_b.pk


# --- By hand ------------------------------------------------------------------------------


def test_hr_moves_the_cycle_on_early_with_a_reason_recorded(org_a, alice):
    now = timezone.now()
    cycle, (appraisal, _) = scheduled_cycle(org_a, first_start=now - HOUR)
    with tenant_scope(org_a):
        moved = advance_phase(
            actor=alice,
            membership=_membership(alice, org_a),
            cycle=cycle,
            expected_phase=PhaseKind.PLANNING,
            reason="Targets all agreed",
        )
        assert moved.current_phase == PhaseKind.MIDTERM
        change = PhaseChange.objects.get(cycle=cycle)
        assert (change.actor, change.reason, change.due_at) == (alice, "Targets all agreed", None)
        event = AppraisalEvent.objects.get(appraisal=appraisal)
        assert event.actor == alice and "Targets all agreed" in event.note
        audit = AuditEvent.objects.get(action="cycle.phase_advanced")
        assert audit.actor == alice and audit.changes == {"reason": "Targets all agreed"}


def test_advancing_by_hand_needs_a_reason_the_expected_phase_and_hr(org_a, alice, bob):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - HOUR)
    with tenant_scope(org_a):
        hr = _membership(alice, org_a)
        with pytest.raises(ValidationError) as error:
            advance_phase(actor=alice, membership=hr, cycle=cycle, expected_phase=PhaseKind.PLANNING, reason=" ")
        assert "reason" in error.value.error_dict
        with pytest.raises(ValidationError) as error:
            advance_phase(actor=alice, membership=hr, cycle=cycle, expected_phase=PhaseKind.MIDTERM, reason="x")
        assert "moved on" in str(error.value)
        with pytest.raises(PermissionDenied):
            advance_phase(
                actor=bob,
                membership=_membership(bob, org_a),
                cycle=cycle,
                expected_phase=PhaseKind.PLANNING,
                reason="x",
            )
        assert Cycle.objects.get(pk=cycle.pk).current_phase == PhaseKind.PLANNING
        assert not PhaseChange.objects.exists()


def test_a_double_submit_moves_the_cycle_one_step(org_a, alice):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - HOUR)
    with tenant_scope(org_a):
        hr = _membership(alice, org_a)
        advance_phase(actor=alice, membership=hr, cycle=cycle, expected_phase=PhaseKind.PLANNING, reason="Early")
        with pytest.raises(ValidationError):
            advance_phase(actor=alice, membership=hr, cycle=cycle, expected_phase=PhaseKind.PLANNING, reason="Early")
        assert Cycle.objects.get(pk=cycle.pk).current_phase == PhaseKind.MIDTERM


# --- Extending ----------------------------------------------------------------------------


def test_extending_a_phase_pushes_later_phases_only_as_far_as_they_must_go(org_a, alice):
    start = timezone.now() - HOUR
    cycle, _ = scheduled_cycle(org_a, first_start=start)
    with tenant_scope(org_a):
        # A two-day gap before the appraisal phase absorbs part of the shift.
        CyclePhase.objects.filter(cycle=cycle, kind=PhaseKind.SELF_ASSESSMENT).update(
            ends_at=start + 3 * WEEK - datetime.timedelta(days=2)
        )
        before = {p.kind: (p.starts_at, p.ends_at) for p in CyclePhase.objects.filter(cycle=cycle)}
        new_end = start + WEEK + datetime.timedelta(days=3)
        extend_phase(
            actor=alice,
            membership=_membership(alice, org_a),
            cycle=cycle,
            phase_kind=PhaseKind.PLANNING,
            ends_at=new_end,
            reason="Reorganisation",
        )
        after = {p.kind: (p.starts_at, p.ends_at) for p in CyclePhase.objects.filter(cycle=cycle)}
        three_days = datetime.timedelta(days=3)
        assert after[PhaseKind.PLANNING] == (before[PhaseKind.PLANNING][0], new_end)
        assert after[PhaseKind.MIDTERM] == tuple(t + three_days for t in before[PhaseKind.MIDTERM])
        assert after[PhaseKind.SELF_ASSESSMENT] == tuple(t + three_days for t in before[PhaseKind.SELF_ASSESSMENT])
        one_day = datetime.timedelta(days=1)
        assert after[PhaseKind.APPRAISAL] == tuple(t + one_day for t in before[PhaseKind.APPRAISAL])
        assert after[PhaseKind.ACKNOWLEDGEMENT] == tuple(t + one_day for t in before[PhaseKind.ACKNOWLEDGEMENT])
        change = PhaseChange.objects.get(cycle=cycle)
        assert change.kind == PhaseChangeKind.EXTENDED
        assert (change.previous_ends_at, change.new_ends_at, change.reason) == (
            before[PhaseKind.PLANNING][1],
            new_end,
            "Reorganisation",
        )
        assert AuditEvent.objects.filter(action="cycle.phase_extended", actor=alice).count() == 1
    # The extended phase is no longer due at its old end.
    assert advance_due_cycles(start + WEEK + HOUR) == 0


def test_an_extension_must_end_later_in_the_future_with_a_reason_on_a_phase_not_over(org_a, alice):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR, current=PhaseKind.MIDTERM)
    with tenant_scope(org_a):
        hr = _membership(alice, org_a)

        def extend(kind, ends_at, reason="Why"):
            with pytest.raises(ValidationError) as error:
                extend_phase(actor=alice, membership=hr, cycle=cycle, phase_kind=kind, ends_at=ends_at, reason=reason)
            return error.value.error_dict

        assert "ends_at" in extend(PhaseKind.MIDTERM, now + HOUR)  # earlier than its end
        assert "ends_at" in extend(PhaseKind.MIDTERM, None)
        assert "reason" in extend(PhaseKind.MIDTERM, now + 2 * WEEK, reason="")
        assert "__all__" in extend(PhaseKind.PLANNING, now + 2 * WEEK)  # over already
        assert not PhaseChange.objects.exists()


def test_an_overdue_phase_can_still_be_extended_before_the_tick_takes_it(org_a, alice):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    with tenant_scope(org_a):
        extend_phase(
            actor=alice,
            membership=_membership(alice, org_a),
            cycle=cycle,
            phase_kind=PhaseKind.PLANNING,
            ends_at=now + HOUR,
            reason="Late targets",
        )
    assert advance_due_cycles(now) == 0
    assert _reload(org_a, cycle).current_phase == PhaseKind.PLANNING


# --- Tasks --------------------------------------------------------------------------------


def test_a_tenant_task_without_an_organisation_refuses_to_run(org_a):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    with pytest.raises(ValueError, match="organisation"):
        advance_cycle(None, cycle.pk)
    assert _reload(org_a, cycle).current_phase == PhaseKind.PLANNING
    # Run in its tenant, the same task moves it (called in-process: the body, not the broker).
    assert advance_cycle(org_a.pk, cycle.pk) == 1


def test_a_tenant_task_only_sees_its_own_tenant(org_a, org_b):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    assert advance_cycle(org_b.pk, cycle.pk) == 0
    assert _reload(org_a, cycle).current_phase == PhaseKind.PLANNING
