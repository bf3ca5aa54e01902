"""Reads behind "My appraisal tasks", the HR cycle overview and the release page.

Each page reads a fixed number of queries whatever the number of appraisals, units or tasks:
the appraisals come in one query (with their counts annotated), the per-unit figures in one
SQL aggregate grouped by the unit's path prefix.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateTimeField, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When, Window
from django.utils import timezone

from apps.people.models import OrgUnit
from apps.people.selectors import unit_paths
from apps.people.services.tree import segment
from apps.tenancy import generations

from .models import Appraisal, AppraisalState, Cycle, CyclePhase, CycleStatus, CycleTemplate, ImprovementPlan, PhaseKind
from .scoring import bottom_labels

S = AppraisalState

# The phase by whose end an appraisal in a state should have moved on. An appraisal still in
# that state once the phase has ended is overdue (e.g. still self_assessment after the
# self-assessment phase closed). Acknowledged is done: it belongs to no phase.
STATE_PHASE = {
    S.PLANNING: PhaseKind.PLANNING,
    S.MIDTERM: PhaseKind.MIDTERM,
    S.SELF_ASSESSMENT: PhaseKind.SELF_ASSESSMENT,
    S.WITH_OFFICER: PhaseKind.APPRAISAL,
    S.WITH_COUNTERSIGNING: PhaseKind.COUNTERSIGNING,
    S.COUNTERSIGNED: PhaseKind.RELEASE,
    S.RELEASED: PhaseKind.ACKNOWLEDGEMENT,
}

RELEASE_PHASES = (PhaseKind.RELEASE, PhaseKind.ACKNOWLEDGEMENT)
OVERDUE_LIMIT = 50
# What the overdue list shows of each appraisal, its appraisee, unit and officers: only these
# columns are read (a third of the cost of building the rows). Reading another field on a row
# would cost a query per row, which the overview's query-count test catches: add it here.
OVERDUE_FIELDS = (
    "public_id",
    "state",
    "employee__first_name",
    "employee__last_name",
    "employee__unit__name",
    "appraising_officer__first_name",
    "appraising_officer__last_name",
    "countersigning_officer__first_name",
    "countersigning_officer__last_name",
)
# What a task reads of its appraisal (_tasks_of, the task table): reading another field would
# cost a query per row, which the page's query-count test catches: add it here.
TASK_FIELDS = (
    "public_id",
    "state",
    "cycle_id",
    "appraising_officer_id",
    "countersigning_officer_id",
    "feedback_interview_on",
    "cycle_template_id",
    "overall_level",
    "employee__first_name",
    "employee__last_name",
)
DUE_SOON = datetime.timedelta(days=7)
_SEGMENT = len(segment(0))  # characters of one level of a unit path


def _phase_ends(cycle: Cycle) -> dict[str, datetime.datetime]:
    """Phase kind → end, from phases prefetched on the cycle."""
    return {phase.kind: phase.ends_at for phase in cycle.phases.all()}


def due_for(state: str, cycle: Cycle) -> datetime.datetime | None:
    """When an appraisal in `state` is due: the end of the phase its state belongs to — which
    is the cycle's current phase while work keeps to the schedule — else the current phase's."""
    ends = _phase_ends(cycle)
    return ends.get(STATE_PHASE.get(state)) or ends.get(cycle.current_phase)


# --- My tasks -------------------------------------------------------------------------------


@dataclass
class Task:
    appraisal: Appraisal
    role: str  # "appraisee", "officer", "countersigning"
    label: str
    url_name: str
    due: datetime.datetime | None
    overdue: bool = False
    due_soon: bool = False


@dataclass
class MyTasks:
    as_appraisee: list[Task] = field(default_factory=list)
    as_officer: list[Task] = field(default_factory=list)
    as_countersigning: list[Task] = field(default_factory=list)
    hr_cycles: list[Cycle] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.as_appraisee or self.as_officer or self.as_countersigning or self.hr_cycles)

    @property
    def count(self) -> int:
        return len(self.as_appraisee) + len(self.as_officer) + len(self.as_countersigning)


def active_cycles() -> QuerySet[Cycle]:
    return Cycle.objects.filter(status=CycleStatus.ACTIVE).prefetch_related(
        Prefetch("phases", queryset=CyclePhase.objects.order_by("starts_at"))
    )


def active_cycles_with_phases() -> list[Cycle]:
    """The active cycles with their phases (two queries), kept until a cycle or phase changes:
    every "My tasks" page and dashboard starts with them, and an appraisal's save leaves them be."""
    return generations.cached("active-cycles", (), ("cycles",), lambda: list(active_cycles()))


def below_standard_levels(cycles) -> dict[int, set[str]]:
    """The labels of the bottom band of each frozen template of `cycles` (ids), by cycle template:
    one query, kept until cycles are written (their templates are frozen at launch)."""
    ids = tuple(sorted(cycles))

    def read():
        # The frozen scale's levels only: a snapshot holds the whole template besides.
        rows = CycleTemplate.objects.filter(cycle_id__in=ids).values_list("pk", "snapshot__scale__levels")
        return {ct_id: set(bottom_labels({"scale": {"levels": levels or []}})) for ct_id, levels in rows}

    return generations.cached("bottom-levels", ids, ("cycles",), read) if ids else {}


def my_tasks(*, employee, is_hr: bool, now: datetime.datetime | None = None) -> MyTasks:
    """What waits for one person across the active cycles: the person's appraisals (one query;
    the cycles and their phases, two more, and their scales' bottom levels, one more, are
    usually cached), one more for HR's per-cycle counts. An appraising officer is asked to set
    an improvement plan for each released result below standard that has none."""
    now = now or timezone.now()
    cycles = {cycle.pk: cycle for cycle in active_cycles_with_phases()}
    tasks = MyTasks()
    if is_hr:
        tasks.hr_cycles = _with_hr_counts(list(cycles.values()))
    if employee is None or not cycles:
        return tasks
    appraisals = (
        Appraisal.objects.filter(cycle_id__in=cycles)
        .filter(Q(employee=employee) | Q(appraising_officer=employee) | Q(countersigning_officer=employee))
        .select_related("employee")
        # The columns the tasks read: an officer's list holds their whole team, and building its
        # rows with every text column of the appraisal was most of the page's time.
        .only(*TASK_FIELDS)
        .annotate(
            target_count=Count("targets"),
            open_for_appraisee=Count("targets", filter=Q(targets__agreed_by_appraisee_at__isnull=True)),
            open_for_officer=Count("targets", filter=Q(targets__agreed_by_officer_at__isnull=True)),
            has_plan=Exists(ImprovementPlan.objects.filter(appraisal_id=OuterRef("pk"))),
        )
        .order_by("employee__last_name", "employee__first_name", "pk")
    )
    below = below_standard_levels(cycles)
    for appraisal in appraisals:
        appraisal.cycle = cycles[appraisal.cycle_id]  # shared, with its phases: no query per row
        appraisal.below_standard = appraisal.overall_level in below.get(appraisal.cycle_template_id, ())
        for role_list, task in _tasks_of(appraisal, employee):
            task.due = due_for(appraisal.state, appraisal.cycle)
            task.overdue = task.due is not None and task.due < now
            task.due_soon = not task.overdue and task.due is not None and task.due - now < DUE_SOON
            getattr(tasks, role_list).append(task)
    for role_list in ("as_appraisee", "as_officer", "as_countersigning"):
        # Most urgent first; undated last.
        getattr(tasks, role_list).sort(key=lambda t: (t.due is None, t.due or now))
    return tasks


def _tasks_of(appraisal: Appraisal, employee):
    """The tasks one appraisal gives the person, by the role they hold on it."""
    state = appraisal.state
    name = appraisal.employee.full_name
    if appraisal.employee_id == employee.pk:
        if state == S.PLANNING and (not appraisal.target_count or appraisal.open_for_appraisee):
            yield (
                "as_appraisee",
                Task(appraisal, "appraisee", "Agree your work targets", "cycles:planning_targets", None),
            )
        elif state == S.SELF_ASSESSMENT:
            yield (
                "as_appraisee",
                Task(appraisal, "appraisee", "Fill in and submit your self-assessment", "cycles:self_assessment", None),
            )
        elif state == S.RELEASED:
            yield (
                "as_appraisee",
                Task(appraisal, "appraisee", "Read and acknowledge your result", "cycles:acknowledge", None),
            )
    if appraisal.appraising_officer_id == employee.pk:
        if state == S.PLANNING and (not appraisal.target_count or appraisal.open_for_officer):
            yield (
                "as_officer",
                Task(appraisal, "officer", f"Agree work targets with {name}", "cycles:planning_targets", None),
            )
        elif state == S.WITH_OFFICER:
            yield "as_officer", Task(appraisal, "officer", f"Rate {name}", "cycles:rating", None)
        elif state == S.RELEASED and appraisal.feedback_interview_on is None:
            yield (
                "as_officer",
                Task(appraisal, "officer", f"Hold the feedback interview with {name}", "cycles:appraisal_detail", None),
            )
        if state in (S.RELEASED, S.ACKNOWLEDGED) and appraisal.below_standard and not appraisal.has_plan:
            yield (
                "as_officer",
                Task(appraisal, "officer", f"Counsel {name} and set an improvement plan", "cycles:plan_create", None),
            )
    if appraisal.countersigning_officer_id == employee.pk and state == S.WITH_COUNTERSIGNING:
        yield (
            "as_countersigning",
            Task(appraisal, "countersigning", f"Countersign {name}'s appraisal", "cycles:countersigning", None),
        )


def _with_hr_counts(cycles: list[Cycle]) -> list[Cycle]:
    """Each active cycle with its appraisal count, how many are done and how many wait for release."""
    counts = defaultdict(dict)
    if cycles:
        rows = (
            Appraisal.objects.filter(cycle_id__in=[c.pk for c in cycles])
            .values("cycle_id", "state")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["cycle_id"]][row["state"]] = row["n"]
    for cycle in cycles:
        by_state = counts[cycle.pk]
        cycle.appraisal_total = sum(by_state.values())
        cycle.to_release = by_state.get(S.COUNTERSIGNED, 0)
        cycle.finished = by_state.get(S.ACKNOWLEDGED, 0)
        cycle.phase_ends = _phase_ends(cycle).get(cycle.current_phase)
    return cycles


# --- Cycle overview -------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: OrgUnit | None
    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def segments(self) -> list[dict]:
        """Share of each state, for the stacked bar (states with none left out)."""
        total = self.total
        return [
            {
                "state": state,
                "label": label,
                "count": self.counts.get(state, 0),
                "percent": round(self.counts.get(state, 0) * 100 / total, 1),
            }
            for state, label in S.choices
            if total and self.counts.get(state)
        ]

    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in S.values]


def overview_counts(cycle: Cycle) -> tuple[list[UnitRow], UnitRow]:
    """Counts by state for the top two levels of the unit tree, each over its whole subtree,
    and the totals. One aggregate grouped by the appraisee's unit (integers: cheaper to group
    than a prefix of each row's unit path, and no join to the units), summed up to the top two
    levels through the units' paths (cached: people.selectors.unit_paths)."""
    rows = Appraisal.objects.filter(cycle=cycle).values_list("employee__unit_id", "state").annotate(n=Count("pk"))
    paths = unit_paths()
    units = list(OrgUnit.objects.filter(depth__lte=1).order_by("path"))
    by_path = {unit.path: UnitRow(unit) for unit in units}
    totals = UnitRow(None)
    for unit_id, state, n in rows.order_by():
        totals.counts[state] = totals.counts.get(state, 0) + n
        path = paths.get(unit_id, "")
        # The level-two unit (if the person sits at or below one) and the root above it.
        for prefix in {path[: 2 * _SEGMENT], path[:_SEGMENT]}:
            unit_row = by_path.get(prefix)
            if unit_row is not None:
                unit_row.counts[state] = unit_row.counts.get(state, 0) + n
    return [by_path[unit.path] for unit in units], totals


# What overview_figures reads, and how long its figures may stand with no write (see there).
OVERVIEW_DOMAINS = (generations.APPRAISAL_STATES, "cycles", "people")
OVERVIEW_MAX_AGE = 60


def overview_figures(cycle: Cycle) -> tuple[tuple[list[UnitRow], UnitRow], tuple[list, int]]:
    """overview_counts() and overdue_appraisals() as HR's overview shows them: kept until an
    appraisal's state or people, a cycle or a person changes, and for a minute at most, since an
    appraisal turns overdue as a phase ends, with no write. Both read the appraisal rows only
    (never their children, version or edit stamp: OVERDUE_FIELDS), so an appraisee's saves and
    autosaves leave them cached (generations.APPRAISAL_STATES)."""
    return generations.cached(
        "cycle-overview",
        (cycle.pk,),
        OVERVIEW_DOMAINS,
        lambda: (overview_counts(cycle), overdue_appraisals(cycle)),
        max_age=OVERVIEW_MAX_AGE,
    )


def overdue_appraisals(cycle: Cycle, *, now: datetime.datetime | None = None, limit: int = OVERDUE_LIMIT):
    """Appraisals still in a state whose phase has ended: the first `limit`, oldest phase end
    first (then by the appraisee's last and first name, then id), and how many there are in
    all. Phases come prefetched on the cycle.

    Two queries (as apps.common.paging.keyset_page does for pages): the first sorts only the
    keys (appraisal id, the phase end of its state, the appraisee's names) and keeps the first
    `limit` ids, the count of all late appraisals coming along as a window aggregate; the
    second fetches those rows with their people and unit by primary key, in that order."""
    now = now or timezone.now()
    ends = _phase_ends(cycle)
    ended = {kind for kind, ends_at in ends.items() if ends_at < now}
    late_states = [state for state, kind in STATE_PHASE.items() if kind in ended]
    if not late_states:
        return [], 0
    # Longest overdue first: order by the end of the phase each state belongs to.
    due = Case(
        *[When(state=state, then=Value(ends[STATE_PHASE[state]])) for state in late_states],
        output_field=DateTimeField(),
    )
    keys = list(
        Appraisal.objects.filter(cycle=cycle, state__in=late_states)
        .annotate(due=due, late_count=Window(Count("pk")))
        .order_by("due", "employee__last_name", "employee__first_name", "pk")
        .values_list("pk", "due", "late_count")[:limit]
    )
    if not keys:
        return [], 0
    wide = (
        Appraisal.objects.filter(pk__in=[pk for pk, _, _ in keys])
        .select_related("employee__unit", "appraising_officer", "countersigning_officer")
        .only(*OVERDUE_FIELDS)
    )
    by_pk = {appraisal.pk: appraisal for appraisal in wide}
    items = []
    for pk, due_at, _ in keys:
        appraisal = by_pk.get(pk)
        if appraisal is not None:  # None: deleted between the two reads
            appraisal.due = due_at
            items.append(appraisal)
    return items, keys[0][2]


def cycle_for_overview() -> QuerySet[Cycle]:
    return Cycle.objects.select_related("period").prefetch_related(
        Prefetch("phases", queryset=CyclePhase.objects.order_by("starts_at"))
    )


# --- Release --------------------------------------------------------------------------------


def releasable(cycle: Cycle, unit: OrgUnit | None = None) -> QuerySet[Appraisal]:
    """Countersigned appraisals of the cycle, in the unit and its sub-units when one is given."""
    queryset = Appraisal.objects.filter(cycle=cycle, state=S.COUNTERSIGNED)
    if unit is not None:
        queryset = queryset.filter(employee__unit__path__startswith=unit.path)
    return queryset
