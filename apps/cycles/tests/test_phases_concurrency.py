"""Ticks and HR racing on one cycle, on real PostgreSQL connections (one per thread): the
cycle moves exactly one step, whoever wins."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.cycles.models import AppraisalEvent, Cycle, PhaseChange, PhaseKind
from apps.cycles.services.phases import advance_cycle_when_due, advance_due_cycles, advance_phase
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.threads import in_thread

from .phase_world import WEEK, scheduled_cycle

HOUR = datetime.timedelta(hours=1)
pytestmark = pytest.mark.django_db(transaction=True)


def _state(org, cycle):
    with tenant_scope(org):
        return (
            Cycle.objects.get(pk=cycle.pk).current_phase,
            PhaseChange.objects.filter(cycle=cycle).count(),
            AppraisalEvent.objects.filter(appraisal__cycle=cycle).count(),
        )


def test_two_ticks_at_once_move_the_cycle_once(org_a):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR, appraisals=3)
    barrier = threading.Barrier(2)

    def tick():
        barrier.wait()
        return advance_due_cycles(now)

    runs = [in_thread(tick) for _ in range(2)]
    for thread, _ in runs:
        thread.join(10)
    outcomes = [outcome for _, outcome in runs]
    assert all("error" not in o for o in outcomes), outcomes
    assert sorted(o["result"] for o in outcomes) == [0, 1]
    assert _state(org_a, cycle) == (PhaseKind.MIDTERM, 1, 3)


def test_a_tick_skips_a_cycle_hr_is_moving_and_does_not_wait(org_a, alice):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    with tenant_scope(org_a):
        membership = Membership.objects.get(user=alice, organization=org_a)
        with transaction.atomic():
            advance_phase(
                actor=alice, membership=membership, cycle=cycle, expected_phase=PhaseKind.PLANNING, reason="Now"
            )
            # HR's transaction holds the row: the tick passes it by at once instead of queueing.
            thread, outcome = in_thread(advance_due_cycles, now)
            thread.join(5)
            assert not thread.is_alive() and outcome == {"result": 0}
    assert _state(org_a, cycle)[:2] == (PhaseKind.MIDTERM, 1)
    assert advance_due_cycles(now) == 0


def test_hr_acting_while_a_tick_moves_the_cycle_is_told_it_moved_on(org_a, alice):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)

    def hr_advances():
        with tenant_scope(org_a):
            membership = Membership.objects.get(user=alice, organization=org_a)
            return advance_phase(
                actor=alice, membership=membership, cycle=cycle, expected_phase=PhaseKind.PLANNING, reason="Now"
            )

    with tenant_scope(org_a), transaction.atomic():
        assert advance_cycle_when_due(cycle.pk, now=now) == 1
        # HR's request waits for the tick's row lock...
        thread, outcome = in_thread(hr_advances)
        thread.join(0.5)
        assert thread.is_alive()
    # ...and once the tick commits, finds the phase it expected gone: nothing more happens.
    thread.join(10)
    assert isinstance(outcome.get("error"), ValidationError), outcome
    assert _state(org_a, cycle)[:2] == (PhaseKind.MIDTERM, 1)


def test_hr_and_a_tick_racing_move_the_cycle_one_step_whoever_wins(org_a, alice):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    barrier = threading.Barrier(2)

    def tick():
        barrier.wait()
        return advance_due_cycles(now)

    def hr_advances():
        with tenant_scope(org_a):
            membership = Membership.objects.get(user=alice, organization=org_a)
            barrier.wait()
            return advance_phase(
                actor=alice, membership=membership, cycle=cycle, expected_phase=PhaseKind.PLANNING, reason="Now"
            )

    runs = [in_thread(tick), in_thread(hr_advances)]
    for thread, _ in runs:
        thread.join(10)
    assert _state(org_a, cycle)[:2] == (PhaseKind.MIDTERM, 1)


def test_a_phase_move_under_way_holds_up_no_other_write_of_the_organisation(org_a, alice):
    """The move locks its cycle's row, not the organisation's: an insert anywhere in the
    organisation (its key share on the organisation's row) goes ahead meanwhile."""
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)

    def another_write():
        with tenant_scope(org_a), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            return factories.GoalPeriodFactory(organization=org_a, name="Next year").pk

    with tenant_scope(org_a), transaction.atomic():
        membership = Membership.objects.get(user=alice, organization=org_a)
        advance_phase(actor=alice, membership=membership, cycle=cycle, expected_phase=PhaseKind.PLANNING, reason="Now")
        thread, outcome = in_thread(another_write)
        thread.join(10)
    assert "error" not in outcome, outcome
    assert _state(org_a, cycle)[:2] == (PhaseKind.MIDTERM, 1)
