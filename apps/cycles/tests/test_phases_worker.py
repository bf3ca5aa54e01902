"""The phase tick through the broker to a real Celery worker process (no eager mode): a due
phase advances, concurrent ticks move a cycle once, a worker that was down catches up, and a
tenant task without its organisation refuses to run."""

import datetime
import re

import pytest
from django.utils import timezone

from apps.cycles.models import Appraisal, AppraisalState, Cycle, PhaseChange, PhaseKind
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support.celery_worker import wait_for

from .phase_world import WEEK, scheduled_cycle

HOUR = datetime.timedelta(hours=1)
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _phase(org, cycle):
    with tenant_scope(org):
        return Cycle.objects.get(pk=cycle.pk).current_phase


def _changes(org, cycle):
    with tenant_scope(org):
        return list(PhaseChange.objects.filter(cycle=cycle).values_list("from_phase", "to_phase"))


def test_the_worker_moves_a_due_phase_on_and_runs_the_follow_up(org_a, celery_worker):
    now = timezone.now()
    cycle, appraisals = scheduled_cycle(org_a, first_start=now - WEEK - HOUR, appraisals=2)
    waiting, _ = scheduled_cycle(org_a, first_start=now - WEEK + HOUR, name="Not yet")

    assert celery_worker.send("cycles.tick_phases").get(timeout=15) == 1
    wait_for(lambda: _phase(org_a, cycle) == PhaseKind.MIDTERM, message=celery_worker.log_tail())
    with tenant_scope(org_a):
        assert set(Appraisal.objects.filter(cycle=cycle).values_list("state", flat=True)) == {AppraisalState.MIDTERM}
    assert _phase(org_a, waiting) == PhaseKind.PLANNING
    # The follow-up (cycles.phase_opened) was queued after commit on the worker's own queue
    # and ran there: nothing is left waiting.
    wait_for(
        lambda: re.search(r"Task cycles\.phase_opened\[[^]]+\] succeeded", celery_worker.log_path.read_text()),
        message=celery_worker.log_tail(),
    )


def test_two_ticks_at_once_move_the_cycle_one_step(org_a, celery_worker_factory):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR, appraisals=3)
    worker = celery_worker_factory(pool="prefork", concurrency=2).start()

    ticks = [worker.send("cycles.tick_phases") for _ in range(2)]
    assert [t.get(timeout=15) for t in ticks] in ([1, 1], [1, 0], [0, 1])
    wait_for(lambda: _phase(org_a, cycle) == PhaseKind.MIDTERM)
    wait_for(lambda: worker.queued() == 0)
    # Both ticks may have handed the cycle on; it moved once all the same.
    direct = [worker.send("cycles.advance_cycle", args=[org_a.pk, cycle.pk]) for _ in range(2)]
    assert [d.get(timeout=15) for d in direct] == [0, 0]
    assert _changes(org_a, cycle) == [(PhaseKind.PLANNING, PhaseKind.MIDTERM)]
    with tenant_scope(org_a):
        assert Appraisal.objects.filter(cycle=cycle, version=2).count() == 3


def test_a_tick_after_downtime_catches_up_on_every_ended_phase(org_a, celery_worker_factory):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - 3 * WEEK - HOUR)
    worker = celery_worker_factory()
    # Ticks queued while the worker was down wait in the broker; none is lost.
    stale = worker.send("cycles.tick_phases")
    assert worker.queued() == 1
    worker.start()
    assert stale.get(timeout=15) == 1
    wait_for(lambda: _phase(org_a, cycle) == PhaseKind.APPRAISAL, message=worker.log_tail())
    assert _changes(org_a, cycle) == [
        (PhaseKind.PLANNING, PhaseKind.MIDTERM),
        (PhaseKind.MIDTERM, PhaseKind.SELF_ASSESSMENT),
        (PhaseKind.SELF_ASSESSMENT, PhaseKind.APPRAISAL),
    ]
    # A later tick finds nothing more to do.
    assert worker.send("cycles.tick_phases").get(timeout=15) == 0
    assert len(_changes(org_a, cycle)) == 3


def test_a_tenant_task_without_its_organisation_refuses_to_run(org_a, celery_worker):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    refused = celery_worker.send("cycles.advance_cycle", args=[None, cycle.pk])
    with pytest.raises(ValueError, match="organisation"):
        refused.get(timeout=15)
    assert _phase(org_a, cycle) == PhaseKind.PLANNING
    assert celery_worker.send("cycles.advance_cycle", args=[org_a.pk, cycle.pk]).get(timeout=15) == 1


def test_hr_advancing_while_the_worker_ticks_moves_one_step(org_a, alice, celery_worker):
    from apps.cycles.services.phases import advance_phase

    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    tick = celery_worker.send("cycles.tick_phases")
    with tenant_scope(org_a):
        membership = Membership.objects.get(user=alice, organization=org_a)
        try:
            advance_phase(
                actor=alice, membership=membership, cycle=cycle, expected_phase=PhaseKind.PLANNING, reason="Now"
            )
        except Exception as error:  # the tick got there first: HR is told, nothing moves
            assert "moved on" in str(error)
    tick.get(timeout=15)
    wait_for(lambda: celery_worker.queued() == 0)
    assert _phase(org_a, cycle) == PhaseKind.MIDTERM
    assert len(_changes(org_a, cycle)) == 1


def test_a_worker_killed_with_minus_nine_and_started_again_takes_up_what_was_queued(org_a, celery_worker):
    now = timezone.now()
    cycle, _ = scheduled_cycle(org_a, first_start=now - WEEK - HOUR)
    celery_worker.kill()
    assert not celery_worker.alive
    queued = celery_worker.send("cycles.tick_phases")
    assert _phase(org_a, cycle) == PhaseKind.PLANNING
    celery_worker.start()
    assert queued.get(timeout=15) == 1
    wait_for(lambda: _phase(org_a, cycle) == PhaseKind.MIDTERM)
