"""The demo's previous appraisal cycle for acme: "Annual appraisal <last year>" on last year's goal
period (with a few goals of its own, apps/goals/demo.py), run in Customer Service and Finance
(the pilot before this year's cycle took in everyone), carried all the way to release so the
results, the released reports, the acknowledgements and the appeals have something to show.

Built like the current cycle (apps/cycles/demo_cycle.py, whose helpers it reuses): through the
services, as the person who would act. Its phases are dated from a year ago up to last week,
and the cycle is moved through them by the beat's own service (advance_cycle_when_due, at the
end of each phase), so its phase history reads "by the schedule". It ends in the
acknowledgement phase, which opened last week and runs for five weeks: the beat leaves the
cycle alone until then, released results can still be acknowledged, and the appeal window
(APPEAL_WINDOW_DAYS from the release, made while seeding) is open.

What the demo users find (chosen in `past_plan`, with the appeals of apps/appeals/demo.py):
- employee@acme.test: a result at level 3, acknowledged with a word of disagreement, and an appeal
  lodged against it;
- manager@acme.test: their own result at level 4, released, the feedback interview still owed;
- HR: the results page, with top levels (recognition) and the lowest (substandard) in both
  departments, two of whom their appraising officers counselled and set improvement plans for
  (one acknowledged by the person);
- everyone else in the two departments: results acknowledged after the feedback interview.

Idempotent: when a cycle of that name exists, nothing is added or changed. Run inside acme's
tenant scope, after the appraisal configuration (seed_demo does).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from apps.goals.demo import seed_past_goals
from apps.goals.models import GoalPeriod
from apps.goals.services.periods import period_create
from apps.people.models import OrgUnit
from apps.tenancy.models import Membership

from .demo import TEMPLATES
from .demo_cycle import (
    HR_EMAIL,
    Person,
    _acknowledge,
    _agree_targets,
    _countersign,
    _interview,
    _rate,
    _write_self_assessment,
    person_lookup,
    phase_rows,
)
from .models import Appraisal, AppraisalTemplate, Cycle, PhaseKind
from .services.cycles import cycle_save, phases_save
from .services.improvement_plans import plan_acknowledge, plan_create
from .services.launch import cycle_launch, run_launch
from .services.phases import advance_cycle_when_due
from .services.release import release_results

UNITS = ("CS", "FIN")
APPEAL_WINDOW_DAYS = 28
EMPLOYEE_EMAIL = "employee@acme.test"
MANAGER_EMAIL = "manager@acme.test"

# In weeks from today: planning a year ago, the release over last week; the acknowledgement
# phase runs on for five weeks, past the appeal window.
PHASE_WEEKS = [
    (PhaseKind.PLANNING, -52, -44),
    (PhaseKind.MIDTERM, -44, -20),
    (PhaseKind.SELF_ASSESSMENT, -20, -15),
    (PhaseKind.APPRAISAL, -15, -11),
    (PhaseKind.COUNTERSIGNING, -11, -8),
    (PhaseKind.RELEASE, -8, -1),
    (PhaseKind.ACKNOWLEDGEMENT, -1, 5),
]
DISAGREEMENT = "I have read the report. I do not agree with the overall level and will appeal against it."
# The overall levels of the people not chosen for anything else, in turn.
USUAL_LEVELS = (4, 3, 3, 4, 3)


def past_cycle_name(today: datetime.date) -> str:
    return f"Annual appraisal {today.year - 1}"


def seed_past_cycle(organization, *, today: datetime.date | None = None) -> int:
    """Create last year's cycle and carry it to release; returns how many appraisals were created
    (0 when the cycle exists already)."""
    today = today or timezone.localdate()
    name = past_cycle_name(today)
    if Cycle.objects.filter(name=name).exists():
        return 0
    membership = Membership.objects.select_related("user", "organization").get(
        organization=organization, user__email__iexact=HR_EMAIL
    )
    actor = membership.user
    year = today.year - 1
    period = GoalPeriod.objects.filter(name=str(year)).first() or period_create(
        actor=actor,
        membership=membership,
        name=str(year),
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 12, 31),
    )
    seed_past_goals(organization, period)  # the templates ask that every target serve a goal
    cycle = cycle_save(
        actor=actor,
        membership=membership,
        name=name,
        period=period,
        description=(
            f"The appraisal of {year}, piloted in Customer Service and Finance before the system was "
            "rolled out to every unit."
        ),
        templates=AppraisalTemplate.objects.filter(name__in=[t[0] for t in TEMPLATES]).order_by("name"),
        units=OrgUnit.objects.filter(code__in=UNITS),
        appeal_window_days=APPEAL_WINDOW_DAYS,
    )
    phases_save(actor=actor, membership=membership, cycle=cycle, phases=phase_rows(organization, today, PHASE_WEEKS))
    cycle_launch(actor=actor, membership=membership, cycle=cycle)
    cycle.refresh_from_db()
    created = run_launch(cycle)
    _carry_to_release(cycle, hr=Person(actor, membership, None), today=today)
    return created


@dataclass
class PastPlan:
    """Who ends where in last year's cycle (shared with the appeals demo)."""

    levels: dict = field(default_factory=dict)  # appraisal pk → overall level
    waiting: list = field(default_factory=list)  # released, not acknowledged
    comments: dict = field(default_factory=dict)  # appraisal pk → the appraisee's acknowledgement comment
    no_interview: list = field(default_factory=list)  # released, the feedback interview still owed
    lodged: Appraisal | None = None  # the demo employee appeals; the board has not acknowledged it
    reviewed: Appraisal | None = None  # under review, the appraising officer asked for comments
    decided: Appraisal | None = None  # decided: partly upheld, the level raised a step
    # Below standard, counselled: an improvement plan each (the first acknowledged by the person).
    improvement: list = field(default_factory=list)


def past_appraisals(cycle: Cycle) -> list:
    return list(
        Appraisal.objects.filter(cycle=cycle)
        .select_related("employee__unit", "appraising_officer", "countersigning_officer", "cycle_template")
        .order_by("employee__staff_number")
    )


def past_plan(appraisals: list) -> PastPlan:
    """Choose the levels and the appellants by role (the demo employee and manager, then the
    first staff of each department), so the choice holds however many people the demo has."""
    plan = PastPlan()
    full = [a for a in appraisals if a.appraising_officer_id and a.countersigning_officer_id]
    by_email = {a.employee.email.lower(): a for a in full}
    employee, manager = by_email.get(EMPLOYEE_EMAIL), by_email.get(MANAGER_EMAIL)
    staff = {}
    for appraisal in full:
        if appraisal.employee.unit.head_id != appraisal.employee_id and appraisal is not employee:
            staff.setdefault(appraisal.employee.unit.code, []).append(appraisal)
    cs, fin = staff.get("CS", []), staff.get("FIN", [])

    def nth(appraisals, n):
        return appraisals[n] if len(appraisals) > n else None

    plan.lodged = employee
    plan.reviewed = nth(cs, 0)
    plan.decided = nth(fin, 0)
    chosen = [
        (employee, 3),
        (manager, 4),
        (plan.reviewed, 2),
        (plan.decided, 2),
        (nth(cs, 1), 1),
        (nth(cs, 2), 5),
        (nth(fin, 1), 5),
        (nth(fin, 2), 2),
    ]
    plan.levels = {a.pk: level for a, level in chosen if a is not None}
    plan.improvement = [a for a in (nth(fin, 2), nth(cs, 1)) if a is not None]
    rest = [a for a in full if a.pk not in plan.levels]
    plan.levels.update({a.pk: USUAL_LEVELS[n % len(USUAL_LEVELS)] for n, a in enumerate(rest)})
    # Released and waiting: the manager, two appellants and the one rated lowest. The demo
    # employee has read and acknowledged the result, and appeals against it.
    plan.waiting = [a for a, level in chosen[1:5] if a is not None]
    if employee is not None:
        plan.comments[employee.pk] = DISAGREEMENT
    plan.no_interview = [manager] if manager is not None else []
    return plan


def _carry_to_release(cycle: Cycle, *, hr: Person, today: datetime.date) -> None:
    """Targets agreed, self-assessments handed in, rated at the planned levels, countersigned,
    released; most acknowledged after their feedback interview."""
    person = person_lookup()
    appraisals = past_appraisals(cycle)
    for appraisal in appraisals:
        _agree_targets(appraisal, person(appraisal.employee), person(appraisal.appraising_officer))
    plan = past_plan(appraisals)
    finished = [a for a in appraisals if a.pk in plan.levels]
    _advance(cycle, PhaseKind.SELF_ASSESSMENT)  # through the mid-term review: both open every appraisal
    for appraisal in finished:
        _write_self_assessment(appraisal, person(appraisal.employee), share=1, submit=True)
    _advance(cycle, PhaseKind.APPRAISAL)
    for appraisal in finished:
        _rate(appraisal, person(appraisal.appraising_officer), level=plan.levels[appraisal.pk])
    _advance(cycle, PhaseKind.COUNTERSIGNING)
    for appraisal in finished:
        _countersign(appraisal, person(appraisal.countersigning_officer))
    _advance(cycle, PhaseKind.RELEASE)
    release_results(actor=hr.actor, membership=hr.membership, cycle=cycle)
    _advance(cycle, PhaseKind.ACKNOWLEDGEMENT)
    no_interview = {a.pk for a in plan.no_interview}
    waiting = {a.pk for a in plan.waiting}
    for appraisal in finished:
        if appraisal.pk not in no_interview:
            _interview(appraisal, person(appraisal.appraising_officer), held_on=today)
        if appraisal.pk not in waiting:
            _acknowledge(appraisal, person(appraisal.employee), plan.comments.get(appraisal.pk))
    for appraisal in plan.improvement:
        _improvement_plan(appraisal, person, today=today, acknowledged=appraisal.pk not in waiting)


def _improvement_plan(appraisal: Appraisal, person, *, today: datetime.date, acknowledged: bool) -> None:
    """The appraising officer counselled the person this week and set a plan, reviewed in three
    months; the person has acknowledged it when they acknowledged their result."""
    improvement = plan_create(
        **person(appraisal.appraising_officer).kwargs(),
        appraisal=Appraisal.objects.get(pk=appraisal.pk),
        counselled_on=today - datetime.timedelta(days=2),
        areas="Reports reach customers late and often need a second round of corrections.",
        actions=(
            "Plan the week's reports with the team lead every Monday; send drafts two days before they are due; "
            "keep a checklist of the usual corrections."
        ),
        support="The report-writing course next month, and a colleague as mentor for the first six weeks.",
        review_on=today + datetime.timedelta(days=90),
    )
    if acknowledged:
        plan_acknowledge(
            **person(appraisal.employee).kwargs(), plan=improvement, comment="I will ask my mentor for help early."
        )


def _advance(cycle: Cycle, phase: str) -> None:
    """Move the cycle on to `phase` as the beat would have when each phase before it ended: one
    tick at the end of the current phase, until the cycle is there."""
    ends = dict(cycle.phases.values_list("kind", "ends_at"))
    while cycle.current_phase != phase:
        if not advance_cycle_when_due(cycle.pk, now=ends[cycle.current_phase]):
            raise RuntimeError(f"{cycle.name} did not move on from {cycle.current_phase}")
        cycle.refresh_from_db(fields=["status", "current_phase"])
