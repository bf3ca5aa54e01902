"""The bulk work, timed: the CSV import of a whole organisation, launching cycles of the peer
comparison's shape, and the reminder sweep over every pending action of the big cycle."""

from __future__ import annotations

import time
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.cycles.benchmark_data import build_launch_case
from apps.cycles.benchmark_data import create_organization as create_launch_organization
from apps.cycles.models import Appraisal, AppraisalTarget
from apps.cycles.services.launch import cycle_launch, run_launch
from apps.notifications.services.reminders import sweep_reminders
from apps.people.management.commands.benchmark_csv_import import department_codes, employees_csv, units_csv
from apps.people.models import CsvImport, Grade, StaffClass
from apps.people.services import imports
from apps.tenancy.models import Membership, Organization, Role
from apps.tenancy.scoping import tenant_scope

from .data import refresh_statistics
from .measure import measure


class _Rollback(Exception):
    pass


def csv_import(rows: int) -> dict:
    """Units then `rows` employees through preview and apply, in a fresh organisation that is
    rolled back afterwards. Timed: the employees file, preview plus apply."""
    result = {}
    try:
        with transaction.atomic():
            slug = f"bench-import-{uuid.uuid4().hex[:8]}"
            organization = Organization.objects.create(name=f"Benchmark {slug}", slug=slug)
            admin = get_user_model().objects.create_user(email=f"hr@{slug}.example", password=None)
            membership = Membership.objects.create(organization=organization, user=admin, role=Role.HR_ADMIN)
            with tenant_scope(organization):
                staff_class = StaffClass.objects.create(organization=organization, code="PRO", name="Professionals")
                Grade.objects.create(organization=organization, code="P3", name="P3", staff_class=staff_class)
                _import(membership, "units", units_csv())
                text = employees_csv(rows, department_codes(), "P3")
                result = _import(membership, "employees", text)
            raise _Rollback
    except _Rollback:
        pass
    return result


def _import(membership, kind: str, text: str) -> dict:
    raw = text.encode()
    actor = membership.user
    started = time.perf_counter()
    done = imports.csv_import_preview(actor=actor, membership=membership, kind=kind, file_name=f"{kind}.csv", raw=raw)
    previewed = time.perf_counter()
    done = imports.csv_import_apply(actor=actor, membership=membership, csv_import=done)
    applied = time.perf_counter()
    if done.status != CsvImport.Status.APPLIED:
        raise RuntimeError(f"{kind} import did not apply: {done.errors[:5]}")
    return {
        "rows": done.row_count,
        "preview_s": previewed - started,
        "apply_s": applied - previewed,
        "total_s": applied - started,
    }


def peer_launch(appraisees: int) -> dict:
    """The peer comparison's shape (4 weighted targets, 3 competencies per appraisal): the launch
    button's service and the task's work, with statements; rolled back afterwards."""
    result = {}
    try:
        with transaction.atomic():
            organization, membership = create_launch_organization(f"bench-peer-{uuid.uuid4().hex[:8]}")
            with tenant_scope(organization):
                cycle = build_launch_case(membership, appraisees)
                refresh_statistics()
                checked = measure(lambda: cycle_launch(actor=membership.user, membership=membership, cycle=cycle))
                ran = measure(lambda: run_launch(checked.result))
                if ran.result != appraisees:
                    raise RuntimeError(f"launch created {ran.result} appraisals for {appraisees}")
                result = _launch_figures(appraisees, checked, ran, cycle)
            raise _Rollback
    except _Rollback:
        pass
    return result


def _launch_figures(appraisees, checked, ran, cycle) -> dict:
    seconds = checked.seconds + ran.seconds
    statements = checked.statements + ran.statements
    return {
        "appraisees": appraisees,
        "targets": AppraisalTarget.objects.filter(appraisal__cycle=cycle).count(),
        "seconds": seconds,
        "statements": statements,
        "ms_per_appraisal": 1000 * seconds / appraisees,
        "statements_per_appraisal": statements / appraisees,
    }


def case_launch(case) -> dict:
    """The big organisation's own launch (timed while generating it)."""
    with tenant_scope(case.organization):
        return _launch_figures(case.appraisals, case.launch, case.run, case.cycle)


def reminder_sweep(case) -> list[dict]:
    """Two sweeps over the cycle: everything due, then a routine tick with nothing new."""
    now = timezone.now()
    out = []
    with tenant_scope(case.organization):
        pending = Appraisal.objects.filter(cycle=case.cycle).count()
        for label in ("first", "second"):
            done = measure(lambda: sweep_reminders(case.organization, now=now))
            out.append(
                {
                    "sweep": label,
                    "seconds": done.seconds,
                    "statements": done.statements,
                    "due": done.result.due,
                    "sent": done.result.sent,
                    "pending_actions": pending,
                }
            )
    return out
