"""Preparing a cycle: its name and period, the templates it assesses with, who takes part,
and its dated phases."""

from django.db import transaction
from django.db.models import Q

from apps.people.models import Employee
from apps.people.services.validation import FieldErrors, check_same_tenant
from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import PHASE_ORDER, Cycle, CyclePhase, CycleStatus, CycleTemplate

CYCLE_FIELDS = ("name", "description", "period", "hired_on_or_before", "appeal_window_days")


@transaction.atomic
def cycle_save(
    *,
    actor,
    membership,
    name: str,
    period,
    description: str = "",
    templates=(),
    units=(),
    grades=(),
    hired_on_or_before=None,
    excluded=(),
    appeal_window_days: int = 14,
    cycle: Cycle | None = None,
) -> Cycle:
    """Create a cycle or change one that has not been launched."""
    require_hr_admin(membership)
    organization = membership.organization
    created = cycle is None
    cycle = (
        Cycle(organization=organization, created_by=actor)
        if created
        else Cycle.objects.select_for_update().get(pk=cycle.pk)
    )
    errors = FieldErrors()
    if not created and cycle.status != CycleStatus.DRAFT:
        errors.add(
            "__all__", "This cycle has been launched: its set-up is fixed. Reassign officers on its appraisals instead."
        )
    name = (name or "").strip()
    if not name:
        errors.add("name", "Name the cycle, for example “Performance appraisal 2026”.")
    elif Cycle.objects.filter(name__iexact=name).exclude(pk=cycle.pk).exists():
        errors.add("name", "Another cycle has this name.")
    if period is None:
        errors.add("period", "Choose the goal period the cycle appraises.")
    if appeal_window_days is None or not 0 <= appeal_window_days <= 365:
        errors.add("appeal_window_days", "Give the appeal window in days, from 0 to 365.")
    templates, units, grades, excluded = list(templates), list(units), list(grades), list(excluded)
    check_same_tenant(errors, organization, period=period)
    for field, items in (("templates", templates), ("units", units), ("grades", grades), ("excluded", excluded)):
        for item in items:
            check_same_tenant(errors, organization, **{field: item})
    if not templates:
        errors.add("templates", "Choose at least one appraisal template.")
    errors.raise_if_any()
    before = {} if created else audit.snapshot(cycle, CYCLE_FIELDS)
    cycle.name, cycle.description, cycle.period = name, description, period
    cycle.hired_on_or_before, cycle.appeal_window_days = hired_on_or_before, appeal_window_days
    cycle.save()
    cycle.units.set(units)
    cycle.grades.set(grades)
    cycle.excluded.set(excluded)
    CycleTemplate.objects.filter(cycle=cycle).exclude(template__in=templates).delete()
    have = set(CycleTemplate.objects.filter(cycle=cycle).values_list("template_id", flat=True))
    CycleTemplate.objects.bulk_create(
        [CycleTemplate(organization=organization, cycle=cycle, template=t) for t in templates if t.pk not in have]
    )
    audit.record(
        organization=organization,
        actor=actor,
        action="cycle.created" if created else "cycle.changed",
        obj=cycle,
        summary=name,
        changes=audit.diff(cycle, before, CYCLE_FIELDS),
    )
    return cycle


@transaction.atomic
def phases_save(*, actor, membership, cycle: Cycle, phases: list[dict]) -> list[CyclePhase]:
    """Set the cycle's dated phases at once: [{kind, starts_at, ends_at}], any order.

    Phases run in their fixed order and do not overlap. Before launch every phase may move;
    once launched, phases that have ended stay as they were (advancing and extending them by
    hand, with a reason, belongs to the automation).
    """
    require_hr_admin(membership)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    errors = FieldErrors()
    rows = sorted((p for p in phases if p.get("kind")), key=lambda p: PHASE_ORDER.get(p["kind"], 99))
    if not rows:
        errors.add("phases", "Give the cycle its phases and their dates.")
    seen = set()
    previous = None
    for row in rows:
        label = dict(CyclePhase._meta.get_field("kind").choices).get(row["kind"], row["kind"])
        if row["kind"] not in PHASE_ORDER:
            errors.add("phases", f"“{row['kind']}” is not a phase of a cycle.")
            continue
        if row["kind"] in seen:
            errors.add("phases", f"{label} is given twice.")
        seen.add(row["kind"])
        if not row.get("starts_at") or not row.get("ends_at"):
            errors.add("phases", f"{label}: give when it starts and when it ends.")
            continue
        if row["ends_at"] <= row["starts_at"]:
            errors.add("phases", f"{label}: it must end after it starts.")
        if previous is not None and row["starts_at"] < previous["ends_at"]:
            errors.add("phases", f"{label} starts before the phase before it ends: phases run one after another.")
        previous = row
    if cycle.status != CycleStatus.DRAFT:
        errors.add("phases", "This cycle has been launched: move its phases from the cycle's schedule instead.")
    errors.raise_if_any()
    CyclePhase.objects.filter(cycle=cycle).delete()
    created = CyclePhase.objects.bulk_create(
        [
            CyclePhase(
                organization=cycle.organization,
                cycle=cycle,
                kind=r["kind"],
                starts_at=r["starts_at"],
                ends_at=r["ends_at"],
            )
            for r in rows
        ]
    )
    audit.record(
        organization=cycle.organization,
        actor=actor,
        action="cycle.phases_set",
        obj=cycle,
        summary=cycle.name,
        changes={r["kind"]: [str(r["starts_at"]), str(r["ends_at"])] for r in rows},
    )
    return created


def participants(cycle: Cycle):
    """The active employees the cycle appraises, as a queryset (one query to evaluate)."""
    queryset = Employee.objects.filter(is_active=True)
    unit_paths = list(cycle.units.values_list("path", flat=True))
    if unit_paths:
        in_units = Q()
        for path in unit_paths:
            in_units |= Q(unit__path__startswith=path)
        queryset = queryset.filter(in_units)
    grade_ids = list(cycle.grades.values_list("pk", flat=True))
    if grade_ids:
        queryset = queryset.filter(grade_id__in=grade_ids)
    if cycle.hired_on_or_before:
        queryset = queryset.filter(Q(hire_date__lte=cycle.hired_on_or_before) | Q(hire_date__isnull=True))
    excluded = list(cycle.excluded.values_list("pk", flat=True))
    if excluded:
        queryset = queryset.exclude(pk__in=excluded)
    return queryset
