"""Generated data for measuring a cycle launch: the shape the peer comparison uses (each
appraisee with 4 weighted work targets and a template with 3 rating criteria).

Written with bulk inserts, not the services: the services are what is measured, not how the
data got there. The configuration (scale, template, cycle, phases) does go through the
services, so the launch sees exactly what HR would have set up.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.goals.models import Goal, GoalLevel, GoalPeriod, GoalStatus
from apps.people.models import Employee, Grade, OrgUnit, StaffClass
from apps.people.services.tree import segment
from apps.tenancy.models import Membership, Organization, Role

from .demo import LEVELS, MANAGER_COMPETENCIES, _add_sections
from .models import Cycle, PhaseKind, SectionKind
from .services.cycles import cycle_save, phases_save
from .services.scales import scale_save
from .services.templates import competency_save, template_save

TARGETS_PER_APPRAISEE = 4
COMPETENCIES = 3
BATCH = 5000


def create_organization(slug: str) -> tuple[Organization, Membership]:
    organization = Organization.objects.create(name=f"Benchmark {slug}", slug=slug)
    admin = get_user_model().objects.create_user(email=f"hr@{slug}.example", password=None)
    membership = Membership.objects.create(organization=organization, user=admin, role=Role.HR_ADMIN)
    return organization, membership


def build_launch_case(membership: Membership, appraisees: int) -> Cycle:
    """`appraisees` people (ten reports per manager) with 4 active work targets each, and a
    draft cycle over all of them with a 3-competency template. Run inside the tenant scope."""
    organization, actor = membership.organization, membership.user
    staff_class = StaffClass.objects.create(organization=organization, code="PRO", name="Professionals")
    grade = Grade.objects.create(organization=organization, code="P3", name="P3", staff_class=staff_class)
    unit = OrgUnit.objects.create(organization=organization, code="HQ", name="Head Office", path=segment(1))
    employees = [
        Employee(
            organization=organization,
            staff_number=f"E{i:06d}",
            first_name="Appraisee",
            last_name=str(i),
            email=f"e{i}@bench.example",
            unit=unit,
            grade=grade,
            hire_date=datetime.date(2020, 1, 1),
        )
        for i in range(appraisees)
    ]
    Employee.objects.bulk_create(employees, batch_size=BATCH)
    for i, employee in enumerate(employees):
        employee.manager_id = employees[(i - 1) // 10].pk if i else None
    Employee.objects.bulk_update(employees, ["manager"], batch_size=BATCH)

    today = timezone.localdate()
    period = GoalPeriod.objects.create(
        organization=organization,
        name=f"Year {today.year}",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )
    Goal.objects.bulk_create(
        [
            Goal(
                organization=organization,
                period=period,
                level=GoalLevel.INDIVIDUAL,
                employee=employee,
                unit=unit,
                title=f"Work target {n + 1}",
                measure="Delivered on time and to standard",
                weight=Decimal(100 / TARGETS_PER_APPRAISEE),
                status=GoalStatus.ACTIVE,
            )
            for employee in employees
            for n in range(TARGETS_PER_APPRAISEE)
        ],
        batch_size=BATCH,
    )

    scale = scale_save(
        actor=actor,
        membership=membership,
        name="Five levels",
        levels=[
            {"value": Decimal(v), "label": str(v), "name": name, "descriptor": text, "band_from": Decimal(band)}
            for v, name, band, text in LEVELS
        ],
    )
    levels = {level.value: level for level in scale.levels.all()}
    template = template_save(
        actor=actor,
        membership=membership,
        name="Professionals",
        scale=scale,
        staff_classes=StaffClass.objects.filter(pk=staff_class.pk),
    )
    _add_sections(actor, membership, template, Decimal("60"), Decimal("40"), with_career=True)
    section = template.sections.get(kind=SectionKind.COMPETENCIES)
    for name, description, texts in MANAGER_COMPETENCIES[:COMPETENCIES]:
        competency_save(
            actor=actor,
            membership=membership,
            section=section,
            name=name,
            description=description,
            descriptors={levels[Decimal(v)]: text for (v, *_), text in zip(LEVELS, texts, strict=True)},
        )
    cycle = cycle_save(actor=actor, membership=membership, name="Benchmark cycle", period=period, templates=[template])
    start = timezone.now()
    phases_save(
        actor=actor,
        membership=membership,
        cycle=cycle,
        phases=[
            {
                "kind": kind,
                "starts_at": start + datetime.timedelta(days=30 * n),
                "ends_at": start + datetime.timedelta(days=30 * n + 29),
            }
            for n, kind in enumerate(PhaseKind.values)
        ],
    )
    return cycle
