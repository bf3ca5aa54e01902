"""The reminder sweep of one organisation: every reminder due now, each sent at most once.

1. Quiet hours or a day off in the organisation's time zone: nothing happens; the reminders
   stay due and go at the first sweep of the next working morning.
2. Active cycles without a reminder rule get the defaults (lazily, here: it covers cycles
   made before reminders existed, by imports or by factories, without touching the cycle
   services).
3. One query finds every due reminder not yet logged (reminders_due.py) and keeps the rows in
   a temporary table of this connection, numbered in sending order: they never travel to
   Python and back (adapting 100,000 timestamps costs more than everything else).
4. In batches of that table, each in one transaction:
   a. one statement draws a notification id per person and kind of reminder in the batch,
      INSERTs the log rows with it (… ON CONFLICT DO NOTHING RETURNING) and returns the rows
      that went in, with the appraisees' names;
   b. the notifications of the rows that went in are written under those ids, in one INSERT …
      SELECT from arrays (reminder_messages.py words them; notify.write_notifications).
   Rows the insert skips were logged meanwhile by an overlapping sweep: nobody is notified of
   them, and their ids stay unused. A worker killed mid-batch rolls back the batch's log rows
   and notifications together (the next sweep redoes it); committed batches are in the log, so
   nothing is sent twice. The log's foreign key to the notification is checked at commit, when
   both are in.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from apps.cycles.models import Appraisal, Cycle, CycleStatus
from apps.people.models import Employee
from apps.tenancy.bulk_insert import insert_from_select_sql

from ..models_reminders import ReminderLog, ReminderRule
from ..quiet_hours import is_quiet
from ..reminder_messages import Writer, group_rows
from ..reminders_due import NUMBERED_SQL, params
from .notify import ID_SEQUENCE, write_notifications

# Two keys for pg_try_advisory_lock: this namespace and the organisation's id.
LOCK_NAMESPACE = 4711
# Temporary (per connection) table of the sweep's due rows: n, then reminders_due.COLUMNS.
DUE_TABLE = "reminders_due"
_DUE_COLUMNS = (
    "n bigint PRIMARY KEY, appraisal_id bigint, cycle_id bigint, state text, role text, rule_id bigint, "
    "kind text, deadline timestamptz, occasion integer, recipient bigint"
)
# The batch's rows, and one notification id per group of reminder_messages.group_rows (drawn
# in the order the groups come, so notifications are numbered in sending order).
_BATCH = f"""
WITH batch AS (
    SELECT * FROM {DUE_TABLE} WHERE n > %s AND n <= %s
), grouped AS (
    SELECT g.*, {ID_SEQUENCE} AS notification_id
    FROM (
        SELECT recipient, kind, state, role, cycle_id, deadline, min(n) AS first
        FROM batch GROUP BY recipient, kind, state, role, cycle_id, deadline ORDER BY first
    ) g
)"""
_GROUP_JOIN = (
    "FROM batch b JOIN grouped g ON g.recipient = b.recipient AND g.kind = b.kind AND g.state = b.state "
    "AND g.role = b.role AND g.cycle_id = b.cycle_id AND g.deadline = b.deadline"
)
# What went in, in reminders_due.COLUMNS, with the notification id and the appraisee's name.
_LOGGED = f"""
SELECT l.notification_id, l.appraisal_id, l.cycle_id, l.action, l.role, l.rule_id, l.kind, l.deadline, l.occasion,
       l.recipient_id, a.public_id, e.first_name, e.last_name
FROM logged l
JOIN {Appraisal._meta.db_table} a ON a.id = l.appraisal_id AND a.organization_id = %s
JOIN {Employee._meta.db_table} e ON e.id = a.employee_id AND e.organization_id = %s
ORDER BY l.notification_id, l.appraisal_id, l.occasion
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
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{DUE_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {DUE_TABLE} AS {NUMBERED_SQL}", params(organization.pk, now, cycle_id)
            )
            result.due = cursor.rowcount
            if result.due:
                cursor.execute(f"ALTER TABLE {DUE_TABLE} ADD PRIMARY KEY (n)")
        _send_staged(organization, result, batch_size)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP TABLE IF EXISTS pg_temp.{DUE_TABLE}; SELECT pg_advisory_unlock(%s, %s)",
                [LOCK_NAMESPACE, organization.pk],
            )
    return result


def send_due(organization, rows, *, result=None, batch_size=None) -> SweepResult:
    """Log and notify `rows` of reminders_due.COLUMNS (in sending order), batch by batch."""
    result = result or SweepResult()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{DUE_TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {DUE_TABLE} ({_DUE_COLUMNS})")
        execute_values(cursor, f"INSERT INTO {DUE_TABLE} VALUES %s", [(n, *row) for n, row in enumerate(rows, 1)])
    try:
        result.due = result.due or len(rows)
        _send_staged(organization, result, batch_size)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{DUE_TABLE}")
    return result


def _send_staged(organization, result: SweepResult, batch_size=None) -> None:
    """Send the rows 1…result.due of DUE_TABLE, batch by batch."""
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    pause = settings.REMINDER_BATCH_PAUSE_SECONDS
    if not result.due:
        return
    writer = Writer(organization)
    cycles = {pk: (public_id, name) for pk, public_id, name in Cycle.objects.values_list("pk", "public_id", "name")}
    for start in range(0, result.due, batch_size):
        if start and pause:
            time.sleep(pause)  # leaves the database room for people's requests between batches
        sent, notified = _send_batch(organization, start, start + batch_size, writer, cycles)
        result.sent += sent
        result.notifications += notified
        result.batches += 1


@transaction.atomic
def _send_batch(organization, first, last, writer, cycles) -> tuple[int, int]:
    """Rows first+1…last of DUE_TABLE: log them, then notify what went in."""
    insert, insert_params = insert_from_select_sql(
        ReminderLog,
        organization=organization,
        values={
            "appraisal_id": "b.appraisal_id",
            "cycle_id": "b.cycle_id",
            "action": "b.state",
            "role": "b.role",
            "rule_id": "b.rule_id",
            "kind": "b.kind",
            "deadline": "b.deadline",
            "occasion": "b.occasion",
            "recipient_id": "b.recipient",
            "notification_id": "g.notification_id",
        },
        from_sql=_GROUP_JOIN,
        on_conflict="ON CONFLICT DO NOTHING",
        returning=[
            "notification_id",
            "appraisal_id",
            "cycle_id",
            "action",
            "role",
            "rule_id",
            "kind",
            "deadline",
            "occasion",
            "recipient_id",
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_BATCH}, logged AS ({insert}) {_LOGGED}",
            [first, last, *insert_params, organization.pk, organization.pk],
        )
        logged = cursor.fetchall()
    if not logged:
        return 0, 0
    appraisals = {row[1]: (row[10], f"{row[11]} {row[12]}".strip()) for row in logged}
    groups = group_rows([row[1:10] for row in logged])
    ids = [row[0] for i, row in enumerate(logged) if not i or row[0] != logged[i - 1][0]]
    written = write_notifications(
        organization=organization, messages=[writer.message(group, appraisals, cycles) for group in groups], ids=ids
    )
    return len(logged), written
