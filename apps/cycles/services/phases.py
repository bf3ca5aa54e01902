"""A launched cycle's phases moving on: by date (the beat tick), or by HR ahead of the date or
later than planned, each move recorded as an append-only PhaseChange.

Rules:
- A phase runs until its own `ends_at`; the cycle then moves to the next phase at once, even
  if that phase's `starts_at` is later (the simplest rule HR can predict: "the next phase
  opens when this one ends"). The next phase's own `ends_at` decides when it moves on again.
- After the last phase ends the cycle closes (status closed, no current phase).
- Each step is its own transaction: lock the cycle row (the tick skips rows someone else has
  locked, HR waits for them), compare-and-set the current phase, apply the opening phase's
  bulk move of the appraisals, record the change, and enqueue the follow-up work after commit.
  A tick after downtime steps through every phase that has ended, one recorded step at a
  time, so nothing is skipped and nothing is done twice.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.people.services.validation import FieldErrors
from apps.tenancy import audit
from apps.tenancy.models import Organization
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.scoping import platform_unscoped, tenant_scope

from ..models import (
    PHASE_ORDER,
    AppraisalEvent,
    Cycle,
    CyclePhase,
    CycleStatus,
    PhaseChange,
    PhaseChangeKind,
    PhaseKind,
)
from ..workflow import TRANSITIONS

logger = logging.getLogger(__name__)

# The HR transitions that a phase opening applies to every appraisal of the cycle at once.
OPENING_ACTIONS = {PhaseKind.MIDTERM: "open_midterm", PhaseKind.SELF_ASSESSMENT: "open_self_assessment"}
OPENING_NOTES = {PhaseKind.MIDTERM: "Mid-term review opened", PhaseKind.SELF_ASSESSMENT: "Self-assessment opened"}


def next_phase(current: str, kinds) -> str:
    """The phase after `current` among the cycle's phases, or "" after the last one."""
    later = sorted((k for k in kinds if PHASE_ORDER.get(k, -1) > PHASE_ORDER.get(current, -1)), key=PHASE_ORDER.get)
    return later[0] if later else ""


# --- By date --------------------------------------------------------------------------------


def due_cycles(now: datetime.datetime) -> list[tuple[int, int]]:
    """(organisation id, cycle id) of every active cycle, in every organisation, whose current
    phase has ended by `now`. A plain read: each cycle is locked when it is stepped."""
    with platform_unscoped():
        return list(
            CyclePhase.objects.filter(
                cycle__status=CycleStatus.ACTIVE,
                cycle__organization__is_active=True,
                kind=F("cycle__current_phase"),
                ends_at__lte=now,
            )
            .order_by("ends_at", "cycle_id")
            .values_list("organization_id", "cycle_id")
        )


def advance_due_cycles(now: datetime.datetime | None = None) -> int:
    """Move every due cycle of every organisation on through each phase that has ended, each
    cycle inside its own tenant. Returns the number of steps taken here (0 when another
    worker holds the cycles). One cycle failing does not hold up the others."""
    now = now or timezone.now()
    steps = 0
    organizations = {}
    for organization_id, cycle_id in due_cycles(now):
        if organization_id not in organizations:
            with platform_unscoped():
                organizations[organization_id] = Organization.objects.get(pk=organization_id)
        with tenant_scope(organizations[organization_id]):
            try:
                steps += advance_cycle_when_due(cycle_id, now=now)
            except Exception:
                logger.exception("Moving cycle %s on failed; the next tick tries again", cycle_id)
    return steps


def advance_cycle_when_due(cycle_id: int, *, now: datetime.datetime | None = None) -> int:
    """Inside the cycle's tenant: step the cycle on while its current phase has ended by
    `now`. Returns the number of steps taken."""
    steps = 0
    # Seven phases at most, plus the close: the bound only guards against a loop.
    for _ in range(len(PHASE_ORDER) + 1):
        if not _step_if_due(cycle_id, now or timezone.now()):
            break
        steps += 1
    return steps


@transaction.atomic
def _step_if_due(cycle_id: int, now: datetime.datetime) -> bool:
    # SKIP LOCKED: a cycle another tick, or HR, is moving right now is theirs; if it is still
    # due after they commit, the next tick takes it. The cycle's row only (see advance_phase).
    cycle = (
        Cycle.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("organization")
        .filter(pk=cycle_id, status=CycleStatus.ACTIVE)
        .first()
    )
    if cycle is None or not cycle.current_phase:
        return False
    phases = {p.kind: p for p in CyclePhase.objects.filter(cycle=cycle)}
    current = phases.get(cycle.current_phase)
    if current is None or current.ends_at > now:
        return False
    _step(cycle, phases, actor=None, reason="", due_at=current.ends_at)
    return True


# --- By hand --------------------------------------------------------------------------------


@transaction.atomic
def advance_phase(*, actor, membership, cycle: Cycle, expected_phase: str, reason: str) -> Cycle:
    """HR moves the cycle on now, ahead of the current phase's end. `expected_phase` is the
    phase HR's page showed: if the cycle moved on since (the schedule or a colleague), nothing
    happens and HR is told, so a double click or a race never moves it two steps."""
    require_hr_admin(membership)
    # A plain FOR UPDATE: HR waits for a tick that holds the row, then sees where it left it.
    # The cycle's row only: locking the organisation's too (a join's default) held up every
    # insert of the whole organisation (each one's key share on it) while the phase moved.
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("organization").get(pk=cycle.pk)
    errors = FieldErrors()
    reason = (reason or "").strip()
    if cycle.status != CycleStatus.ACTIVE:
        errors.add("__all__", _not_active(cycle))
    elif cycle.current_phase != expected_phase:
        errors.add(
            "__all__",
            f"The cycle has moved on to {_phase_label(cycle.current_phase)} since you opened the page: "
            "nothing was changed. Check the schedule and try again if it still needs moving.",
        )
    if not reason:
        errors.add("reason", "Say why the phase ends early: it is recorded and shown in the cycle's history.")
    errors.raise_if_any()
    phases = {p.kind: p for p in CyclePhase.objects.filter(cycle=cycle)}
    change = _step(cycle, phases, actor=actor, reason=reason, due_at=None)
    audit.record(
        organization=cycle.organization,
        actor=actor,
        action="cycle.phase_advanced",
        obj=cycle,
        summary=f"{_phase_label(change.from_phase)} → {_phase_label(change.to_phase)}",
        changes={"reason": reason},
    )
    cycle.refresh_from_db(fields=["status", "current_phase"])
    return cycle


@transaction.atomic
def extend_phase(
    *, actor, membership, cycle: Cycle, phase_kind: str, ends_at: datetime.datetime, reason: str
) -> list[CyclePhase]:
    """HR moves the end of the current (or a later) phase to a later date.

    Later phases keep their lengths and move only as far as they must so that no two phases
    overlap: a later phase that starts after the new end stays where it is, and a gap before
    a later phase absorbs the shift. Validating instead (refusing until HR re-dates every later
    phase by hand) would turn a one-field extension into re-planning the whole cycle; shifting
    everything by the full extension would throw away slack HR planned on purpose."""
    require_hr_admin(membership)
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("organization").get(pk=cycle.pk)
    errors = FieldErrors()
    reason = (reason or "").strip()
    now = timezone.now()
    phases = list(CyclePhase.objects.filter(cycle=cycle).order_by("starts_at"))
    phases.sort(key=lambda p: PHASE_ORDER.get(p.kind, 99))
    phase = next((p for p in phases if p.kind == phase_kind), None)
    if cycle.status != CycleStatus.ACTIVE:
        errors.add("__all__", _not_active(cycle))
    elif phase is None:
        errors.add("__all__", "This cycle has no such phase.")
    elif PHASE_ORDER.get(phase_kind, -1) < PHASE_ORDER.get(cycle.current_phase, -1):
        errors.add(
            "__all__",
            f"{_phase_label(phase_kind)} is over: the cycle is in {_phase_label(cycle.current_phase)}. Nothing was changed.",
        )
    if ends_at is None:
        errors.add("ends_at", "Give the new end date and time.")
    elif phase is not None:
        if ends_at <= phase.ends_at:
            errors.add(
                "ends_at",
                f"Give an end later than the current one ({timezone.localtime(phase.ends_at):%d %b %Y %H:%M}).",
            )
        elif ends_at <= now:
            errors.add("ends_at", "Give an end in the future.")
    if not reason:
        errors.add("reason", "Say why the phase is extended: it is recorded and shown in the cycle's history.")
    errors.raise_if_any()

    previous_ends_at = phase.ends_at
    phase.ends_at = ends_at
    moved = [phase]
    cursor = ends_at
    for later in phases[phases.index(phase) + 1 :]:
        if later.starts_at < cursor:
            shift = cursor - later.starts_at
            later.starts_at += shift
            later.ends_at += shift
            moved.append(later)
        cursor = later.ends_at
    CyclePhase.objects.bulk_update(moved, ["starts_at", "ends_at"])
    PhaseChange.objects.create(
        organization=cycle.organization,
        cycle=cycle,
        kind=PhaseChangeKind.EXTENDED,
        from_phase=phase_kind,
        to_phase=phase_kind,
        previous_ends_at=previous_ends_at,
        new_ends_at=ends_at,
        actor=actor,
        reason=reason,
    )
    audit.record(
        organization=cycle.organization,
        actor=actor,
        action="cycle.phase_extended",
        obj=cycle,
        summary=f"{_phase_label(phase_kind)} extended to {ends_at.isoformat()}",
        changes={
            "reason": reason,
            **{p.kind: [p.starts_at.isoformat(), p.ends_at.isoformat()] for p in moved},
        },
    )
    return moved


# --- One step -------------------------------------------------------------------------------


def _step(cycle: Cycle, phases: dict, *, actor, reason: str, due_at) -> PhaseChange:
    """Move a locked, active cycle from its current phase to the next (or close it)."""
    source = cycle.current_phase
    target = next_phase(source, phases)
    status = CycleStatus.ACTIVE if target else CycleStatus.CLOSED
    updated = Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.ACTIVE, current_phase=source).update(
        current_phase=target, status=status
    )
    if not updated:  # unreachable under the row lock, kept as the compare-and-set's guard
        raise ValidationError({"__all__": "The cycle changed while it was being moved on. Reload the page."})
    moved = _open_appraisals(cycle, target, actor=actor, reason=reason) if target in OPENING_ACTIONS else 0
    change = PhaseChange.objects.create(
        organization=cycle.organization,
        cycle=cycle,
        kind=PhaseChangeKind.ADVANCED,
        from_phase=source,
        to_phase=target,
        due_at=due_at,
        actor=actor,
        reason=reason,
    )
    if actor is None:
        audit.record(
            organization=cycle.organization,
            actor=None,
            action="cycle.phase_advanced",
            obj=cycle,
            summary=f"{_phase_label(source)} → {_phase_label(target)} by the schedule"
            + (f"; {moved} appraisals moved" if moved else ""),
        )
    cycle.current_phase, cycle.status = target, status
    if target:
        from ..tasks import phase_opened

        organization_id, cycle_id = cycle.organization_id, cycle.pk
        transaction.on_commit(lambda: phase_opened.delay(organization_id, cycle_id, target))
    return change


def _open_appraisals(cycle: Cycle, target: str, *, actor, reason: str) -> int:
    """Apply the phase's HR transition to every appraisal of the cycle still before it: one
    UPDATE (returning each appraisal's previous state) and one bulk insert of their events.
    Appraisals already past it (someone moved ahead) are left alone."""
    action = OPENING_ACTIONS[target]
    transitions = [t for t in TRANSITIONS if t.action == action]
    sources = [t.source for t in transitions]
    new_state = transitions[0].target
    with connection.cursor() as cursor:
        # The CTE locks the rows in their old state (and re-reads a row someone is changing
        # once they commit), so the returned old state is the one the UPDATE replaced.
        cursor.execute(
            """
            WITH old AS (
                SELECT id, state FROM cycles_appraisal
                WHERE organization_id = %s AND cycle_id = %s AND state = ANY(%s)
                FOR UPDATE
            )
            UPDATE cycles_appraisal AS a
            SET state = %s, version = a.version + 1, updated_at = %s
            FROM old WHERE a.id = old.id
            RETURNING a.id, old.state
            """,
            [cycle.organization_id, cycle.pk, sources, new_state, timezone.now()],
        )
        rows = cursor.fetchall()
    note = OPENING_NOTES[target] + (f" early by HR: {reason}" if actor is not None and reason else "")
    AppraisalEvent.objects.bulk_create(
        [
            AppraisalEvent(
                organization_id=cycle.organization_id,
                appraisal_id=appraisal_id,
                actor=actor,
                from_state=old_state,
                to_state=new_state,
                note=note,
            )
            for appraisal_id, old_state in rows
        ],
        batch_size=2000,
    )
    return len(rows)


def _phase_label(kind: str) -> str:
    if not kind:
        return "closed"
    return str(PhaseKind(kind).label).lower() if kind in PHASE_ORDER else kind


def _not_active(cycle: Cycle) -> str:
    if cycle.status == CycleStatus.CLOSED:
        return "This cycle is closed: its phases no longer move."
    if cycle.status == CycleStatus.LAUNCHING:
        return "The cycle is still launching: wait until every appraisal is created."
    return "This cycle has not been launched: change its dates on the Phases page instead."
