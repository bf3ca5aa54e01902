"""The acme demo's goal cascade, so the goal pages look alive on `make run`.

Strategy → corporate goals → division and department goals with key indicators → position
targets proposed to their holders → the demo employee's own work targets, with check-ins dated
over the past months. Everything goes through the services, as the people who would set it:
the chief executive sets strategy, each head their unit's goals, the employee proposes and the
manager agrees; so the audit trail reads as it would in real life.

Idempotent: when this year's period already holds goals, nothing is added. Run inside the
organisation's tenant scope (seed_demo does).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.people.models import Employee, OrgUnit, Position
from apps.tenancy.models import Membership

from .models import CheckIn, Direction, Goal, GoalLevel, GoalPeriod, GoalStatus
from .permissions import GoalActor
from .services.checkins import checkin_record
from .services.goals import goal_agree, goal_create, goal_set_status, goal_update
from .services.indicators import indicator_create
from .services.periods import period_create

HIGHER, LOWER = Direction.HIGHER, Direction.LOWER

# (key, title, description, corporate goals under it: (key, title, weight))
STRATEGY = [
    (
        "customers",
        "Delight our customers",
        "Customers come back because dealing with Acme is quick, friendly and reliable.",
        [
            ("first-contact", "Resolve customer issues at the first contact", 60),
            ("on-time", "Deliver every order on time", 40),
        ],
    ),
    (
        "operations",
        "Run efficient, reliable operations",
        "Make what customers order right first time, at a cost that keeps us competitive.",
        [("defects", "Halve defects and rework", 50), ("unit-cost", "Lower the cost per unit produced", 50)],
    ),
    (
        "people",
        "Grow a skilled, engaged workforce",
        "Everyone knows what is expected of them, why, and how they will grow.",
        [("targets-for-all", "Every employee has agreed targets and a development plan", 100)],
    ),
    (
        "finance",
        "Stay financially sound",
        "Spend within our means and invest in the systems that carry the business.",
        [("budget", "Keep operating costs within budget", 70), ("systems", "Modernise our core systems", 30)],
    ),
]

# An indicator: (name, unit of measure, baseline, target, direction, readings). Each reading
# becomes a dated check-in, oldest first; the last one is the current actual.
# A unit goal: (key, unit code, parent key, weight, title, indicators).
UNIT_GOALS = [
    # Divisions, aligned to corporate goals.
    ("ops-service", "OPS", "first-contact", 100, "Raise service quality across Operations", []),
    ("ops-lean", "OPS", "defects", 100, "Make production lean", []),
    ("corp-cycle", "CORP", "targets-for-all", 100, "Run a complete performance cycle", []),
    ("corp-budget", "CORP", "budget", 100, "Keep corporate services within budget", []),
    ("tech-roadmap", "TECH", "systems", 100, "Deliver the systems roadmap", []),
    # Departments, under their division's goal or straight under a corporate goal.
    (
        "cs-first-contact",
        "CS",
        "ops-service",
        60,
        "Resolve more enquiries at the first contact",
        [
            ("First-contact resolution", "%", "62", "80", HIGHER, ["64", "67", "71"]),
            ("Customer satisfaction", "%", "78", "90", HIGHER, ["79", "81", "84"]),
            ("Average wait on the phone", "minutes", "6", "2", LOWER, ["5.5", "4.6", "3.9"]),
        ],
    ),
    ("cs-response", "CS", "ops-service", 40, "Answer every customer within one working day", []),
    (
        "log-on-time",
        "LOG",
        "on-time",
        70,
        "Deliver on time at a lower cost",
        [
            ("Deliveries on time", "%", "88", "97", HIGHER, ["90", "92", "94"]),
            ("Cost per delivery", "€", "14.50", "12.00", LOWER, ["14.20", "13.60"]),
        ],
    ),
    ("log-planning", "LOG", "on-time", 30, "Plan every route the day before", []),
    (
        "prd-defects",
        "PRD",
        "ops-lean",
        100,
        "Cut defects on every line",
        [
            ("Defects per 1000 units", "per 1000", "12", "5", LOWER, ["11", "9.5", "8"]),
            ("Rework hours per week", "hours", "40", "15", LOWER, ["36", "30"]),
        ],
    ),
    (
        "prd-cost",
        "PRD",
        "unit-cost",
        100,
        "Lower the cost per unit",
        [("Cost per unit", "€", "42.00", "38.00", LOWER, ["41.60", "40.90", "40.10"])],
    ),
    (
        "hr-targets",
        "HR",
        "corp-cycle",
        100,
        "Agreed targets and a development plan for everyone",
        [
            ("Employees with agreed targets", "%", "40", "100", HIGHER, ["55", "70", "82"]),
            ("Training days per employee", "days", "2", "4", HIGHER, ["2.4", "2.9"]),
        ],
    ),
    (
        "fin-close",
        "FIN",
        "corp-budget",
        100,
        "Close the books faster and on budget",
        [
            ("Days to close the month", "days", "10", "5", LOWER, ["9", "8", "7"]),
            ("Budget variance", "%", "6", "2", LOWER, ["5.1", "4.2"]),
        ],
    ),
    # Engineering and IT Support weigh 60 + 30 under the roadmap: the deliberate gap the
    # alignment-gaps page points out.
    (
        "eng-platform",
        "ENG",
        "tech-roadmap",
        60,
        "Ship the new order platform",
        [("Roadmap milestones delivered", "milestones", "0", "8", HIGHER, ["1", "3", "4"])],
    ),
    (
        "it-service",
        "IT",
        "tech-roadmap",
        30,
        "Reliable IT for everyone",
        [
            ("System availability", "%", "98.0", "99.9", HIGHER, ["99.2", "99.6", "99.9"]),
            ("Tickets resolved within the SLA", "%", "80", "95", HIGHER, ["86", "91", "95"]),
        ],
    ),
]
ACHIEVED = {"it-service"}  # reached every target: its head marks it achieved

# (key, unit code, post title, parent key, weight, title, measure, how many proposals to agree)
POSITION_TARGETS = [
    (
        "cs-senior-officer",
        "CS",
        "Senior Officer",
        "cs-response",
        70,
        "Close every case within one working day",
        "Share of your cases closed within one working day",
        2,
    ),
    (
        "cs-officer",
        "CS",
        "Officer",
        "cs-response",
        30,
        "Log every call fully in the CRM",
        "Calls with a complete CRM record, sampled monthly",
        None,
    ),
    (
        "log-officer",
        "LOG",
        "Officer",
        "log-planning",
        100,
        "Publish tomorrow's routes by 4 pm",
        "Working days with routes published by 4 pm",
        None,
    ),
]

EMPLOYEE_EMAIL = "employee@acme.test"
# The demo employee's own proposals under "Answer every customer within one working day":
# (title, weight, agreed?, indicator or None, percentage readings)
OWN_TARGETS = [
    (
        "Answer the billing queue within four hours",
        35,
        True,
        ("Billing queries answered within 4 hours", "%", "55", "95", HIGHER, ["62", "70", "78"]),
        [],
    ),
    ("Write five knowledge-base articles on billing questions", 35, True, None, ["20", "40", "60"]),
    ("Complete the advanced complaint-handling course", 0, False, None, []),
]
# The demo employee's share for the target proposed from their post: with the two above, 100%.
POSTED_TARGET_WEIGHT = Decimal("30")
# Percentages the demo employee records on the target proposed from their post.
POSTED_TARGET_READINGS = ["20", "35", "55", "70"]
COMMENTS = ["Started", "Making progress", "On track", "Nearly there"]


def seed_goal_cascade(organization, *, today: datetime.date | None = None) -> int:
    """Create this year's demo cascade for acme; returns how many goals were added."""
    today = today or timezone.localdate()
    hr = _actor_for_email(organization, "hr@acme.test")
    period = GoalPeriod.objects.filter(name=str(today.year)).first()
    if period is None:
        period = period_create(
            actor=hr.user,
            membership=hr.membership,
            name=str(today.year),
            starts_on=datetime.date(today.year, 1, 1),
            ends_on=datetime.date(today.year, 12, 31),
        )
    if period.goals.exists():
        return 0
    clock = _Clock(period, today)
    units = {unit.code: unit for unit in OrgUnit.objects.select_related("head__user")}
    goals: dict[str, Goal] = {}

    chief = _actor(organization, units["ACME"].head)
    for key, title, description, corporate in STRATEGY:
        goals[key] = goal_create(
            actor=chief,
            period=period,
            level=GoalLevel.STRATEGIC,
            title=title,
            description=description,
            owner=chief.employee,
            weight=Decimal(100 // len(STRATEGY)),
        )
        for corporate_key, corporate_title, weight in corporate:
            goals[corporate_key] = goal_create(
                actor=chief,
                period=period,
                level=GoalLevel.CORPORATE,
                title=corporate_title,
                parent=goals[key],
                owner=chief.employee,
                weight=Decimal(weight),
            )

    for key, unit_code, parent_key, weight, title, indicators in UNIT_GOALS:
        unit = units[unit_code]
        head = _actor(organization, unit.head)
        goal = goal_create(
            actor=head,
            period=period,
            level=GoalLevel.UNIT,
            title=title,
            parent=goals[parent_key],
            unit=unit,
            owner=unit.head,
            weight=Decimal(weight),
        )
        goals[key] = goal
        _record_readings(head, goal, _add_indicators(head, goal, indicators), clock)
        if key in ACHIEVED:
            goal_set_status(actor=head, goal=goal, status=GoalStatus.ACHIEVED)

    for key, unit_code, post_title, parent_key, weight, title, measure, to_agree in POSITION_TARGETS:
        unit = units[unit_code]
        head = _actor(organization, unit.head)
        position = Position.objects.get(unit=unit, title=post_title)
        # Active position targets are proposed to every holder of the post as draft work targets.
        goals[key] = goal_create(
            actor=head,
            period=period,
            level=GoalLevel.POSITION,
            title=title,
            measure=measure,
            parent=goals[parent_key],
            position=position,
            owner=unit.head,
            weight=Decimal(weight),
        )
        _agree_proposals(organization, head, goals[key], to_agree, clock)

    _seed_own_targets(organization, period, goals["cs-response"], clock)
    return Goal.objects.filter(period=period).count()


# Last year's goals, for the cycle piloted then in two departments (apps/cycles/demo_past_cycle.py):
# a strategic and a corporate goal, and one goal for each department in the pilot, so that
# every work target of that cycle serves a goal as the templates ask.
PAST_STRATEGY = ("Grow a skilled, engaged workforce", "Pilot performance management in two departments")
PAST_UNIT_GOALS = {
    "CS": ("Answer customers faster and right first time", 50),
    "FIN": ("Close every month on time, in the new budget format", 50),
}


def seed_past_goals(organization, period) -> int:
    """Last year's few goals; returns how many were added (0 when the period has goals)."""
    if period.goals.exists():
        return 0
    units = {
        unit.code: unit
        for unit in OrgUnit.objects.select_related("head__user").filter(code__in=["ACME", *PAST_UNIT_GOALS])
    }
    chief = _actor(organization, units["ACME"].head)
    strategic_title, corporate_title = PAST_STRATEGY
    strategic = goal_create(
        actor=chief,
        period=period,
        level=GoalLevel.STRATEGIC,
        title=strategic_title,
        owner=chief.employee,
        weight=Decimal(100),
    )
    corporate = goal_create(
        actor=chief,
        period=period,
        level=GoalLevel.CORPORATE,
        title=corporate_title,
        parent=strategic,
        owner=chief.employee,
        weight=Decimal(100),
    )
    for code, (title, weight) in PAST_UNIT_GOALS.items():
        unit = units.get(code)
        if unit is None or unit.head is None:
            continue
        goal_create(
            actor=_actor(organization, unit.head),
            period=period,
            level=GoalLevel.UNIT,
            title=title,
            parent=corporate,
            unit=unit,
            owner=unit.head,
            weight=Decimal(weight),
        )
    return Goal.objects.filter(period=period).count()


def _agree_proposals(organization, manager: GoalActor, position_target: Goal, how_many, clock) -> None:
    """The manager agrees the proposals (the demo employee's first), and each holder then
    records some progress; with `how_many` set, the rest stay drafts."""
    proposals = sorted(
        Goal.objects.filter(source=position_target).select_related("employee__user"),
        key=lambda g: (g.employee.email != EMPLOYEE_EMAIL, g.employee.staff_number),
    )
    for number, proposal in enumerate(proposals[:how_many]):
        own = proposal.employee.email == EMPLOYEE_EMAIL
        if own:
            goal_update(actor=manager, goal=proposal, weight=POSTED_TARGET_WEIGHT)
        goal_agree(actor=manager, goal=proposal)
        holder = _actor(organization, proposal.employee)
        # The demo employee's history makes a chart; the other holders have checked in once.
        readings = POSTED_TARGET_READINGS if own else [str(25 + 15 * (number % 4))]
        for step, reading in enumerate(readings):
            _check_in(holder, proposal, clock.at(step, len(readings)), percentage=Decimal(reading))


def _seed_own_targets(organization, period, parent: Goal, clock) -> None:
    employee = Employee.objects.select_related("user", "manager__user").get(email__iexact=EMPLOYEE_EMAIL)
    me = _actor(organization, employee)
    manager = _actor(organization, employee.manager)
    for title, weight, agreed, indicator, readings in OWN_TARGETS:
        goal = goal_create(
            actor=me,
            period=period,
            level=GoalLevel.INDIVIDUAL,
            title=title,
            parent=parent,
            employee=employee,
            weight=Decimal(weight),
        )
        # Added while the target is a draft, when it is still the employee's to shape.
        added = _add_indicators(me, goal, [indicator] if indicator else [])
        if not agreed:
            continue
        goal_agree(actor=manager, goal=goal)
        _record_readings(me, goal, added, clock)
        for step, reading in enumerate(readings):
            _check_in(me, goal, clock.at(step, len(readings)), percentage=Decimal(reading))


def _add_indicators(actor: GoalActor, goal: Goal, indicators) -> list[tuple]:
    """Create the goal's indicators; returns (indicator, readings) pairs to record later."""
    added = []
    for name, unit_of_measure, baseline, target, direction, readings in indicators:
        indicator = indicator_create(
            actor=actor,
            goal=goal,
            name=name,
            unit_of_measure=unit_of_measure,
            baseline=Decimal(baseline),
            target=Decimal(target),
            direction=direction,
            due_date=goal.period.ends_on,
        )
        added.append((indicator, readings))
    return added


def _record_readings(actor: GoalActor, goal: Goal, added, clock) -> None:
    for indicator, readings in added:
        for step, reading in enumerate(readings):
            _check_in(actor, goal, clock.at(step, len(readings)), indicator=indicator, actual=Decimal(reading))


def _check_in(actor: GoalActor, goal: Goal, when: datetime.datetime, **values) -> None:
    step = min(len(COMMENTS) - 1, CheckIn.objects.filter(goal=goal).count())
    checkin = checkin_record(actor=actor, goal=goal, comment=COMMENTS[step], confidence=3 + step % 2, **values)
    # Back-date it, so the chart shows progress over the months rather than one afternoon.
    CheckIn.objects.filter(pk=checkin.pk).update(created_at=when)


class _Clock:
    """Spreads a series of check-ins over the months from the period's start to today."""

    def __init__(self, period: GoalPeriod, today: datetime.date):
        self.start = max(period.starts_on, today - datetime.timedelta(days=180))
        self.end = max(self.start, min(today, period.ends_on) - datetime.timedelta(days=3))

    def at(self, step: int, steps: int) -> datetime.datetime:
        span = (self.end - self.start).days
        day = self.start + datetime.timedelta(days=span * (step + 1) // steps)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 30)))


def _actor(organization, employee: Employee) -> GoalActor:
    membership = Membership.objects.get(organization=organization, user=employee.user)
    return GoalActor(user=employee.user, membership=membership, employee=employee)


def _actor_for_email(organization, email: str) -> GoalActor:
    return _actor(organization, Employee.objects.select_related("user").get(email__iexact=email))
