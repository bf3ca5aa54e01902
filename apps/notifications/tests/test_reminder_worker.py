"""The reminder sweep in a real Celery worker process: killed with -9 in the middle of a batch
and started again, it sends every remaining reminder, and none twice."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from apps.notifications.models import Notification, ReminderLog
from apps.tenancy.scoping import platform_unscoped, tenant_scope
from apps.tests_support import factories
from apps.tests_support.celery_worker import wait_for

from .reminder_world import person, world

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
PEOPLE = 120
BATCH = 10


def _counts(org):
    with platform_unscoped():
        return ReminderLog.objects.filter(organization=org).count(), Notification.objects.filter(
            organization=org
        ).count()


@pytest.fixture
def due_everywhere(org_a, unit_a, alice):
    """PEOPLE appraisees, each with a self-assessment due tomorrow: one reminder each, due now.
    Never quiet, whatever day and hour the test runs."""
    org_a.quiet_from = org_a.quiet_until = datetime.time(0)
    org_a.working_days = "1234567"
    org_a.save()
    w = world(org_a, unit_a, deadline=timezone.now() + datetime.timedelta(days=1), days_before=3)
    for n in range(PEOPLE):
        w.appraisal(org_a, employee=person(org_a, unit_a, f"Person{n}"))
    return w


def test_a_worker_killed_mid_batch_sends_the_rest_once_restarted(
    org_a, due_everywhere, celery_worker_factory, monkeypatch
):
    # Small batches with a pause between them, so the kill lands after a commit and before the end.
    monkeypatch.setenv("REMINDER_BATCH_SIZE", str(BATCH))
    monkeypatch.setenv("REMINDER_BATCH_PAUSE_SECONDS", "0.3")
    worker = celery_worker_factory(visibility_timeout=2).start()
    worker.send("notifications.remind_organization", args=[org_a.pk])
    wait_for(lambda: _counts(org_a)[0] > 0, timeout=30, message=worker.log_tail())
    worker.kill()

    logged, notified = _counts(org_a)
    assert 0 < logged < PEOPLE, "the kill should land in the middle of the sweep"
    # Only whole batches are in: the one in flight rolled back, log rows and notifications together.
    assert logged % BATCH == 0 and notified == logged

    worker.start()
    # The unacknowledged task comes back after the visibility timeout; a later tick runs too.
    assert worker.send("notifications.remind_organization", args=[org_a.pk]).get(timeout=60) >= 0
    wait_for(lambda: _counts(org_a)[0] == PEOPLE, timeout=60, message=worker.log_tail())
    wait_for(lambda: worker.queued() == 0, timeout=30)

    with tenant_scope(org_a):
        assert ReminderLog.objects.count() == PEOPLE
        per_person = Notification.objects.values("recipient_id").annotate(n=Count("pk")).order_by()
        assert len(per_person) == PEOPLE and {row["n"] for row in per_person} == {1}
        assert not ReminderLog.objects.filter(notification=None).exists()
    # A tick afterwards finds nothing left to send.
    assert worker.send("notifications.remind_organization", args=[org_a.pk]).get(timeout=30) == 0


def test_the_beat_tick_hands_each_organisation_to_its_own_task(org_a, org_b, due_everywhere, celery_worker):
    with tenant_scope(org_b):
        factories.CycleFactory(organization=org_b, status="active")  # active, nothing to remind of
    assert celery_worker.send("notifications.sweep_reminders").get(timeout=30) == 2
    wait_for(lambda: _counts(org_a)[0] == PEOPLE, timeout=60, message=celery_worker.log_tail())
    with platform_unscoped():
        assert not ReminderLog.objects.filter(organization=org_b).exists()
