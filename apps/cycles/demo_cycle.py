"""The demo's launched appraisal cycle for acme: "Performance appraisal <year>" on this year's
goal period, with both demo templates and every unit, its phases planned so that the
self-assessment is under way today, and every appraisal created and moved along.

Everything goes through the services, as the person who would act: HR creates, launches and
opens the self-assessment; appraisees and officers agree targets; appraisees write and hand
in; officers rate; countersigning officers sign; HR releases; the appraisee acknowledges. So
the audit trail and each appraisal's history read as they would in real life. The launch runs
synchronously (seeding needs no worker); the task that cycle_launch enqueues on commit finds
the cycle active already and does nothing.

What the demo users find (chosen in `_plan`):
- employee@acme.test: targets agreed, self-assessment half written: "fill in your self-assessment";
- manager@acme.test: two reports handed in (to rate), one returned for revision, one drafting;
- Omar (the manager's manager) and other countersigning officers: appraisals to countersign;
- HR: countersigned results to release; one result released (its officer owes the feedback
  interview) and one acknowledged after its interview;
- everyone else: in the self-assessment, with agreed targets summing to 100.

Idempotent: when a cycle of that name exists, nothing is added or changed. Run inside acme's
tenant scope, after the appraisal configuration and the goal cascade (seed_demo does).
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from apps.goals.models import GoalLevel, GoalPeriod
from apps.people.models import Employee
from apps.tenancy.models import Membership

from .demo import TEMPLATES
from .models import Appraisal, AppraisalTemplate, Cycle, PhaseKind, SectionKind
from .selectors_appraisal import goal_choices
from .services.acknowledgement import appraisal_acknowledge, feedback_interview_record
from .services.countersigning import countersigning_sign
from .services.cycles import cycle_save, phases_save
from .services.launch import cycle_launch, run_launch
from .services.planning import HUNDRED, target_agree, target_save
from .services.rating import field_name as rating_field
from .services.rating import rated_sections, rating_submit
from .services.release import release_results
from .services.self_assessment import self_assessment_fields, self_assessment_save, self_assessment_submit
from .services.transitions import appraisal_transition

HR_EMAIL = "hr@acme.test"

# Phases back to back, in weeks from today: planning started eight weeks ago, the mid-term
# review is over, the self-assessment runs from a week ago to three weeks from now, and
# acknowledgement ends about three months from now.
PHASE_WEEKS = [
    (PhaseKind.PLANNING, -8, -5),
    (PhaseKind.MIDTERM, -5, -1),
    (PhaseKind.SELF_ASSESSMENT, -1, 3),
    (PhaseKind.APPRAISAL, 3, 6),
    (PhaseKind.COUNTERSIGNING, 6, 8),
    (PhaseKind.RELEASE, 8, 10),
    (PhaseKind.ACKNOWLEDGEMENT, 10, 14),
]


def cycle_name(today: datetime.date) -> str:
    return f"Performance appraisal {today.year}"


def seed_demo_cycle(organization, *, today: datetime.date | None = None) -> int:
    """Create and launch acme's demo cycle; returns how many appraisals were created (0 when
    the cycle exists already)."""
    today = today or timezone.localdate()
    name = cycle_name(today)
    if Cycle.objects.filter(name=name).exists():
        return 0
    period = GoalPeriod.objects.get(name=str(today.year))
    membership = Membership.objects.select_related("user", "organization").get(
        organization=organization, user__email__iexact=HR_EMAIL
    )
    actor = membership.user
    templates = list(AppraisalTemplate.objects.filter(name__in=[t[0] for t in TEMPLATES]).order_by("name"))
    cycle = cycle_save(
        actor=actor,
        membership=membership,
        name=name,
        period=period,
        description=(
            f"The yearly appraisal of {today.year}: targets agreed from the goal cascade, a mid-term review, "
            "self-assessment, the appraising officer's rating and countersigning."
        ),
        templates=templates,
        units=(),  # every unit
    )
    # The beat in `make run` moves the cycle on only when the self-assessment ends, three weeks
    # from today.
    phases_save(actor=actor, membership=membership, cycle=cycle, phases=phase_rows(organization, today, PHASE_WEEKS))
    cycle_launch(actor=actor, membership=membership, cycle=cycle)
    cycle.refresh_from_db()
    created = run_launch(cycle)
    progress_demo_cycle(cycle, hr_membership=membership, today=today)
    return created


def phase_rows(organization, today: datetime.date, weeks) -> list[dict]:
    """phases_save's rows for [(kind, start week, end week)] counted from today: each phase opens
    on its first day at 09:00 and ends the day before the next opens at 17:00, in the
    organisation's own time zone (an hour an HR department would choose)."""
    zone = zoneinfo.ZoneInfo(organization.time_zone)

    def local(weeks: int, hour: int, days: int = 0) -> datetime.datetime:
        day = today + datetime.timedelta(weeks=weeks, days=days)
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)

    return [
        {"kind": kind, "starts_at": local(start, 9), "ends_at": local(end, 17, days=-1)} for kind, start, end in weeks
    ]


# --- Moving the appraisals along ------------------------------------------------------------

GENERIC_TARGET = "Deliver the agreed work of the post"
GENERIC_MEASURE = "The duties of the job description done on time and to the expected standard"

ACHIEVEMENTS = [
    "On track: {title} — the main milestones are met and the rest are planned for the last quarter.",
    "Achieved most of it: {title}. Two items slipped a month because of the system change in spring.",
    "Fully achieved: {title}, with the results reported in the monthly reviews.",
]
# What appraisees write in the written sections, one of each list by the appraisal: varied, so
# the training needs report has different needs to roll up.
SECTION_TEXTS = {
    SectionKind.TRAINING_NEEDS: [
        "A course in data analysis, and shadowing a colleague in the planning team.",
        "Project management training before I lead the next rollout.",
        "Presentation skills: I present to customers more often now.",
        "The advanced spreadsheet course, and time with finance on budgeting.",
        "Coaching on giving feedback, as I now supervise two new colleagues.",
    ],
    SectionKind.CAREER: [
        "I would like to take on a team lead role within two years, ideally in operations.",
        "I would like a rotation to another department to broaden my experience.",
        "I am happy in my post and would like to grow as a specialist in it.",
    ],
}


@dataclass(frozen=True)
class Person:
    """Whoever acts on an appraisal, as the services want them: user, membership, employee."""

    actor: object
    membership: object
    employee: object

    def kwargs(self) -> dict:
        return {"actor": self.actor, "membership": self.membership, "employee": self.employee}


@dataclass
class Plan:
    """The appraisals chosen for each demo state (the rest stay in the self-assessment)."""

    half_written: list = field(default_factory=list)
    drafting: list = field(default_factory=list)
    with_officer: list = field(default_factory=list)
    returned: list = field(default_factory=list)
    with_countersigning: list = field(default_factory=list)
    countersigned: list = field(default_factory=list)
    released: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)

    @property
    def handed_in(self) -> list:
        return (
            self.with_officer
            + self.returned
            + self.with_countersigning
            + self.countersigned
            + self.released
            + self.acknowledged
        )


def progress_demo_cycle(cycle: Cycle, *, hr_membership, today: datetime.date) -> None:
    """Agree every appraisal's targets, open the self-assessment and move a chosen few on."""
    person = person_lookup()
    hr_employee = Employee.objects.filter(user=hr_membership.user).first()
    hr = Person(hr_membership.user, hr_membership, hr_employee)

    appraisals = list(
        Appraisal.objects.filter(cycle=cycle)
        .select_related("employee__unit", "appraising_officer", "countersigning_officer", "cycle_template")
        .order_by("employee__staff_number")
    )
    # The planning phase (current at launch): targets summing to 100, agreed by both sides.
    for appraisal in appraisals:
        _agree_targets(appraisal, person(appraisal.employee), person(appraisal.appraising_officer))

    # The demo plays weeks of a cycle in one seed, so it sets the cycle's current phase directly
    # (here and below) rather than waiting for the schedule's beat task to move it on each date;
    # the phases' dates still put today in the self-assessment. HR then opens every self-assessment.
    _set_phase(cycle, PhaseKind.SELF_ASSESSMENT)
    for appraisal in appraisals:
        appraisal_transition(**hr.kwargs(), appraisal=appraisal, action="open_self_assessment")

    plan = _plan(appraisals)
    for appraisal in plan.half_written:
        _write_self_assessment(appraisal, person(appraisal.employee), share=0.5)
    for appraisal in plan.drafting:
        _write_self_assessment(appraisal, person(appraisal.employee), share=0.34)
    for appraisal in plan.handed_in:
        _write_self_assessment(appraisal, person(appraisal.employee), share=1, submit=True)
    for appraisal in plan.returned:
        appraisal_transition(
            **person(appraisal.appraising_officer).kwargs(),
            appraisal=appraisal,
            action="return_to_appraisee",
            note="Please say what you achieved on each target in figures, not only in words.",
        )

    # The later phases' steps, taken ahead of their dates so the demo shows every state: the
    # cycle's current phase is moved to each step's phase (direct ORM, see above) and moved
    # back to the self-assessment at the end.
    rated = plan.with_countersigning + plan.countersigned + plan.released + plan.acknowledged
    _set_phase(cycle, PhaseKind.APPRAISAL)
    for appraisal in rated:
        _rate(appraisal, person(appraisal.appraising_officer))
    # Released results are countersigned first: the release takes every countersigned one.
    _set_phase(cycle, PhaseKind.COUNTERSIGNING)
    for appraisal in plan.released + plan.acknowledged:
        _countersign(appraisal, person(appraisal.countersigning_officer))
    _set_phase(cycle, PhaseKind.RELEASE)
    release_results(actor=hr.actor, membership=hr.membership, cycle=cycle)
    for appraisal in plan.acknowledged:
        _interview(appraisal, person(appraisal.appraising_officer), held_on=today - datetime.timedelta(days=3))
        _acknowledge(appraisal, person(appraisal.employee))
    _set_phase(cycle, PhaseKind.COUNTERSIGNING)
    for number, appraisal in enumerate(plan.countersigned):
        # One countersigning officer records a differing view, so the demo shows one.
        _countersign(appraisal, person(appraisal.countersigning_officer), agrees=number != 1)
    _set_phase(cycle, PhaseKind.SELF_ASSESSMENT)


def person_lookup():
    """A function giving whoever acts on an appraisal (an Employee, or None) as a Person, or None
    when they have no membership: the memberships are read once."""
    memberships = {m.user_id: m for m in Membership.objects.select_related("user", "organization")}

    def person(employee) -> Person | None:
        membership = memberships.get(employee.user_id) if employee is not None else None
        return Person(membership.user, membership, employee) if membership else None

    return person


def _set_phase(cycle: Cycle, phase: str) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(current_phase=phase)
    cycle.current_phase = phase


def _plan(appraisals: list) -> Plan:
    """Choose who is where, by role rather than by name wherever possible, so the choice holds
    however many people the demo has. Appraisals without both officers stay in the self-assessment."""
    plan = Plan()
    by_email = {a.employee.email.lower(): a for a in appraisals}
    employee = by_email.get("employee@acme.test")
    manager = by_email.get("manager@acme.test")
    full = [a for a in appraisals if a.appraising_officer_id and a.countersigning_officer_id]
    if employee is not None:
        plan.half_written.append(employee)
    if manager is not None:
        reports = [a for a in full if a.appraising_officer_id == manager.employee_id and a is not employee]
        plan.with_officer, plan.returned, plan.drafting = reports[:2], reports[2:3], reports[3:4]
        # Countersigning for manager@acme.test or their own manager (Omar), one per appraising officer.
        countersigners = {manager.employee_id, manager.appraising_officer_id}
        seen_officers = {manager.employee_id}
        for appraisal in full:
            if (
                appraisal.countersigning_officer_id in countersigners
                and appraisal.appraising_officer_id not in seen_officers
            ):
                seen_officers.add(appraisal.appraising_officer_id)
                plan.with_countersigning.append(appraisal)
            if len(plan.with_countersigning) == 2:
                break
    # The finished ones in other departments: staff of each department (not its head).
    taken = {a.pk for a in plan.half_written + plan.handed_in + plan.drafting}
    staff = {}
    for appraisal in full:
        unit = appraisal.employee.unit
        if appraisal.pk not in taken and unit.head_id != appraisal.employee_id and unit.code in ("FIN", "ENG", "IT"):
            staff.setdefault(unit.code, []).append(appraisal)
    fin, eng, it = staff.get("FIN", []), staff.get("ENG", []), staff.get("IT", [])
    plan.countersigned = fin[:1] + eng[:1] + it[1:2]
    plan.released = it[:1]
    plan.acknowledged = fin[1:2]
    return plan


def _agree_targets(appraisal: Appraisal, appraisee: Person | None, officer: Person | None) -> None:
    """Make the targets sum to 100 (a generic target for people without goals) and agree them:
    the officer proposes, then the appraisee and the officer agree the set."""
    if appraisee is None:
        return
    proposer = officer or appraisee
    targets = list(appraisal.targets.select_related("goal").order_by("order", "pk"))
    if not targets:
        choices = goal_choices(appraisal)
        goal = choices.filter(level=GoalLevel.UNIT).order_by("-path").first() or choices.first()
        target_save(
            **proposer.kwargs(),
            appraisal=appraisal,
            title=GENERIC_TARGET,
            measure=GENERIC_MEASURE,
            weight=100,
            goal=goal,
        )
    elif sum(t.weight for t in targets) != HUNDRED:
        for target, weight in zip(targets, _even_weights(len(targets)), strict=True):
            target_save(
                **proposer.kwargs(),
                appraisal=appraisal,
                target=target,
                title=target.title,
                measure=target.measure,
                weight=weight,
                goal=target.goal,
            )
    target_agree(**appraisee.kwargs(), appraisal=appraisal)
    if officer is not None:
        target_agree(**officer.kwargs(), appraisal=appraisal)


def _even_weights(count: int) -> list[Decimal]:
    """100 shared as evenly as whole numbers allow, the remainder on the first targets."""
    base, rest = divmod(100, count)
    return [Decimal(base + (1 if i < rest else 0)) for i in range(count)]


def _version(appraisal: Appraisal) -> int:
    return Appraisal.objects.values_list("version", flat=True).get(pk=appraisal.pk)


def _write_self_assessment(appraisal: Appraisal, appraisee: Person, *, share: float, submit: bool = False) -> None:
    """Write the first `share` of the targets' achievements and self-ratings (all of it, with the
    competencies and section texts, when `share` is 1) and hand it in when `submit`."""
    snapshot = appraisal.cycle_template.snapshot
    kinds = {s["key"]: s["kind"] for s in snapshot["sections"]}
    targets = list(appraisal.targets.order_by("order", "pk"))
    written = {str(t.public_id): t for t in targets[: max(1, round(len(targets) * share))]}
    values = {}
    for number, f in enumerate(self_assessment_fields(snapshot, targets)):
        if f.kind == "achievement" and f.key in written:
            values[f.name] = ACHIEVEMENTS[number % len(ACHIEVEMENTS)].format(title=written[f.key].title)
        elif f.kind == "target_rating" and f.key in written:
            values[f.name] = "4" if number % 3 else "3"
        elif share >= 1 and f.kind == "competency_rating":
            values[f.name] = "4" if number % 2 else "3"
        elif share >= 1 and f.kind == "section_text" and SECTION_TEXTS.get(kinds.get(f.section_key)):
            texts = SECTION_TEXTS[kinds[f.section_key]]
            values[f.name] = texts[appraisal.pk % len(texts)]
    service = self_assessment_submit if submit else self_assessment_save
    service(**appraisee.kwargs(), appraisal=appraisal, values=values, expected_version=_version(appraisal))


# What an officer writes at each overall level (None: the current cycle's 3s and 4s): the
# overall assessment, the training recommended and, for a rating at either end of the scale,
# the comment the rating service asks for.
ASSESSMENTS = {
    None: (
        "{first} has had a solid year: the agreed targets are largely met and colleagues can rely on their "
        "work. The next step is to take on more of the planning.",
        "Data analysis course; mentoring by a senior colleague.",
    ),
    5: (
        "{first} has had an outstanding year: every target was exceeded, and the improvements {first} led are "
        "now used across the department.",
        "Leadership programme; a stretch assignment on a cross-department project.",
    ),
    4: (
        "{first} has had a very good year: the targets were met in full, several ahead of time, and the "
        "quality of the work was reliably high.",
        "Project management course.",
    ),
    3: (
        "{first} has had a good year: the targets were met to the expected standard. The next step is to "
        "take on more of the planning.",
        "Data analysis course; mentoring by a senior colleague.",
    ),
    2: (
        "{first} met part of what was agreed: two deadlines were missed and the reports needed rework. "
        "With closer support the gap can be closed.",
        "Time management and report writing; fortnightly check-ins with the appraising officer.",
    ),
    1: (
        "{first} fell well short of the agreed targets despite the support given during the year. "
        "An improvement plan is needed.",
        "An improvement plan with monthly reviews; refresher training on the core duties of the post.",
    ),
}
EXTREME_COMMENTS = {
    5: "Far beyond what was agreed, with results the whole department now builds on.",
    1: "Well short of what was agreed, even after the mid-term review set out what was needed.",
}


def _rate(appraisal: Appraisal, officer: Person, *, level: int | None = None) -> None:
    """The appraising officer rates every target and competency and hands the appraisal to the
    countersigning officer: 3s and 4s by default (no comment needed), or every rating at
    `level` (so the overall level is `level`), with the comment an end of the scale needs."""
    snapshot = appraisal.cycle_template.snapshot
    rates_targets, competencies = rated_sections(snapshot)
    ratings = {}

    def rate(subject, key, default):
        ratings[rating_field(subject, key, "rating")] = str(level) if level is not None else default
        if level in EXTREME_COMMENTS:
            ratings[rating_field(subject, key, "comment")] = EXTREME_COMMENTS[level]

    if rates_targets:
        for number, target in enumerate(appraisal.targets.order_by("order", "pk")):
            rate("target", target.public_id, "4" if number % 2 == 0 else "3")
    for number, competency in enumerate(competencies):
        rate("competency", competency["key"], "3" if number % 3 else "4")
    assessment, training = ASSESSMENTS[level]
    rating_submit(
        **officer.kwargs(),
        appraisal=appraisal,
        expected_version=None,
        ratings=ratings,
        overall_assessment=assessment.format(first=appraisal.employee.first_name),
        training_recommendations=training,
    )


def _countersign(appraisal: Appraisal, countersigning: Person, *, agrees: bool = True) -> None:
    countersigning_sign(
        **countersigning.kwargs(),
        appraisal=appraisal,
        expected_version=None,
        agrees=agrees,
        remarks=(
            ""
            if agrees
            else "The targets were met in a hard year for the department: I would have rated the work a level higher."
        ),
    )


def _interview(appraisal: Appraisal, officer: Person, *, held_on: datetime.date) -> None:
    """The appraising officer records the feedback interview on a released result."""
    feedback_interview_record(**officer.kwargs(), appraisal=appraisal, expected_version=None, held_on=held_on)


ACKNOWLEDGEMENT = "Thank you for a fair appraisal; I will follow up on the training we discussed."


def _acknowledge(appraisal: Appraisal, appraisee: Person, comment: str | None = None) -> None:
    appraisal_acknowledge(
        **appraisee.kwargs(), appraisal=appraisal, expected_version=None, comment=comment or ACKNOWLEDGEMENT
    )
