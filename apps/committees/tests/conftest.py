"""Committee fixtures: a small tree, a Performance Management Committee over everything and a
promotion group over Finance that reports to it, with people seated in each role."""

import pytest

from apps.committees.models import CommitteeKind, MemberRole
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def tree(org_a, unit_a):
    """Alpha HQ > Finance > Payroll, and Alpha HQ > Sales."""
    with tenant_scope(org_a):
        finance = factories.OrgUnitFactory(organization=org_a, name="Finance", parent=unit_a)
        payroll = factories.OrgUnitFactory(organization=org_a, name="Payroll", parent=finance)
        sales = factories.OrgUnitFactory(organization=org_a, name="Sales", parent=unit_a)
    return {"hq": unit_a, "finance": finance, "payroll": payroll, "sales": sales}


@pytest.fixture
def pmc(org_a):
    with tenant_scope(org_a):
        return factories.CommitteeFactory(
            organization=org_a, name="Performance Management Committee", kind=CommitteeKind.PMC
        )


@pytest.fixture
def group(org_a, tree, pmc):
    with tenant_scope(org_a):
        group = factories.CommitteeFactory(organization=org_a, name="Finance promotion group", reports_to=pmc)
        group.units.add(tree["finance"])
    return group


@pytest.fixture
def people(org_a, tree, group, pmc):
    """Users seated on the group as chair, secretary and member, one on the PMC, and an outsider."""
    made = {}
    with tenant_scope(org_a):
        for name, role, committee in (
            ("chair", MemberRole.CHAIR, group),
            ("secretary", MemberRole.SECRETARY, group),
            ("member", MemberRole.MEMBER, group),
            ("pmc", MemberRole.MEMBER, pmc),
            ("outsider", None, None),
        ):
            user = factories.member(org_a, tree["finance"], email=f"{name}@alpha.test", first_name=name.title())
            employee = user.employments.get()
            if committee is not None:
                factories.CommitteeMemberFactory(organization=org_a, committee=committee, employee=employee, role=role)
            made[name] = user
    return made
