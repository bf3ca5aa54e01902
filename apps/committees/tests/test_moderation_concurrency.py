"""Moderation racing other writers on real PostgreSQL connections (one per thread): a release
waits for an opening session's lock on the cycle and then sees the session, so nothing in its
scope is released from under it; an adjustment holds up no appraisee's save of the cycle."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.committees.models import ModerationSession
from apps.committees.services_moderation import appraisal_moderate, session_open
from apps.cycles.models import Appraisal, AppraisalState, PhaseKind
from apps.cycles.services.release import release_results
from apps.tenancy.scoping import tenant_scope
from apps.tests_support.threads import in_thread

from .moderation_world import actor, add_appraisal, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_release_racing_an_opening_session_waits_and_is_refused(org_a, unit_a, alice, bob):
    world = build_world(org_a, unit_a, alice, bob, phase=PhaseKind.RELEASE)
    appraisal = add_appraisal(world, world.north, "otto", 4, level="4")
    opened = threading.Event()

    def open_and_hold():
        with tenant_scope(world.org), transaction.atomic():
            session = session_open(**actor(world, "cleo"), panel=world.panel, cycle=world.cycle)
            opened.set()
            time.sleep(0.5)  # the release starts meanwhile and must wait for this commit
            return session

    def release():
        assert opened.wait(5)
        with tenant_scope(world.org):
            hr = actor(world, "alice")
            return release_results(actor=hr["actor"], membership=hr["membership"], cycle=world.cycle)

    runs = [in_thread(open_and_hold), in_thread(release)]
    for thread, _ in runs:
        thread.join(15)
    (_, opening), (_, releasing) = runs
    assert "result" in opening, opening
    assert isinstance(releasing.get("error"), ValidationError), releasing
    assert "still calibrating" in releasing["error"].messages[0]
    with tenant_scope(world.org):
        assert Appraisal.objects.get(pk=appraisal.pk).state == AppraisalState.COUNTERSIGNED
        assert ModerationSession.objects.filter(status="open").count() == 1


def test_an_adjustment_under_way_leaves_the_cycle_to_its_appraisees(org_a, unit_a, alice, bob):
    """The panel's adjustment locks its session's row, not the cycle's: the share lock every
    appraisee's save of the cycle takes first (cycles/services/locks.py) is granted meanwhile."""
    world = build_world(org_a, unit_a, alice, bob)
    appraisal = add_appraisal(world, world.sales, "otto", 4.2, level="4")
    with tenant_scope(world.org):
        session = session_open(**actor(world, "cleo"), panel=world.panel, cycle=world.cycle)

    def a_save_takes_its_share_lock():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute("SELECT 1 FROM cycles_cycle WHERE id = %s FOR SHARE", [world.cycle.pk])

    with tenant_scope(world.org), transaction.atomic():
        appraisal_moderate(
            **actor(world, "sam"), session=session, appraisal=appraisal, new_level="3", reason="Targets were modest"
        )
        thread, outcome = in_thread(a_save_takes_its_share_lock)
        thread.join(10)
    assert "error" not in outcome, outcome
