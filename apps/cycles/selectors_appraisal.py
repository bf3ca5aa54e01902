"""Reads for the appraisal screens (detail, planning, mid-term): each a fixed number of queries."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.goals.models import Goal, GoalLevel, GoalStatus

from . import permissions
from .models import Appraisal, AppraisalEvent, AppraisalState, AppraisalTarget, CyclePhase

# What a page of the appraisal shows in its header, besides the cycle and the frozen template.
_PAGE_RELATED = ("employee__unit", "employee__position", "appraising_officer", "countersigning_officer")


def appraisal_for_person(*, appraisal_id, employee, membership, for_write=False) -> tuple[Appraisal, set]:
    """The appraisal and the person's roles on it; 404 when they may not see it (another tenant's
    id included), so an unseen appraisal and a missing one look the same. `for_write` leaves out
    the people and units a page shows: a save that succeeds redirects, and the seven-table join
    costs PostgreSQL more to plan than to run (make bench)."""
    queryset = Appraisal.objects.select_related("cycle", "cycle_template", *(() if for_write else _PAGE_RELATED))
    appraisal = get_object_or_404(queryset, public_id=appraisal_id)
    roles = permissions.roles_for(appraisal, employee=employee, membership=membership)
    if not permissions.can_view(roles):
        raise Http404("No appraisal here.")
    return appraisal, roles


def current_phase(cycle) -> CyclePhase | None:
    if not cycle.current_phase:
        return None
    return CyclePhase.objects.filter(cycle=cycle, kind=cycle.current_phase).first()


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
