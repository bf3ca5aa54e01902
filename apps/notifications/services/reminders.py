"""The reminder sweep of one organisation: every reminder due now, each sent at most once.

1. Quiet hours or a day off in the organisation's time zone: nothing happens; the reminders
   stay due and go at the first sweep of the next working morning.
2. Active cycles without a reminder rule get the defaults (lazily, here: it covers cycles
   made before reminders existed, by imports or by factories, without touching the cycle
   services).
3. One query finds every due reminder not yet logged (reminders_due.py).
4. In batches, each in one transaction: the batch's notifications (one per person and kind,
   notify_many), then INSERT … ON CONFLICT DO NOTHING RETURNING into the log with their ids.
   Rows the insert skips were logged meanwhile by an overlapping sweep: their notifications
   are taken back (or rewritten for the rows that did go in) before the transaction commits,
   so only logged rows are ever notified. A worker killed mid-batch rolls that batch back
   (the next sweep redoes it); committed batches are in the log, so nothing is sent twice.
   (Notifying first spares an UPDATE of every log row: the usual case costs two inserts.)
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from apps.cycles.models import Appraisal, Cycle, CycleStatus

from ..models import Notification
from ..models_reminders import ReminderLog, ReminderRule
from ..quiet_hours import is_quiet
from ..reminder_messages import Writer, group_rows
from ..reminders_due import due_reminders
from .notify import notify_many

# Two keys for pg_try_advisory_lock: this namespace and the organisation's id.
LOCK_NAMESPACE = 4711

_INSERT = f"""
INSERT INTO {ReminderLog._meta.db_table}
    (organization_id, public_id, appraisal_id, cycle_id, action, role, rule_id, kind, deadline, occasion,
     recipient_id, notification_id, created_at)
VALUES %s
ON CONFLICT DO NOTHING
RETURNING id, appraisal_id, cycle_id, action, role, rule_id, kind, deadline, occasion, recipient_id
"""
_LINK = f"""
UPDATE {ReminderLog._meta.db_table} AS l SET notification_id = v.notification_id
FROM (VALUES %s) AS v(id, notification_id) WHERE l.id = v.id
"""


@dataclass
class SweepResult:
    sent: int = 0  # log rows written (one per reminder and recipient)
    notifications: int = 0
    due: int = 0  # found due by the query
    batches: int = 0
    quiet: bool = False
    locked: bool = False  # another sweep of the organisation was running


def ensure_rules(organization) -> int:
    """Give every active cycle without a reminder rule the default one."""
    missing = list(
        Cycle.objects.filter(status=CycleStatus.ACTIVE, reminder_rules__isnull=True).values_list("pk", flat=True)
    )
    rules = [ReminderRule(organization=organization, cycle_id=pk, **ReminderRule.DEFAULTS) for pk in missing]
    ReminderRule.objects.bulk_create(rules, ignore_conflicts=True)
    return len(rules)


def sweep_reminders(organization, *, now=None, cycle_id=None, batch_size=None) -> SweepResult:
    """Send every reminder due in the organisation (run inside its tenant scope)."""
    now = now or timezone.now()
    result = SweepResult()
    if is_quiet(organization, now):
        result.quiet = True
        return result
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, organization.pk])
        if not cursor.fetchone()[0]:
            result.locked = True
            return result
    try:
        ensure_rules(organization)
        rows = due_reminders(organization.pk, now, cycle_id)
        result.due = len(rows)
        send_due(organization, rows, result=result, batch_size=batch_size)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, organization.pk])
    return result


def send_due(organization, rows, *, result=None, batch_size=None) -> SweepResult:
    """Log and notify `rows` of reminders_due.COLUMNS, batch by batch."""
    result = result or SweepResult()
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    pause = settings.REMINDER_BATCH_PAUSE_SECONDS
    writer = Writer(organization)
    cycles = {pk: (public_id, name) for pk, public_id, name in Cycle.objects.values_list("pk", "public_id", "name")}
    for start in range(0, len(rows), batch_size):
        if start and pause:
            time.sleep(pause)  # leaves the database room for people's requests between batches
        sent, notified = _send_batch(organization, rows[start : start + batch_size], writer, cycles)
        result.sent += sent
        result.notifications += notified
        result.batches += 1
    return result


@transaction.atomic
def _send_batch(organization, rows, writer, cycles) -> tuple[int, int]:
    groups = group_rows(rows)
    appraisals = _appraisal_names({row[0] for row in rows})
    notifications = notify_many(
        organization=organization, messages=[writer.message(group, appraisals, cycles) for group in groups]
    )
    values = [
        (organization.pk, *row, notification.pk)
        for group, notification in zip(groups, notifications, strict=True)
        for row in group.rows
    ]
    template = "(%s, gen_random_uuid(), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now())"
    with connection.cursor() as cursor:
        inserted = execute_values(cursor, _INSERT, values, template=template, page_size=len(values), fetch=True)
    if len(inserted) == len(values):
        return len(inserted), len(notifications)
    return len(inserted), _take_back(organization, groups, notifications, inserted, writer, appraisals, cycles)


def _take_back(organization, groups, notifications, inserted, writer, appraisals, cycles) -> int:
    """An overlapping sweep logged some of the batch first: keep notifications only for what
    this batch logged. Returns how many notifications the batch leaves."""
    logged = {tuple(row[1:]): row[0] for row in inserted}  # due row → log id
    drop, rewrite = [], []
    kept = 0
    for group, notification in zip(groups, notifications, strict=True):
        mine = [row for row in group.rows if tuple(row) in logged]
        if len(mine) == len(group.rows):
            kept += 1
            continue
        drop.append(notification.pk)
        if mine:
            group.rows = mine
            rewrite.append(group)
    Notification.objects.filter(pk__in=drop).delete()
    if rewrite:
        fresh = notify_many(
            organization=organization, messages=[writer.message(group, appraisals, cycles) for group in rewrite]
        )
        links = [
            (logged[tuple(row)], notification.pk)
            for group, notification in zip(rewrite, fresh, strict=True)
            for row in group.rows
        ]
        with connection.cursor() as cursor:
            execute_values(cursor, _LINK, links, page_size=len(links))
        kept += len(fresh)
    return kept


def _appraisal_names(ids) -> dict:
    return {
        pk: (public_id, f"{first} {last}".strip())
        for pk, public_id, first, last in Appraisal.objects.filter(pk__in=ids).values_list(
            "pk", "public_id", "employee__first_name", "employee__last_name"
        )
    }
