"""Launching a cycle: every participant's appraisal, with work targets proposed from their
goals, created by a Celery task in bulk batches that report their progress.

The launch is idempotent twice over: the cycle moves draft → launching with a compare-and-set,
and each batch inserts with ON CONFLICT DO NOTHING on (cycle, employee) and seeds targets only
for appraisals whose targets are not seeded yet — a second run, or a retried batch, creates
nothing twice.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.goals.models import Goal, GoalLevel, GoalStatus
from apps.people.models import Employee
from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from .. import notices
from ..models import (
    Appraisal,
    AppraisalEvent,
    AppraisalState,
    AppraisalTarget,
    Cycle,
    CycleStatus,
    CycleTemplate,
    PhaseKind,
)
from .cycles import participants
from .freeze import template_snapshot
from .templates import template_problems

BATCH = 2000


def launch_problems(cycle: Cycle) -> list[str]:
    """What keeps a cycle from launching, in words HR can act on."""
    problems = []
    kinds = set(cycle.phases.values_list("kind", flat=True))
    missing = [label for kind, label in PhaseKind.choices if kind not in kinds]
    if missing:
        problems.append("Give dates to every phase: " + ", ".join(missing) + " missing.")
    cycle_templates = list(
        cycle.cycle_templates.select_related("template__scale").prefetch_related(
            "template__staff_classes", "template__grades"
        )
    )
    if not cycle_templates:
        problems.append("Choose the templates the cycle assesses with.")
    for ct in cycle_templates:
        for problem in template_problems(ct.template):
            problems.append(f"Template “{ct.template.name}”: {problem}")
    people = list(participants(cycle).values("id", "grade_id", "grade__staff_class_id"))
    if not people:
        problems.append("Nobody takes part: widen the units, grades or hire-date cut-off.")
    resolve = _template_resolver(cycle_templates)
    without = sum(1 for p in people if resolve(p["grade_id"], p["grade__staff_class_id"]) is None)
    if without:
        problems.append(
            f"{without} participant{'s' if without != 1 else ''} match no template of the cycle (by grade or staff class): "
            "add a template for them, or leave them out."
        )
    return problems


@transaction.atomic
def cycle_launch(*, actor, membership, cycle: Cycle) -> Cycle:
    """Check the cycle, freeze its templates and hand the work to the launch task."""
    require_hr_admin(membership)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.DRAFT:
        return cycle  # launching twice is a no-op, not an error
    problems = launch_problems(cycle)
    if problems:
        raise ValidationError({"__all__": problems})
    for ct in cycle.cycle_templates.select_related("template__scale"):
        ct.snapshot = template_snapshot(ct.template)
        ct.save(update_fields=["snapshot"])
    first_phase = cycle.phases.order_by("starts_at").values_list("kind", flat=True).first()
    cycle.status = CycleStatus.LAUNCHING
    cycle.current_phase = first_phase or ""
    cycle.launch_total = participants(cycle).count()
    cycle.launch_done = 0
    cycle.launch_error = ""
    cycle.save(update_fields=["status", "current_phase", "launch_total", "launch_done", "launch_error"])
    audit.record(
        organization=cycle.organization,
        actor=actor,
        action="cycle.launch_started",
        obj=cycle,
        summary=f"{cycle.name}: {cycle.launch_total} appraisees",
    )
    from ..tasks import launch_cycle

    organization_id, cycle_id = cycle.organization_id, cycle.pk
    transaction.on_commit(lambda: launch_cycle.delay(organization_id, cycle_id))
    return cycle


def run_launch(cycle: Cycle) -> int:
    """Create the appraisals of a launching cycle in batches; returns how many were created."""
    if cycle.status != CycleStatus.LAUNCHING:
        return 0
    cycle_templates = list(
        cycle.cycle_templates.select_related("template").prefetch_related("template__staff_classes", "template__grades")
    )
    resolve = _template_resolver(cycle_templates)
    managers = dict(Employee.objects.values_list("id", "manager_id"))
    people = list(
        participants(cycle)
        .values(
            "id",
            "grade_id",
            "grade__staff_class_id",
            "manager_id",
            "position_id",
            "appraising_officer_override_id",
            "countersigning_officer_override_id",
        )
        .order_by("id")
    )
    created = 0
    for start in range(0, len(people), BATCH):
        created += _launch_batch(cycle, people[start : start + BATCH], resolve, managers)
        Cycle.objects.filter(pk=cycle.pk).update(launch_done=min(start + BATCH, len(people)))
    Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.LAUNCHING).update(
        status=CycleStatus.ACTIVE, launched_at=timezone.now(), launch_done=len(people)
    )
    notices.cycle_launched(cycle)
    audit.record(
        organization=cycle.organization,
        actor=None,
        action="cycle.launched",
        obj=cycle,
        summary=f"{cycle.name}: {created} appraisals created",
    )
    return created


@transaction.atomic
def _launch_batch(cycle: Cycle, people: list[dict], resolve, managers: dict) -> int:
    organization = cycle.organization
    rows = []
    for person in people:
        cycle_template_id = resolve(person["grade_id"], person["grade__staff_class_id"])
        if cycle_template_id is None:
            continue  # launch_problems() refused this before launch; someone regraded since
        officer = person["appraising_officer_override_id"] or person["manager_id"]
        countersigning = person["countersigning_officer_override_id"] or (managers.get(officer) if officer else None)
        rows.append(
            Appraisal(
                organization=organization,
                cycle=cycle,
                employee_id=person["id"],
                cycle_template_id=cycle_template_id,
                appraising_officer_id=officer,
                countersigning_officer_id=countersigning,
                state=AppraisalState.PLANNING,
            )
        )
    Appraisal.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    fresh = list(
        Appraisal.objects.filter(
            cycle=cycle, employee_id__in=[p["id"] for p in people], targets_seeded=False
        ).values_list("id", "employee_id")
    )
    if not fresh:
        return 0
    appraisal_of = {employee_id: appraisal_id for appraisal_id, employee_id in fresh}
    targets = _proposed_targets(cycle, people, appraisal_of)
    AppraisalTarget.objects.bulk_create(targets, batch_size=BATCH)
    Appraisal.objects.filter(pk__in=appraisal_of.values()).update(targets_seeded=True)
    AppraisalEvent.objects.bulk_create(
        [
            AppraisalEvent(
                organization=organization,
                appraisal_id=appraisal_id,
                to_state=AppraisalState.PLANNING,
                note="Cycle launched",
            )
            for appraisal_id in appraisal_of.values()
        ],
        batch_size=BATCH,
    )
    return len(appraisal_of)


def _proposed_targets(cycle: Cycle, people: list[dict], appraisal_of: dict) -> list[AppraisalTarget]:
    """Each person's own work targets of the period, plus the targets of their post that they
    have not taken on as their own yet: two queries for the whole batch."""
    organization = cycle.organization
    employee_ids = list(appraisal_of)
    own = list(
        Goal.objects.filter(
            period=cycle.period,
            level=GoalLevel.INDIVIDUAL,
            employee_id__in=employee_ids,
            status__in=(GoalStatus.DRAFT, GoalStatus.ACTIVE),
        )
        .values("id", "employee_id", "title", "measure", "weight", "source_id")
        .order_by("employee_id", "path")
    )
    taken = {(g["employee_id"], g["source_id"]) for g in own if g["source_id"]}
    position_of = {p["id"]: p["position_id"] for p in people if p["id"] in appraisal_of and p["position_id"]}
    posts = {}
    for goal in (
        Goal.objects.filter(
            period=cycle.period,
            level=GoalLevel.POSITION,
            position_id__in=set(position_of.values()),
            status=GoalStatus.ACTIVE,
        )
        .values("id", "position_id", "title", "measure")
        .order_by("path")
    ):
        posts.setdefault(goal["position_id"], []).append(goal)
    targets, order = [], {}
    for goal in own:
        order[goal["employee_id"]] = order.get(goal["employee_id"], 0) + 1
        targets.append(
            AppraisalTarget(
                organization=organization,
                appraisal_id=appraisal_of[goal["employee_id"]],
                goal_id=goal["id"],
                title=goal["title"],
                measure=goal["measure"],
                weight=goal["weight"],
                order=order[goal["employee_id"]],
            )
        )
    for employee_id, position_id in position_of.items():
        for goal in posts.get(position_id, []):
            if (employee_id, goal["id"]) in taken:
                continue
            order[employee_id] = order.get(employee_id, 0) + 1
            targets.append(
                AppraisalTarget(
                    organization=organization,
                    appraisal_id=appraisal_of[employee_id],
                    goal_id=goal["id"],
                    title=goal["title"],
                    measure=goal["measure"],
                    order=order[employee_id],
                )
            )
    return targets


def _template_resolver(cycle_templates: list[CycleTemplate]):
    """(grade id, staff class id) → cycle template id: a grade's own template wins over its class's."""
    by_grade, by_class = {}, {}
    for ct in cycle_templates:
        for grade in ct.template.grades.all():
            by_grade.setdefault(grade.pk, ct.pk)
        for staff_class in ct.template.staff_classes.all():
            by_class.setdefault(staff_class.pk, ct.pk)

    def resolve(grade_id, staff_class_id):
        return by_grade.get(grade_id) or by_class.get(staff_class_id)

    return resolve


def launch_failed(cycle_id: int, error: Exception) -> None:
    Cycle.objects.filter(pk=cycle_id).update(launch_error=str(error)[:2000])
