"""Saves racing on real PostgreSQL connections (one per thread): appraisees of one cycle save at
once without waiting for each other, while a phase move still waits for a save under way
(services/locks.py)."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from apps.cycles.models import AppraisalState
from apps.cycles.services import self_assessment as service
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .test_self_assessment import as_person, build_world, full_values

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(org_a, unit_a, alice):
    world = build_world(org_a, unit_a, alice)
    with tenant_scope(org_a):
        first = world["appraisal"]
        world["second"] = factories.AppraisalFactory(
            organization=org_a,
            cycle_template=first.cycle_template,
            employee=world["employees"]["zed"],
            appraising_officer=world["employees"]["otto"],
            state=AppraisalState.SELF_ASSESSMENT,
        )
    return world


@pytest.fixture
def paused_save(world, monkeypatch):
    """Ann's save started in a thread of its own and held inside its transaction (after its locks)
    until the test lets it go."""
    holding, release = threading.Event(), threading.Event()
    write_many = service._write_many

    def held(appraisal, *args, **kwargs):
        if appraisal.pk == world["appraisal"].pk:
            holding.set()
            release.wait(10)
        return write_many(appraisal, *args, **kwargs)

    monkeypatch.setattr(service, "_write_many", held)
    outcome = {}

    def run():
        try:
            with tenant_scope(world["org"]):
                outcome["saved"] = service.self_assessment_save(
                    **as_person(world, "ann"),
                    appraisal=world["appraisal"],
                    values=full_values(world),
                    expected_version=1,
                )
        except Exception as error:  # the test looks at it
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(10), "the first save never reached its writes"
    yield outcome
    release.set()
    thread.join(10)
    assert "error" not in outcome and outcome["saved"].version == 2


def _within(seconds: str):
    """Statements in this block give up on a lock after `seconds` instead of waiting."""
    atomic = transaction.atomic()
    atomic.__enter__()
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{seconds}'")
    return atomic


def test_two_appraisees_of_one_cycle_save_at_once(world, paused_save):
    block = _within("2s")
    try:
        with tenant_scope(world["org"]):
            other = service.self_assessment_save(
                **as_person(world, "zed"), appraisal=world["second"], values={}, expected_version=1
            )
    finally:
        block.__exit__(None, None, None)
    assert other.pk == world["second"].pk  # not stuck behind Ann's save on the cycle's row


def test_a_phase_move_waits_for_a_save_under_way(world, paused_save):
    block = _within("200ms")
    try:
        with pytest.raises(OperationalError), connection.cursor() as cursor:
            # What a phase move takes first (services/phases.py): the cycle's row for update.
            cursor.execute("SELECT 1 FROM cycles_cycle WHERE id = %s FOR UPDATE", [world["appraisal"].cycle_id])
    finally:
        block.__exit__(*(None, None, None))
