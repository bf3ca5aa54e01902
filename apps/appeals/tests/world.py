"""An appeals world in tenant A.

Units: HQ (unit_a) > Sales > Sales North. Reporting line: Ann (appellant, Sales North) →
Otto (her appraising officer) → Cora (her countersigning officer) → Alice (HR). The Sales
appeal board has Bea (chair), Sid (secretary), Mel (member) and Otto (member, excluded as
Ann's appraising officer); Cora also sits on a whole-organisation board. Dave sits nowhere.
Ann's appraisal is released a day ago on a five-level scale, with one work target and one
competency rated 3 and an overall level of 3.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.test import Client
from django.utils import timezone

from apps.committees.models import CommitteeKind, MemberRole
from apps.cycles.models import Appraisal, AppraisalState, CycleStatus, PhaseKind, SectionKind
from apps.people.models import Employee
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

LEVELS = [
    {"value": str(v), "label": str(v), "name": name, "descriptor": "", "band_from": "0" if v == 1 else f"{v - 0.5}"}
    for v, name in ((1, "Poor"), (2, "Fair"), (3, "Good"), (4, "Very good"), (5, "Outstanding"))
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
                "weight": "50",
                "officer_rates": True,
                "competencies": [],
            },
            {
                "key": "comp",
                "kind": SectionKind.COMPETENCIES,
                "title": "Competencies",
                "weight": "50",
                "officer_rates": True,
                "competencies": [{"key": "c1", "name": "Teamwork", "description": ""}],
            },
        ],
    }


def build_world(org_a, unit_a, alice) -> SimpleNamespace:
    names = ("ann", "otto", "cora", "bea", "sid", "mel", "dave")
    users = {
        name: factories.member(org_a, unit_a, email=f"{name}@alpha.test", first_name=name.title()) for name in names
    }
    users["alice"] = alice
    with tenant_scope(org_a):
        emp = {name: user.employments.get() for name, user in users.items()}
        sales = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Sales")
        north = factories.OrgUnitFactory(organization=org_a, parent=sales, name="Sales North")
        Employee.objects.filter(pk=emp["ann"].pk).update(unit=north, manager=emp["otto"])
        Employee.objects.filter(pk=emp["otto"].pk).update(unit=sales, manager=emp["cora"])
        Employee.objects.filter(pk=emp["cora"].pk).update(manager=emp["alice"])
        for e in emp.values():
            e.refresh_from_db()
        cycle = factories.CycleFactory(
            organization=org_a, status=CycleStatus.ACTIVE, current_phase=PhaseKind.ACKNOWLEDGEMENT, name="Year 2026"
        )
        ct = factories.CycleTemplateFactory(organization=org_a, cycle=cycle, snapshot=snapshot())
        appraisal = factories.AppraisalFactory(
            organization=org_a,
            cycle_template=ct,
            employee=emp["ann"],
            appraising_officer=emp["otto"],
            countersigning_officer=emp["cora"],
            state=AppraisalState.RELEASED,
            released_at=timezone.now() - datetime.timedelta(days=1),
            overall_score=Decimal("3.00"),
            overall_level="3",
        )
        target = factories.AppraisalTargetFactory(
            organization=org_a, appraisal=appraisal, title="Grow sales", weight=Decimal("100"), officer_rating=3
        )
        factories.CompetencyRatingFactory(
            organization=org_a, appraisal=appraisal, competency_key="c1", officer_rating=Decimal("3")
        )
        board = factories.CommitteeFactory(
            organization=org_a, name="Sales appeal board", kind=CommitteeKind.APPEAL_BOARD
        )
        board.units.add(sales)
        for name, role in (
            ("bea", MemberRole.CHAIR),
            ("sid", MemberRole.SECRETARY),
            ("mel", MemberRole.MEMBER),
            ("otto", MemberRole.MEMBER),
        ):
            factories.CommitteeMemberFactory(organization=org_a, committee=board, employee=emp[name], role=role)
        org_board = factories.CommitteeFactory(
            organization=org_a, name="Central appeal board", kind=CommitteeKind.APPEAL_BOARD
        )
        factories.CommitteeMemberFactory(
            organization=org_a, committee=org_board, employee=emp["cora"], role=MemberRole.CHAIR
        )
    return SimpleNamespace(
        org=org_a,
        users=users,
        emp=emp,
        sales=sales,
        north=north,
        cycle=cycle,
        ct=ct,
        appraisal=appraisal,
        target=target,
        board=board,
        org_board=org_board,
    )


def actor(world, name) -> dict:
    user = world.users[name]
    return {
        "actor": user,
        "employee": world.emp[name],
        "membership": Membership.objects.get(user=user, organization=world.org),
    }


def client_for(world, name) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def fresh_appraisal(world) -> Appraisal:
    with tenant_scope(world.org):
        return Appraisal.objects.get(pk=world.appraisal.pk)
