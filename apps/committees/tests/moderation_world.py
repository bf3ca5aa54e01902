"""A moderation world in tenant A: HQ (unit_a) > Sales > Sales North, and HQ > Ops; an active
cycle on a five-level scale; a panel covering Sales with Cleo (chair), Sam (secretary) and Mo
(member); appraising officers Otto (Sales) and Vera (Ops); HR is Alice, Bob sits nowhere."""

from decimal import Decimal
from types import SimpleNamespace

from django.test import Client

from apps.committees.models import CommitteeKind, MemberRole
from apps.cycles.models import AppraisalState, CycleStatus, PhaseKind, SectionKind
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

LEVELS = [
    {"value": str(v), "label": str(v), "name": "", "descriptor": "", "band_from": "0" if v == 1 else f"{v - 0.5}"}
    for v in range(1, 6)
]


def snapshot() -> dict:
    return {
        "template": {"id": "t", "name": "Scheme"},
        "scale": {"id": "s", "name": "Five", "levels": LEVELS},
        "sections": [
            {
                "key": "work",
                "kind": SectionKind.WORK_TARGETS,
                "title": "Work",
                "weight": "100",
                "officer_rates": True,
                "competencies": [],
            },
        ],
    }


def build_world(org_a, unit_a, alice, bob, phase=PhaseKind.COUNTERSIGNING) -> SimpleNamespace:
    users = {
        name: factories.member(org_a, unit_a, email=f"{name}@alpha.test", first_name=name.title())
        for name in ("cleo", "sam", "mo", "otto", "vera")
    }
    users["alice"], users["bob"] = alice, bob
    with tenant_scope(org_a):
        employees = {name: user.employments.get() for name, user in users.items()}
        sales = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Sales")
        north = factories.OrgUnitFactory(organization=org_a, parent=sales, name="Sales North")
        ops = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Ops")
        cycle = factories.CycleFactory(
            organization=org_a, status=CycleStatus.ACTIVE, current_phase=phase, name="Appraisal 2026"
        )
        ct = factories.CycleTemplateFactory(organization=org_a, cycle=cycle, snapshot=snapshot())
        panel = factories.CommitteeFactory(organization=org_a, name="Sales panel", kind=CommitteeKind.MODERATION_PANEL)
        panel.units.add(sales)
        for name, role in (("cleo", MemberRole.CHAIR), ("sam", MemberRole.SECRETARY), ("mo", MemberRole.MEMBER)):
            factories.CommitteeMemberFactory(organization=org_a, committee=panel, employee=employees[name], role=role)
    world = SimpleNamespace(
        org=org_a,
        users=users,
        employees=employees,
        sales=sales,
        north=north,
        ops=ops,
        cycle=cycle,
        ct=ct,
        panel=panel,
        appraisals=[],
    )
    return world


def add_appraisal(world, unit, officer, score, state=AppraisalState.COUNTERSIGNED, level=None, employee=None):
    with tenant_scope(world.org):
        appraisal = factories.AppraisalFactory(
            organization=world.org,
            cycle_template=world.ct,
            employee=employee or factories.EmployeeFactory(organization=world.org, unit=unit),
            appraising_officer=world.employees[officer] if officer else None,
            state=state,
            overall_score=Decimal(str(score)) if score is not None else None,
            overall_level=level if level is not None else ("" if score is None else str(round(score))),
        )
    world.appraisals.append(appraisal)
    return appraisal


def actor(world, name) -> dict:
    user = world.users[name]
    return {
        "actor": user,
        "employee": world.employees[name],
        "membership": Membership.objects.get(user=user, organization=world.org),
    }


def client_for(world, name) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client
