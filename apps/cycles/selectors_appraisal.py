"""Reads for the appraisal screens (detail, planning, mid-term): each a fixed number of queries."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.goals.models import Goal, GoalLevel, GoalStatus
from apps.people.models import Employee
from apps.tenancy import generations

from . import permissions
from .models import Appraisal, AppraisalEvent, AppraisalState, AppraisalTarget, CyclePhase
from .services.self_assessment import current_values, self_assessment_fields, stored_rows


def appraisal_read_domains(public_id) -> tuple[str, ...]:
    """What an appraisal screen reads of it: the appraisal's own rows (not "appraisals": another
    appraisee's save leaves them cached), its cycle and frozen template, its people."""
    return (*generations.appraisal_domains(public_id), "cycles", "people")


def appraisal_for_person(*, appraisal_id, employee, membership, for_write=False, cached=False) -> tuple[Appraisal, set]:
    """The appraisal with its cycle and frozen template, and the person's roles on it; 404 when
    they may not see it (another tenant's id included), so an unseen appraisal and a missing one
    look the same. Pages also get the appraisee (unit, post) and the officers; `for_write` reads
    the appraisal's own row only (the rest loads when used): a save that succeeds redirects, and
    its service reads what it needs under its lock. `cached` (the pages people read, not their posts):
    the same rows kept until this appraisal's rows or any of its cycle and people are written; the roles are the person's own,
    worked out on every request."""
    if for_write:
        appraisal = get_object_or_404(Appraisal, public_id=appraisal_id)
    elif cached:
        appraisal = generations.cached(
            "appraisal", (appraisal_id,), appraisal_read_domains(appraisal_id), lambda: _read(appraisal_id)
        )
    else:
        appraisal = _read(appraisal_id)
    roles = permissions.roles_for(appraisal, employee=employee, membership=membership)
    if not permissions.can_view(roles):
        raise Http404("No appraisal here.")
    return appraisal, roles


def _read(appraisal_id) -> Appraisal:
    appraisal = get_object_or_404(Appraisal.objects.select_related("cycle", "cycle_template"), public_id=appraisal_id)
    _attach_people(appraisal)
    return appraisal


def _attach_people(appraisal: Appraisal) -> None:
    """The appraisee and both officers in a query of their own. Joined to the appraisal, cycle
    and template (seven tables, a dozen indexes on each people table), the statement took
    PostgreSQL 4-8 ms to plan for 0.4 ms of work; apart, both plan in under 1 ms (make bench)."""
    ids = {appraisal.employee_id, appraisal.appraising_officer_id, appraisal.countersigning_officer_id} - {None}
    people = {person.pk: person for person in Employee.objects.select_related("unit", "position").filter(pk__in=ids)}
    appraisal.employee = people[appraisal.employee_id]
    for field in ("appraising_officer", "countersigning_officer"):
        setattr(appraisal, field, people.get(getattr(appraisal, f"{field}_id")))


def current_phase(cycle) -> CyclePhase | None:
    """The cycle's current phase with its dates (kept until cycles are written)."""
    if not cycle.current_phase:
        return None
    return generations.cached(
        "current-phase",
        (cycle.pk, cycle.current_phase),
        ("cycles",),
        lambda: CyclePhase.objects.filter(cycle=cycle, kind=cycle.current_phase).first(),
    )


def self_assessment_reads(appraisal: Appraisal) -> tuple[list[AppraisalTarget], list, dict]:
    """The self-assessment's targets, the fields the appraisee fills and what is stored in them
    (two queries, kept like the appraisal's row in appraisal_for_person)."""

    def read():
        snapshot = appraisal.cycle_template.snapshot
        targets = list(appraisal.targets.order_by("order", "pk"))
        fields = self_assessment_fields(snapshot, targets)
        return targets, fields, current_values(snapshot, stored_rows(appraisal), fields)

    return generations.cached("self-assessment", (appraisal.pk,), appraisal_read_domains(appraisal.public_id), read)


def appraisal_targets(appraisal: Appraisal) -> list[AppraisalTarget]:
    return list(appraisal.targets.select_related("goal").order_by("order", "pk"))


def appraisal_events(appraisal: Appraisal) -> list[AppraisalEvent]:
    """The history, oldest first, each event with its states' labels for the timeline."""
    labels = dict(AppraisalState.choices)
    events = list(appraisal.events.select_related("actor").order_by("created_at", "pk"))
    for event in events:
        event.from_label = labels.get(event.from_state, event.from_state)
        event.to_label = labels.get(event.to_state, event.to_state)
    return events


def goal_choices(appraisal: Appraisal):
    """Goals a target may serve: the appraisee's own work targets, their post's targets, the goals
    of their unit and the units above it, and the strategic and corporate goals — all of the
    cycle's period, dropped goals left out."""
    employee = appraisal.employee
    # The unit's materialised path holds its ancestors' ids ("000012/000040/"): no query needed.
    unit_ids = [int(part) for part in employee.unit.path.split("/") if part] or [employee.unit_id]
    serves = (
        Q(level=GoalLevel.INDIVIDUAL, employee_id=employee.pk)
        | Q(level=GoalLevel.UNIT, unit_id__in=unit_ids)
        | Q(level__in=(GoalLevel.STRATEGIC, GoalLevel.CORPORATE))
    )
    if employee.position_id:
        serves |= Q(level=GoalLevel.POSITION, position_id=employee.position_id)
    return (
        Goal.objects.filter(serves, period_id=appraisal.cycle.period_id)
        .exclude(status=GoalStatus.DROPPED)
        .order_by("path")
    )


def both_agreed(targets: list[AppraisalTarget]) -> bool:
    return bool(targets) and all(t.agreed_by_appraisee_at and t.agreed_by_officer_at for t in targets)
