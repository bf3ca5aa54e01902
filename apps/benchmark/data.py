"""Generated organisations for the benchmark, parameterised by size so tests can run it tiny.

One organisation: a unit tree of five levels (organisation, division, department, section,
team; `fanout` children each), a head per unit reporting to the head above, the rest in the
teams reporting to their team head, everyone with a sign-in and a membership; staff classes
and grades; a goal cascade strategy → corporate → unit → position → four work targets per
person; one cycle configured through the services (scale, template with three competencies,
phases) and launched through them, then placed in its self-assessment phase with the
appraisals spread over the states.

People, units and goals go in with bulk inserts (how the data got there is not what is
measured); the launch goes through cycle_launch/run_launch, timed by the caller when it asks.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from apps.committees.models import Committee, CommitteeKind, CommitteeMember, MemberRole
from apps.committees.services_moderation import session_open
from apps.cycles.demo import LEVELS, MANAGER_COMPETENCIES, _add_sections
from apps.cycles.models import Appraisal, AppraisalState, Cycle, CycleStatus, PhaseKind, SectionKind
from apps.cycles.services.cycles import cycle_save, phases_save
from apps.cycles.services.launch import cycle_launch, run_launch
from apps.cycles.services.scales import scale_save
from apps.cycles.services.templates import competency_save, template_save
from apps.goals.models import Goal, GoalLevel, GoalPeriod, GoalStatus, KeyIndicator
from apps.notifications.models_reminders import ReminderRule
from apps.people.models import Employee, Grade, OrgUnit, Position, StaffClass, UnitKind
from apps.tenancy.models import Membership, Organization, Role
from apps.tenancy.scoping import tenant_scope

from .measure import Measured, measure

BATCH = 5000
TARGETS_PER_PERSON = 4
COMPETENCIES = 3
KINDS = [UnitKind.ORGANISATION, UnitKind.DIVISION, UnitKind.DEPARTMENT, UnitKind.SECTION, UnitKind.TEAM]
DAY = datetime.timedelta(days=1)
S = AppraisalState
# Where the appraisals stand, out of ten, while the cycle is in its self-assessment phase.
STATE_MIX = [S.PLANNING, S.SELF_ASSESSMENT, S.SELF_ASSESSMENT, S.SELF_ASSESSMENT, S.SELF_ASSESSMENT]
STATE_MIX += [S.SELF_ASSESSMENT, S.WITH_OFFICER, S.WITH_OFFICER, S.WITH_COUNTERSIGNING, S.COUNTERSIGNED]


@dataclass
class OrgCase:
    """A generated organisation and the people and objects the page timings use."""

    organization: Organization
    hr: Membership
    cycle: Cycle
    employees: int
    units: int
    goals: int
    appraisals: int
    # Timings of the build, and of the launch when the caller asked for it.
    built_s: float = 0.0
    launch: Measured | None = None
    run: Measured | None = None
    sample: dict = field(default_factory=dict)


def unit_count(fanout: int, levels: int = len(KINDS)) -> int:
    return sum(fanout**depth for depth in range(levels))


def create_organization(slug: str, name: str) -> Organization:
    """Never quiet and working every day, so the reminder sweep runs whatever the hour."""
    return Organization.objects.create(
        name=name,
        slug=slug,
        time_zone="Europe/London",
        quiet_from=datetime.time(0),
        quiet_until=datetime.time(0),
        working_days="1234567",
    )


def build_organization(
    slug: str, *, employees: int, fanout: int, name: str | None = None, analyze: bool = True
) -> OrgCase:
    """Generate one organisation and launch its cycle (the launch timed into the case).
    `analyze=False` leaves the planner statistics to the caller (one ANALYZE after many small ones)."""
    if employees < unit_count(fanout):
        raise ValueError(f"{employees} employees cannot head {unit_count(fanout)} units")
    started = time.perf_counter()
    organization = create_organization(slug, name or f"Benchmark {slug}")
    with tenant_scope(organization):
        people = _people(organization, employees, fanout)
        hr = people["hr"]
        _goals(organization, people)
        cycle = _cycle(organization, hr, people)
        if analyze:
            refresh_statistics()
        launch = measure(lambda: cycle_launch(actor=hr.user, membership=hr, cycle=cycle))
        run = measure(lambda: run_launch(launch.result))
        if run.result != employees:
            raise RuntimeError(f"the launch created {run.result} appraisals for {employees} people")
        _in_self_assessment(organization, cycle)
        session = _moderation_session(organization, hr, people, cycle)
        if analyze:
            refresh_statistics()
        case = OrgCase(
            organization=organization,
            hr=hr,
            cycle=Cycle.objects.get(pk=cycle.pk),
            employees=employees,
            units=len(people["units"]),
            goals=Goal.objects.count(),
            appraisals=Appraisal.objects.filter(cycle=cycle).count(),
            launch=launch,
            run=run,
            sample={**_sample(people, cycle), "moderation_session": session},
        )
    case.built_s = time.perf_counter() - started
    return case


def refresh_statistics() -> None:
    # Vacuumed tables and fresh statistics, as autovacuum would leave them by the time people use
    # the pages: the generator's UPDATEs (states, levels) leave a dead row for every live one,
    # and unvacuumed pages are read with their dead rows (the HR overview's counts ~20 % slower).
    # Inside a transaction (a rolled-back case, the tests) VACUUM cannot run: statistics only.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def _people(organization: Organization, size: int, fanout: int) -> dict:
    units = _units(organization, fanout)
    leaves = [u for u in units if u.kind == UnitKind.TEAM]
    classes = {
        code: StaffClass.objects.create(organization=organization, code=code, name=name, is_senior_management=senior)
        for code, name, senior in (
            ("SMT", "Senior management", True),
            ("MGR", "Managers", False),
            ("PRO", "Staff", False),
        )
    }
    grades = {
        code: Grade.objects.create(organization=organization, code=code, name=code, staff_class=classes[cls], rank=rank)
        for code, cls, rank in (
            ("D1", "SMT", 9),
            ("M2", "MGR", 7),
            ("M1", "MGR", 6),
            ("P3", "PRO", 3),
            ("P2", "PRO", 2),
        )
    }
    head_posts = Position.objects.bulk_create(
        [Position(organization=organization, title=f"Head of {u.name}", code=f"H-{u.code}", unit=u) for u in units]
    )
    member_posts = Position.objects.bulk_create(
        [Position(organization=organization, title=f"Officer, {u.name}", code=f"O-{u.code}", unit=u) for u in leaves]
    )
    post_of_leaf = {u.pk: p for u, p in zip(leaves, member_posts, strict=True)}
    slug = organization.slug
    users = get_user_model().objects.bulk_create(
        [get_user_model()(email=f"p{i}@{slug}.example", full_name=f"Person {i}", password="!") for i in range(size)],
        batch_size=BATCH,
    )
    hr_index = size - 1  # an ordinary team member who is HR admin too
    Membership.objects.bulk_create(
        [
            Membership(organization=organization, user=user, role=Role.HR_ADMIN if i == hr_index else Role.MEMBER)
            for i, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    index_of_unit = {u.pk: k for k, u in enumerate(units)}
    rows = []
    for i, user in enumerate(users):
        if i < len(units):  # employee k heads unit k
            unit, post = units[i], head_posts[i]
            grade = grades["D1" if unit.depth == 0 else "M2" if unit.depth < 3 else "M1"]
        else:
            unit = leaves[(i - len(units)) % len(leaves)]
            post, grade = post_of_leaf[unit.pk], grades["P3" if i % 3 else "P2"]
        rows.append(
            Employee(
                organization=organization,
                user=user,
                staff_number=f"E{i:06d}",
                first_name="Person",
                last_name=f"{i:06d}",
                email=user.email,
                unit=unit,
                position=post,
                grade=grade,
                hire_date=datetime.date(2015 + i % 10, 1 + i % 12, 1 + i % 28),
            )
        )
    employees = Employee.objects.bulk_create(rows, batch_size=BATCH)
    for i, employee in enumerate(employees):
        unit = employee.unit
        if i < len(units):
            employee.manager_id = employees[index_of_unit[unit.parent_id]].pk if unit.parent_id else None
        else:
            employee.manager_id = employees[index_of_unit[unit.pk]].pk
    Employee.objects.bulk_update(employees, ["manager"], batch_size=BATCH)
    for unit, head in zip(units, employees, strict=False):
        unit.head_id = head.pk
    OrgUnit.objects.bulk_update(units, ["head"], batch_size=BATCH)
    hr = Membership.objects.select_related("user", "organization").get(organization=organization, user=users[hr_index])
    return {
        "units": units,
        "leaves": leaves,
        "employees": employees,
        "head_posts": head_posts,
        "member_posts": member_posts,
        "classes": classes,
        "hr": hr,
    }


def _units(organization: Organization, fanout: int) -> list[OrgUnit]:
    """Breadth first, level by level; paths filled in SQL afterwards."""
    units, level = [], [None]
    for depth, kind in enumerate(KINDS):
        created = OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    organization=organization,
                    code=f"U{len(units) + n:05d}",
                    name=f"{kind.label} {len(units) + n}",
                    kind=kind,
                    parent=parent,
                    depth=depth,
                )
                for n, parent in enumerate(p for p in level for _ in range(1 if p is None else fanout))
            ]
        )
        units += created
        level = created
    fill_paths("people_orgunit", organization.pk)
    by_pk = dict(OrgUnit.objects.values_list("pk", "path"))
    for unit in units:
        unit.path = by_pk[unit.pk]
    return units


def fill_paths(table: str, organization_id: int) -> None:
    """Materialised paths (see people.services.tree) for a freshly inserted tree, a level per statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET path = lpad(id::text, 10, '0') || '/', depth = 0 "  # noqa: S608 - table is ours
            "WHERE organization_id = %s AND parent_id IS NULL",
            [organization_id],
        )
        while True:
            cursor.execute(
                f"UPDATE {table} c SET path = p.path || lpad(c.id::text, 10, '0') || '/', depth = p.depth + 1 "  # noqa: S608
                f"FROM {table} p WHERE c.parent_id = p.id AND c.organization_id = %s AND c.path = '' AND p.path <> ''",
                [organization_id],
            )
            if cursor.rowcount == 0:
                return


def _goals(organization: Organization, people: dict) -> None:
    today = timezone.localdate()
    period = GoalPeriod.objects.create(
        organization=organization,
        name=f"Year {today.year}",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )
    ceo = people["employees"][0]
    common = {"organization": organization, "period": period, "status": GoalStatus.ACTIVE}

    def progress(n):
        return Decimal(n * 37 % 101)

    strategic = Goal.objects.bulk_create(
        [
            Goal(**common, level=GoalLevel.STRATEGIC, title=f"Strategic goal {n + 1}", owner=ceo, weight=Decimal(25))
            for n in range(4)
        ]
    )
    corporate = Goal.objects.bulk_create(
        [
            Goal(
                **common,
                level=GoalLevel.CORPORATE,
                title=f"Corporate goal {n + 1}",
                parent=s,
                owner=ceo,
                weight=Decimal(50),
                progress=progress(n),
            )
            for n, s in enumerate(s for s in strategic for _ in range(2))
        ]
    )
    units, employees = people["units"], people["employees"]
    unit_goal = {}
    for depth in range(len(KINDS)):
        level = [u for u in units if u.depth == depth]
        created = Goal.objects.bulk_create(
            [
                Goal(
                    **common,
                    level=GoalLevel.UNIT,
                    title=f"{u.name}: deliver its share",
                    parent=corporate[k % len(corporate)] if u.parent_id is None else unit_goal[u.parent_id],
                    unit=u,
                    owner_id=u.head_id,
                    weight=Decimal(100),
                    progress=progress(k),
                )
                for k, u in enumerate(level)
            ],
            batch_size=BATCH,
        )
        unit_goal.update({u.pk: g for u, g in zip(level, created, strict=True)})
    KeyIndicator.objects.bulk_create(
        [
            KeyIndicator(
                organization=organization,
                goal=g,
                name="Completion",
                unit_of_measure="%",
                baseline=Decimal(0),
                target=Decimal(100),
                actual=g.progress,
            )
            for g in unit_goal.values()
        ],
        batch_size=BATCH,
    )
    posts = people["head_posts"] + people["member_posts"]
    post_goals = Goal.objects.bulk_create(
        [
            Goal(
                **common,
                level=GoalLevel.POSITION,
                title=f"{p.title}: key result",
                parent=unit_goal[p.unit_id],
                unit_id=p.unit_id,
                position=p,
                weight=Decimal(100),
                progress=progress(k),
            )
            for k, p in enumerate(posts)
        ],
        batch_size=BATCH,
    )
    goal_of_post = {p.pk: g for p, g in zip(posts, post_goals, strict=True)}
    Goal.objects.bulk_create(
        [
            Goal(
                **common,
                level=GoalLevel.INDIVIDUAL,
                title=f"Work target {n + 1}",
                measure="Delivered on time and to standard",
                parent=goal_of_post[e.position_id],
                source=goal_of_post[e.position_id],
                unit_id=e.unit_id,
                employee=e,
                owner=e,
                weight=Decimal(100 / TARGETS_PER_PERSON),
                progress=progress(i + n),
            )
            for i, e in enumerate(employees)
            for n in range(TARGETS_PER_PERSON)
        ],
        batch_size=BATCH,
    )
    fill_paths("goals_goal", organization.pk)
    people["period"] = period
    people["unit_goal"] = unit_goal


def _cycle(organization: Organization, hr: Membership, people: dict) -> Cycle:
    """Scale, template and cycle through the services, as HR would set them up."""
    actor = hr.user
    scale = scale_save(
        actor=actor,
        membership=hr,
        name="Five levels",
        levels=[
            {"value": Decimal(v), "label": str(v), "name": name, "descriptor": text, "band_from": Decimal(band)}
            for v, name, band, text in LEVELS
        ],
    )
    levels = {level.value: level for level in scale.levels.all()}
    template = template_save(
        actor=actor,
        membership=hr,
        name="Everyone",
        scale=scale,
        staff_classes=StaffClass.objects.filter(pk__in=[c.pk for c in people["classes"].values()]),
    )
    _add_sections(actor, hr, template, Decimal("60"), Decimal("40"), with_career=True)
    section = template.sections.get(kind=SectionKind.COMPETENCIES)
    for name, description, texts in MANAGER_COMPETENCIES[:COMPETENCIES]:
        competency_save(
            actor=actor,
            membership=hr,
            section=section,
            name=name,
            description=description,
            descriptors={levels[Decimal(v)]: text for (v, *_), text in zip(LEVELS, texts, strict=True)},
        )
    cycle = cycle_save(
        actor=actor, membership=hr, name="Annual appraisal", period=people["period"], templates=[template]
    )
    start = timezone.now()
    phases_save(
        actor=actor,
        membership=hr,
        cycle=cycle,
        phases=[
            {"kind": kind, "starts_at": start + 30 * n * DAY, "ends_at": start + (30 * n + 29) * DAY}
            for n, kind in enumerate(PhaseKind.values)
        ],
    )
    return cycle


def _in_self_assessment(organization: Organization, cycle: Cycle) -> None:
    """Move the launched cycle's calendar so today falls in its self-assessment phase, spread the
    appraisals over the states, and give the cycle its reminder rule."""
    now = timezone.now()
    order = PhaseKind.values
    current = order.index(PhaseKind.SELF_ASSESSMENT)
    for n, kind in enumerate(order):
        starts = now + (n - current) * 30 * DAY - 20 * DAY
        cycle.phases.filter(kind=kind).update(starts_at=starts, ends_at=starts + 30 * DAY)
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.ACTIVE, current_phase=PhaseKind.SELF_ASSESSMENT)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cycles_appraisal SET state = (%s::text[])[1 + (employee_id %% %s)] WHERE cycle_id = %s",
            [[str(s) for s in STATE_MIX], len(STATE_MIX), cycle.pk],
        )
    ReminderRule.objects.create(
        organization=organization,
        cycle=cycle,
        days_before=60,
        overdue_every_days=7,
        escalate_after_days=7,
        escalation_every_days=7,
        escalation_steps=3,
    )


def _moderation_session(organization: Organization, hr: Membership, people: dict, cycle: Cycle):
    """The countersigned appraisals get their overall score and level, and a moderation panel over
    the whole organisation (HR in the chair) opens its session on the cycle."""
    labels = [str(value) for value, *_ in LEVELS]
    # The countersigned appraisals all share one value of employee_id modulo 10 (STATE_MIX), so the
    # level is drawn from the tens, shifted per appraising officer: the panel sees a spread of
    # levels and officers more lenient or severe than the rest, as in a real calibration.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cycles_appraisal SET overall_level = (%s::text[])[1 + p.k], overall_score = (%s::numeric[])[1 + p.k] "
            "FROM (SELECT id, (employee_id / 10 + coalesce(appraising_officer_id, 0) %% 3) %% %s AS k "
            "      FROM cycles_appraisal WHERE cycle_id = %s AND state = %s) p "
            "WHERE cycles_appraisal.id = p.id",
            [labels, [value for value, *_ in LEVELS], len(labels), cycle.pk, str(S.COUNTERSIGNED)],
        )
    panel = Committee.objects.create(
        organization=organization, name="Moderation panel", kind=CommitteeKind.MODERATION_PANEL
    )
    panel.units.set([people["units"][0]])
    chair = Employee.objects.get(user=hr.user)
    CommitteeMember.objects.create(organization=organization, committee=panel, employee=chair, role=MemberRole.CHAIR)
    return session_open(actor=hr.user, employee=chair, membership=hr, panel=panel, cycle=Cycle.objects.get(pk=cycle.pk))


def _sample(people: dict, cycle: Cycle) -> dict:
    """The people and objects each page is opened with: an appraisee in self-assessment whose
    team head has a full team, that head, HR, the deepest unit."""
    units, leaves = people["units"], people["leaves"]
    team = Appraisal.objects.filter(cycle=cycle, employee__unit=leaves[0]).exclude(employee_id=leaves[0].head_id)
    if not team.filter(state=S.SELF_ASSESSMENT).exists():  # a tiny organisation may have drawn none
        team.filter(pk=team.order_by("pk").values("pk")[:1]).update(state=S.SELF_ASSESSMENT)
    appraisal = (
        team.filter(state=S.SELF_ASSESSMENT)
        .select_related("employee__user", "appraising_officer__user")
        .order_by("employee_id")
        .first()
    )
    return {
        "appraisee": appraisal.employee.user,
        "appraisal": appraisal,
        "officer": appraisal.appraising_officer.user,
        "hr": people["hr"].user,
        "root_unit": units[0],
        "deep_unit": leaves[0],
        "cycle": cycle,
        "period": people["period"],
    }
