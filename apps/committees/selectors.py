"""Reads the committee pages share, each in a fixed number of queries.

Completion figures of several groups come from ONE aggregate: appraisals of the cycle counted
by the appraisee's unit path and state, then summed per group in Python by path prefix (a
group's scope is a set of unit subtrees). Overdue follows apps/cycles/selectors_tasks: an
appraisal still in a state whose phase has ended.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from apps.cycles.models import Appraisal, AppraisalState, Cycle, CyclePhase
from apps.cycles.selectors_tasks import STATE_PHASE
from apps.people.services.tree import segment
from apps.tenancy import generations

from .models import (
    Announcement,
    Committee,
    CommitteeMember,
    Issue,
    IssueStatus,
    Lesson,
    ProgressReport,
    ReportStatus,
    TrainingAttendance,
)
from .scope import covers_path, scope_paths

S = AppraisalState
COMPLETED = (S.RELEASED, S.ACKNOWLEDGED)
LATEST_REPORTS = 5
_SEGMENT = len(segment(0))  # characters of one level of a unit path


def committee_queryset():
    members = CommitteeMember.objects.select_related("employee__unit").order_by("role", "employee__last_name")
    return Committee.objects.select_related("reports_to").prefetch_related(
        "units", Prefetch("members", queryset=members)
    )


def cycle_with_phases():
    return Cycle.objects.prefetch_related(Prefetch("phases", queryset=CyclePhase.objects.order_by("starts_at")))


# --- Completion figures ---------------------------------------------------------------------


def _late_states(cycle: Cycle, now: datetime.datetime) -> set[str]:
    ended = {phase.kind for phase in cycle.phases.all() if phase.ends_at < now}
    return {state for state, kind in STATE_PHASE.items() if kind in ended}


def figures_for(cycle: Cycle, committees: list[Committee], *, now: datetime.datetime | None = None) -> dict:
    """Committee pk → completion figures for its scope in `cycle` (phases and units prefetched):
    one query for all of them."""
    now = now or timezone.now()
    late = _late_states(cycle, now)
    rows = (
        Appraisal.objects.filter(cycle=cycle).values("employee__unit__path", "state").annotate(n=Count("pk")).order_by()
    )
    rows = list(rows)
    result = {}
    for committee in committees:
        paths = scope_paths(committee)
        by_state = defaultdict(int)
        for row in rows:
            if covers_path(paths, row["employee__unit__path"]):
                by_state[row["state"]] += row["n"]
        result[committee.pk] = make_figures(dict(by_state), late, now)
    return result


def make_figures(by_state: dict, late_states: set, now: datetime.datetime) -> dict:
    """The figures as stored in a report's frozen snapshot (plain JSON)."""
    total = sum(by_state.values())
    completed = sum(by_state.get(state, 0) for state in COMPLETED)
    return {
        "total": total,
        "by_state": {state: by_state.get(state, 0) for state in S.values},
        "completed": completed,
        "percent_complete": round(completed * 100 / total, 1) if total else 0,
        "overdue": sum(n for state, n in by_state.items() if state in late_states),
        "as_of": now.isoformat(),
    }


def state_rows(figures: dict) -> list[tuple[str, int]]:
    """(label, count) per appraisal state, for tables."""
    return [(label, figures.get("by_state", {}).get(state, 0)) for state, label in S.choices]


# --- Reports side by side -------------------------------------------------------------------


def reports_side_by_side(committee: Committee, cycle: Cycle) -> list[ProgressReport]:
    """The reports groups filed to `committee` for `cycle`, each with `shown_figures`: frozen
    when submitted, live while a draft. Constant queries: reports with their groups and scopes,
    then one aggregate for every draft's live figures."""
    reports = list(
        ProgressReport.objects.filter(to_committee=committee, cycle=cycle)
        .select_related("group", "submitted_by")
        .prefetch_related("group__units")
        .order_by("group__name", "created_at")
    )
    drafts = [r for r in reports if r.status == ReportStatus.DRAFT]
    live = figures_for(cycle, [r.group for r in drafts]) if drafts else {}
    for report in reports:
        report.shown_figures = report.figures if report.status == ReportStatus.SUBMITTED else live[report.group_id]
    return reports


def report_table(reports: list[ProgressReport]) -> list[dict]:
    """Rows of the side-by-side table: one cell per report (column)."""
    rows = [{"label": "Appraisals", "cells": [r.shown_figures["total"] for r in reports]}]
    for state, label in S.choices:
        rows.append({"label": label, "cells": [r.shown_figures["by_state"].get(state, 0) for r in reports]})
    rows.append({"label": "Overdue", "cells": [r.shown_figures["overdue"] for r in reports], "warn": True})
    return rows


# --- The committee page ---------------------------------------------------------------------


def open_issues(committee: Committee, limit: int = 20):
    return list(
        Issue.objects.filter(committee=committee)
        .exclude(status=IssueStatus.RESOLVED)
        .select_related("owner", "cycle")
        .order_by("created_at")[:limit]
    )


def latest_reports(committee: Committee):
    """Reports the committee received and the ones it filed itself, newest first."""
    return list(
        ProgressReport.objects.filter(Q(to_committee=committee) | Q(group=committee))
        .select_related("group", "to_committee", "cycle")
        .order_by("-created_at")[:LATEST_REPORTS]
    )


def lessons_by_cycle(committee: Committee):
    lessons = (
        Lesson.objects.filter(committee=committee)
        .select_related("cycle", "recorded_by")
        .order_by("-cycle__created_at", "created_at")
    )
    grouped = {}
    for lesson in lessons:
        grouped.setdefault(lesson.cycle, []).append(lesson)
    return list(grouped.items())


def trained_annotation(field: str):
    """Exists() that the employee in `field` attended any training session: one subquery, no
    per-row query, for lists of appraisals or people."""
    return Exists(TrainingAttendance.objects.filter(employee_id=OuterRef(field)))


# --- Announcements --------------------------------------------------------------------------


def current_announcements_for(employee, *, limit: int = 5):
    """announcements_for() now, as the dashboard shows it on every visit: kept per unit until an
    announcement or a unit changes, and for a minute at most, so a scheduled one appears (or an
    ended one goes) within a minute of its time."""
    path = employee.unit.path if employee is not None and employee.unit_id is not None else "-"
    return generations.cached(
        "announcements",
        (path, limit),
        ("committees", "people"),
        lambda: announcements_for(employee, limit=limit),
        max_age=60,
    )


def announcements_for(employee, *, now: datetime.datetime | None = None, limit: int = 5):
    """Current announcements for this person: to all staff, or to a unit at or above theirs.
    One query: the unit's ancestors are the prefixes of its materialised path."""
    now = now or timezone.now()
    current = Announcement.objects.filter(published_from__lte=now).filter(
        Q(published_until__isnull=True) | Q(published_until__gt=now)
    )
    to_all = ~Exists(Announcement.units.through.objects.filter(announcement_id=OuterRef("pk")))
    if employee is None or employee.unit_id is None:
        audience = Q(to_all)
    else:
        path = employee.unit.path
        prefixes = [path[:end] for end in range(_SEGMENT, len(path) + 1, _SEGMENT)]
        to_unit = Exists(
            Announcement.units.through.objects.filter(announcement_id=OuterRef("pk"), orgunit__path__in=prefixes)
        )
        audience = Q(to_all) | Q(to_unit)
    return list(current.filter(audience).select_related("committee").order_by("-published_from")[:limit])
