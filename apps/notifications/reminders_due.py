"""Every reminder that is due in one organisation now and not yet in the log: one SQL query.

Who still has an action, by the appraisal's state (the deadline is the end of the phase
STATE_PHASE gives that state):

    planning            appraisee and appraising officer (agree targets; only while targets
                        wait for their agreement)
    midterm             appraising officer (the meeting, until its date is recorded)
    self_assessment     appraisee
    with_officer        appraising officer
    with_countersigning countersigning officer
    countersigned       HR admins (release)
    released            appraisee (acknowledge)

Escalation goes up the chain from the person whose action is late: appraisee → AO → CO → HR,
AO → CO → HR, CO → HR; people missing from the chain (no officer, no sign-in) are skipped, and
nobody is escalated to about their own action. HR actions are not escalated.
"""

import datetime

from django.db import connection

from apps.accounts.models import User
from apps.cycles.models import Appraisal, AppraisalState, AppraisalTarget, Cycle, CyclePhase, CycleStatus
from apps.cycles.selectors_tasks import STATE_PHASE
from apps.people.models import Employee
from apps.tenancy.models import Membership, Role

from .models_reminders import ReminderKind, ReminderLog, ReminderRole, ReminderRule

S = AppraisalState
# The columns of a due row, in order (`action` is the appraisal's state).
COLUMNS = ("appraisal_id", "cycle_id", "action", "role", "rule_id", "kind", "deadline", "occasion", "recipient_id")


def _targets_open(agreed_column: str) -> str:
    """SQL: the appraisal has no targets yet, or one still waits for this side's agreement."""
    targets = AppraisalTarget._meta.db_table
    return (
        f"(NOT EXISTS (SELECT 1 FROM {targets} t WHERE t.appraisal_id = ap.appraisal_id)"
        f" OR EXISTS (SELECT 1 FROM {targets} t WHERE t.appraisal_id = ap.appraisal_id"
        f" AND t.{agreed_column} IS NULL))"
    )


_STATE_PHASE_VALUES = ", ".join(f"('{state}', '{phase}')" for state, phase in STATE_PHASE.items())

_DUE = f"""
WITH rules AS (
    SELECT r.id AS rule_id, r.cycle_id, r.days_before, r.overdue_every_days AS every,
           r.escalate_after_days AS esc_after, GREATEST(r.escalation_every_days, 1) AS esc_every,
           r.escalation_steps AS steps
    FROM {ReminderRule._meta.db_table} r
    JOIN {Cycle._meta.db_table} c ON c.id = r.cycle_id
    WHERE r.organization_id = %(org)s AND c.organization_id = %(org)s AND r.active
      AND c.status = '{CycleStatus.ACTIVE}' AND (%(cycle)s::bigint IS NULL OR c.id = %(cycle)s::bigint)
),
hr AS (
    SELECT m.user_id FROM {Membership._meta.db_table} m JOIN {User._meta.db_table} u ON u.id = m.user_id
    WHERE m.organization_id = %(org)s AND m.role = '{Role.HR_ADMIN}' AND m.is_active AND u.is_active
),
appraisals AS (
    SELECT a.id AS appraisal_id, a.cycle_id, a.state, p.ends_at AS deadline, r.rule_id, r.days_before,
           r.every, r.esc_after, r.esc_every, r.steps,
           e.user_id AS appraisee_user, ao.user_id AS ao_user, co.user_id AS co_user,
           a.midterm_meeting_on, a.employee_id
    FROM {Appraisal._meta.db_table} a
    JOIN rules r ON r.cycle_id = a.cycle_id
    JOIN (VALUES {_STATE_PHASE_VALUES}) sp(state, phase) ON sp.state = a.state
    JOIN {CyclePhase._meta.db_table} p ON p.cycle_id = a.cycle_id AND p.kind = sp.phase
    JOIN {Employee._meta.db_table} e ON e.id = a.employee_id
    LEFT JOIN {Employee._meta.db_table} ao ON ao.id = a.appraising_officer_id
    LEFT JOIN {Employee._meta.db_table} co ON co.id = a.countersigning_officer_id
    WHERE a.organization_id = %(org)s
      -- nothing is due before the earliest reminder of its deadline
      AND %(now)s >= p.ends_at - make_interval(days => r.days_before)
),
actions AS (
    SELECT ap.*, x.role, x.level, x.actor_user
    FROM appraisals ap
    CROSS JOIN LATERAL (VALUES
        ('{ReminderRole.APPRAISEE}', 0, ap.appraisee_user,
         ap.state IN ('{S.SELF_ASSESSMENT}', '{S.RELEASED}')
         OR (ap.state = '{S.PLANNING}' AND {_targets_open("agreed_by_appraisee_at")})),
        ('{ReminderRole.OFFICER}', 1, ap.ao_user,
         ap.state = '{S.WITH_OFFICER}'
         OR (ap.state = '{S.MIDTERM}' AND ap.midterm_meeting_on IS NULL)
         OR (ap.state = '{S.PLANNING}' AND {_targets_open("agreed_by_officer_at")})),
        ('{ReminderRole.COUNTERSIGNING}', 2, ap.co_user, ap.state = '{S.WITH_COUNTERSIGNING}'),
        ('{ReminderRole.HR}', 3, NULL::bigint, ap.state = '{S.COUNTERSIGNED}')
    ) x(role, level, actor_user, has_action)
    WHERE x.has_action
),
-- The person (or, for HR's actions, each HR admin) the reminder itself goes to.
reminded AS (
    SELECT a.*, COALESCE(a.actor_user, hr.user_id) AS recipient
    FROM actions a LEFT JOIN hr ON a.role = '{ReminderRole.HR}'
),
due AS (
    SELECT appraisal_id, cycle_id, state, role, rule_id, '{ReminderKind.BEFORE}' AS kind, deadline,
           0 AS occasion, recipient
    FROM reminded
    WHERE days_before > 0 AND %(now)s < deadline
  UNION ALL
    SELECT appraisal_id, cycle_id, state, role, rule_id, '{ReminderKind.OVERDUE}', deadline,
           floor(extract(epoch FROM %(now)s - deadline) / (every * 86400))::int + 1, recipient
    FROM reminded
    WHERE every > 0 AND %(now)s >= deadline
  UNION ALL
    SELECT a.appraisal_id, a.cycle_id, a.state, a.role, a.rule_id, '{ReminderKind.ESCALATION}', a.deadline,
           chain.step, COALESCE(hr.user_id, chain.target)
    FROM actions a
    CROSS JOIN LATERAL (
        SELECT row_number() OVER (ORDER BY min(c.ord))::int AS step, c.target
        FROM (VALUES (1, a.ao_user), (2, a.co_user), (3, -1::bigint)) c(ord, target)
        WHERE c.ord > a.level AND c.target IS NOT NULL AND c.target IS DISTINCT FROM a.actor_user
        GROUP BY c.target
    ) chain
    LEFT JOIN hr ON chain.target = -1 AND hr.user_id IS DISTINCT FROM a.actor_user
    WHERE a.role <> '{ReminderRole.HR}' AND a.steps > 0
      AND %(now)s >= a.deadline + make_interval(days => a.esc_after)
      AND chain.step <= a.steps
      -- every step up to the one reached now (a sweep after downtime catches up on all)
      AND chain.step <= floor(extract(epoch FROM %(now)s - a.deadline - make_interval(days => a.esc_after))
                              / (a.esc_every * 86400))::int + 1
      AND (chain.target <> -1 OR hr.user_id IS NOT NULL)
)
"""
_NOT_LOGGED = f"""
FROM due d
WHERE d.recipient IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM {ReminderLog._meta.db_table} l
    WHERE l.organization_id = %(org)s AND l.appraisal_id = d.appraisal_id AND l.recipient_id = d.recipient
      AND l.action = d.state AND l.role = d.role AND l.rule_id = d.rule_id AND l.kind = d.kind
      AND l.deadline = d.deadline AND l.occasion = d.occasion
  )
"""
# One person's reminders side by side, so a batch tells them in as few notifications as it can.
ORDER = "d.recipient, d.kind, d.cycle_id, d.state, d.role, d.appraisal_id, d.occasion"
_SELECT = "d.appraisal_id, d.cycle_id, d.state, d.role, d.rule_id, d.kind, d.deadline, d.occasion, d.recipient"

SQL = f"{_DUE} SELECT {_SELECT} {_NOT_LOGGED} ORDER BY {ORDER}"
# The same rows numbered 1… in that order (n), for a sweep that keeps them in the database.
NUMBERED_SQL = f"{_DUE} SELECT row_number() OVER (ORDER BY {ORDER}) AS n, {_SELECT} {_NOT_LOGGED}"


def due_reminders(organization_id: int, now: datetime.datetime, cycle_id: int | None = None) -> list[tuple]:
    """Rows of COLUMNS, one per reminder due and not yet logged."""
    with connection.cursor() as cursor:
        cursor.execute(SQL, params(organization_id, now, cycle_id))
        return cursor.fetchall()


def params(organization_id: int, now: datetime.datetime, cycle_id: int | None = None) -> dict:
    """The parameters of SQL and NUMBERED_SQL."""
    return {"org": organization_id, "now": now, "cycle": cycle_id}
