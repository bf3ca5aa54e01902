"""Reads of the cycle pages, each at a fixed number of queries whatever the number of cycles,
participants or units."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.people.models import Grade, OrgUnit

from .models import Cycle, CyclePhase, CycleStatus, CycleTemplate, PhaseKind
from .services.cycles import participants
from .services.launch import _template_resolver

PARTICIPANTS_SHOWN = 50


def cycles_for_list() -> QuerySet[Cycle]:
    """Every cycle with its period, phases and number of appraisals."""
    return (
        Cycle.objects.select_related("period")
        .prefetch_related(Prefetch("phases", queryset=CyclePhase.objects.order_by("starts_at")))
        .annotate(appraisal_count=Count("appraisals"))
        .order_by("-created_at")
    )


def cycle_for_detail() -> QuerySet[Cycle]:
    return Cycle.objects.select_related("period", "created_by").prefetch_related(
        Prefetch("phases", queryset=CyclePhase.objects.order_by("starts_at")),
        Prefetch("cycle_templates", queryset=CycleTemplate.objects.select_related("template__scale")),
        Prefetch("units", queryset=OrgUnit.objects.order_by("path")),
        Prefetch("grades", queryset=Grade.objects.select_related("staff_class").order_by("code")),
        "excluded",
    )


def current_phase_of(cycle: Cycle, phases: list[CyclePhase], now: datetime.datetime | None = None):
    """The phase the cycle is in: the one it records once launched, otherwise the one whose
    dates hold today (a draft shows where its schedule would be). A closed cycle is in none."""
    if cycle.status == CycleStatus.CLOSED:
        return None
    if cycle.current_phase:
        return next((p for p in phases if p.kind == cycle.current_phase), None)
    now = now or timezone.now()
    return next((p for p in phases if p.starts_at <= now < p.ends_at), None)


def timeline(phases: list[CyclePhase], now: datetime.datetime | None = None) -> dict | None:
    """Phases placed on one time axis, as percentages for the bars, and today's place on it."""
    if not phases:
        return None
    now = now or timezone.now()
    start = min(p.starts_at for p in phases)
    end = max(p.ends_at for p in phases)
    span = (end - start).total_seconds() or 1

    def percent(moment):
        return round(max(0.0, min(100.0, (moment - start).total_seconds() / span * 100)), 2)

    rows = []
    for phase in phases:
        left = percent(phase.starts_at)
        rows.append(
            {
                "phase": phase,
                "left": left,
                "width": max(round(percent(phase.ends_at) - left, 2), 0.5),
                "is_past": phase.ends_at <= now,
                "is_now": phase.starts_at <= now < phase.ends_at,
            }
        )
    return {
        "rows": rows,
        "starts_at": start,
        "ends_at": end,
        "today": percent(now) if start <= now <= end else None,
    }


def participant_summary(cycle: Cycle) -> dict:
    """Who takes part: the total, counts per top-level unit and per template, the first
    participants with their officers, and the people no template of the cycle matches.

    Grouped in SQL (by unit and by grade), so the number of queries does not grow with the
    number of participants."""
    people = participants(cycle)
    cycle_templates = list(
        cycle.cycle_templates.select_related("template").prefetch_related("template__staff_classes", "template__grades")
    )
    resolve = _template_resolver(cycle_templates)

    # Per top-level unit: count per unit path, folded onto the root each path starts with.
    roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("name"))
    by_root = {root.pk: 0 for root in roots}
    total = 0
    for row in people.values("unit__path").annotate(n=Count("id")).order_by():
        total += row["n"]
        root = next((r for r in roots if row["unit__path"].startswith(r.path)), None)
        if root is not None:
            by_root[root.pk] += row["n"]
    per_unit = [{"unit": root, "count": by_root[root.pk]} for root in roots if by_root[root.pk]]

    # Per template: count per grade, each grade resolved as the launch resolves it.
    by_template = {ct.pk: 0 for ct in cycle_templates}
    unmatched_grades, unmatched = set(), 0
    for row in people.values("grade_id", "grade__staff_class_id").annotate(n=Count("id")).order_by():
        template_id = resolve(row["grade_id"], row["grade__staff_class_id"])
        if template_id is None:
            unmatched_grades.add(row["grade_id"])
            unmatched += row["n"]
        else:
            by_template[template_id] += row["n"]
    per_template = [{"template": ct.template, "count": by_template[ct.pk]} for ct in cycle_templates]

    with_officers = people.select_related(
        "unit",
        "grade",
        "manager__manager",
        "appraising_officer_override__manager",
        "countersigning_officer_override",
    ).order_by("last_name", "first_name", "pk")
    first = list(with_officers[:PARTICIPANTS_SHOWN])
    without_template = []
    if unmatched:
        no_grade = Q(grade__isnull=True) if None in unmatched_grades else Q(pk__in=[])
        without_template = list(
            with_officers.filter(Q(grade_id__in=[g for g in unmatched_grades if g is not None]) | no_grade)[
                :PARTICIPANTS_SHOWN
            ]
        )
    return {
        "total": total,
        "per_unit": per_unit,
        "per_template": per_template,
        "participants": first,
        "shown": len(first),
        "unmatched": unmatched,
        "without_template": without_template,
    }


PHASE_WEEKS = {PhaseKind.PLANNING: 6}


def suggested_schedule(today: datetime.date | None = None) -> list[dict]:
    """A first schedule for a new cycle: from next Monday, planning six weeks and each other
    phase four, Monday 09:00 to Friday 17:00 in the organisation's time zone."""
    today = today or timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    rows, start = [], monday
    for kind in PhaseKind.values:
        weeks = PHASE_WEEKS.get(kind, 4)
        friday = start + datetime.timedelta(weeks=weeks, days=-3)
        rows.append(
            {
                "kind": kind,
                "starts_at": timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))),
                "ends_at": timezone.make_aware(datetime.datetime.combine(friday, datetime.time(17))),
            }
        )
        start += datetime.timedelta(weeks=weeks)
    return rows
