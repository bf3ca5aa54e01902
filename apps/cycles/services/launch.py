"""Launching a cycle: every participant's appraisal, with work targets proposed from their
goals, created by a Celery task in bulk batches that report their progress.

The launch is idempotent twice over: the cycle moves draft → launching with a compare-and-set,
and each batch inserts with ON CONFLICT DO NOTHING on (cycle, employee) and seeds targets only
for appraisals whose targets are not seeded yet — a second run, or a retried batch, creates
nothing twice.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.goals.models import GoalLevel, GoalStatus
from apps.people.models import Employee
from apps.tenancy import audit
from apps.tenancy.bulk_insert import insert_from_select
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
    """One batch in three statements run by the database: the appraisals (skipping people who
    have one already), then the targets and first events of those whose targets are not
    seeded yet. No model instance is built in Python; that was most of a launch's time."""
    employee_ids, template_ids, officer_ids, countersigning_ids = [], [], [], []
    for person in people:
        cycle_template_id = resolve(person["grade_id"], person["grade__staff_class_id"])
        if cycle_template_id is None:
            continue  # launch_problems() refused this before launch; someone regraded since
        officer = person["appraising_officer_override_id"] or person["manager_id"]
        employee_ids.append(person["id"])
        template_ids.append(cycle_template_id)
        officer_ids.append(officer)
        countersigning_ids.append(person["countersigning_officer_override_id"] or managers.get(officer))
    organization = cycle.organization
    insert_from_select(
        Appraisal,
        organization=organization,
        values={
            "employee_id": "p.employee_id",
            "cycle_template_id": "p.cycle_template_id",
            "appraising_officer_id": "p.officer_id",
            "countersigning_officer_id": "p.countersigning_id",
        },
        constants={"cycle_id": cycle.pk, "state": AppraisalState.PLANNING},
        from_sql="FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) "
        "AS p(employee_id, cycle_template_id, officer_id, countersigning_id)",
        params=[employee_ids, template_ids, officer_ids, countersigning_ids],
        on_conflict="ON CONFLICT (cycle_id, employee_id) DO NOTHING",
    )
    fresh = list(
        Appraisal.objects.filter(cycle=cycle, employee_id__in=employee_ids, targets_seeded=False).values_list(
            "id", flat=True
        )
    )
    if not fresh:
        return 0
    _seed_targets(cycle, fresh)
    insert_from_select(
        AppraisalEvent,
        organization=organization,
        values={"appraisal_id": "a.id"},
        constants={"to_state": AppraisalState.PLANNING, "note": "Cycle launched"},
        from_sql="FROM unnest(%s::bigint[]) AS a(id)",
        params=[fresh],
    )
    Appraisal.objects.filter(pk__in=fresh).update(targets_seeded=True)
    return len(fresh)


# Each person's own work targets of the period, then the targets of their post that they have
# not taken on as their own yet, numbered in that order. Every table is filtered by the
# organisation explicitly: raw SQL does not pass through the tenant-scoped managers.
_PROPOSED_TARGETS = """
WITH fresh AS (
    SELECT a.id AS appraisal_id, a.employee_id, e.position_id
    FROM cycles_appraisal a JOIN people_employee e ON e.id = a.employee_id AND e.organization_id = %(org)s
    WHERE a.organization_id = %(org)s AND a.id = ANY(%(fresh)s)
), proposed AS (
    SELECT f.appraisal_id, g.id AS goal_id, g.title, g.measure, g.weight, 0 AS source_rank, g.path
    FROM fresh f JOIN goals_goal g ON g.employee_id = f.employee_id
    WHERE g.organization_id = %(org)s AND g.period_id = %(period)s AND g.level = %(individual)s
      AND g.status = ANY(%(own_statuses)s)
    UNION ALL
    SELECT f.appraisal_id, g.id, g.title, g.measure, 0, 1, g.path
    FROM fresh f JOIN goals_goal g ON g.position_id = f.position_id
    WHERE g.organization_id = %(org)s AND g.period_id = %(period)s AND g.level = %(position)s
      AND g.status = %(active)s
      AND NOT EXISTS (
          SELECT 1 FROM goals_goal own
          WHERE own.organization_id = %(org)s AND own.employee_id = f.employee_id AND own.source_id = g.id
            AND own.period_id = %(period)s AND own.level = %(individual)s AND own.status = ANY(%(own_statuses)s)
      )
)
"""


def _seed_targets(cycle: Cycle, fresh: list[int]) -> int:
    params = {
        "org": cycle.organization_id,
        "fresh": fresh,
        "period": cycle.period_id,
        "individual": GoalLevel.INDIVIDUAL,
        "position": GoalLevel.POSITION,
        "active": GoalStatus.ACTIVE,
        "own_statuses": [GoalStatus.DRAFT, GoalStatus.ACTIVE],
    }
    # psycopg2 takes either %s or %(name)s in one statement: render the CTE's named
    # parameters first, then hand the INSERT its positional ones.
    with connection.cursor() as cursor:
        with_sql = cursor.mogrify(_PROPOSED_TARGETS, params).decode()
    return insert_from_select(
        AppraisalTarget,
        organization=cycle.organization,
        with_sql=with_sql.replace("%", "%%"),
        values={
            "appraisal_id": "appraisal_id",
            "goal_id": "goal_id",
            "title": "title",
            "measure": "measure",
            "weight": "weight",
            "order": "row_number() OVER (PARTITION BY appraisal_id ORDER BY source_rank, path, goal_id)",
        },
        from_sql="FROM proposed",
    )


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
