"""Reads of a cycle's schedule: the next transition, the history of phase changes, and the
organisation's upcoming transitions. Dates are compared as calendar days in the active time
zone (the organisation's, in a request), so "in 2 days" means two dates on HR's calendar,
whatever daylight-saving change lies between."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import PHASE_ORDER, Cycle, CyclePhase, CycleStatus, PhaseChange, PhaseKind
from .services.phases import next_phase


def days_until(moment: datetime.datetime, now: datetime.datetime | None = None) -> int:
    """Calendar days from today to `moment`'s date, both in the active time zone."""
    now = now or timezone.now()
    return (timezone.localtime(moment).date() - timezone.localtime(now).date()).days


def when_label(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if moment <= now:
        return "due now"
    days = days_until(moment, now)
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def _transition(cycle: Cycle, phase: CyclePhase, kinds, now) -> dict:
    target = next_phase(phase.kind, kinds)
    return {
        "cycle": cycle,
        "phase": phase,
        "at": phase.ends_at,
        "from_label": phase.get_kind_display(),
        "to": target,
        "to_label": PhaseKind(target).label if target else "",
        "when": when_label(phase.ends_at, now),
        "days": days_until(phase.ends_at, now),
        "overdue": phase.ends_at <= now,
    }


def next_transition(cycle: Cycle, phases: list[CyclePhase], now: datetime.datetime | None = None) -> dict | None:
    """When the cycle moves on next (its current phase's end) and to what, for an active
    cycle; None otherwise."""
    if cycle.status != CycleStatus.ACTIVE or not cycle.current_phase:
        return None
    current = next((p for p in phases if p.kind == cycle.current_phase), None)
    if current is None:
        return None
    return _transition(cycle, current, [p.kind for p in phases], now or timezone.now())


def phase_history(cycle: Cycle) -> QuerySet[PhaseChange]:
    """Every move and extension, newest first, with who made it."""
    return PhaseChange.objects.filter(cycle=cycle).select_related("actor").order_by("-created_at", "-pk")


def upcoming_transitions(now: datetime.datetime | None = None) -> list[dict]:
    """Every transition still ahead of the organisation's active cycles, soonest first: each
    phase's end from the current phase on. Two queries, whatever the number of cycles."""
    now = now or timezone.now()
    cycles = (
        Cycle.objects.filter(status=CycleStatus.ACTIVE)
        .exclude(current_phase="")
        .prefetch_related(Prefetch("phases", queryset=CyclePhase.objects.order_by("starts_at")))
        .order_by("name")
    )
    rows = []
    for cycle in cycles:
        phases = list(cycle.phases.all())
        kinds = [p.kind for p in phases]
        rank = PHASE_ORDER.get(cycle.current_phase, 0)
        rows += [_transition(cycle, p, kinds, now) for p in phases if PHASE_ORDER.get(p.kind, -1) >= rank]
    rows.sort(key=lambda row: (row["at"], row["cycle"].name))
    return rows
