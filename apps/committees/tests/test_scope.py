"""A committee covers the units it names and everything under them, or the whole organisation
when it names none; the closest scope comes first."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.committees.models import CommitteeKind
from apps.committees.scope import committees_covering, covers, covers_path, in_scope_q
from apps.people.models import Employee
from apps.people.services.tree import segment
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(org_a):
    """HQ > Finance > Payroll, and HQ > Sales."""
    with tenant_scope(org_a):
        hq = factories.OrgUnitFactory(organization=org_a, name="HQ")
        finance = factories.OrgUnitFactory(organization=org_a, name="Finance", parent=hq)
        payroll = factories.OrgUnitFactory(organization=org_a, name="Payroll", parent=finance)
        sales = factories.OrgUnitFactory(organization=org_a, name="Sales", parent=hq)
    return {"hq": hq, "finance": finance, "payroll": payroll, "sales": sales}


def test_a_committee_covers_its_units_and_their_sub_units(org_a, tree):
    with tenant_scope(org_a):
        group = factories.CommitteeFactory(organization=org_a)
        group.units.add(tree["finance"])
        assert covers(group, tree["finance"]) and covers(group, tree["payroll"])
        assert not covers(group, tree["sales"]) and not covers(group, tree["hq"])
        whole = factories.CommitteeFactory(organization=org_a, kind=CommitteeKind.PMC)
        assert all(covers(whole, unit) for unit in tree.values())


def test_the_closest_scope_comes_first_and_other_kinds_are_left_out(org_a, tree):
    with tenant_scope(org_a):
        board_all = factories.CommitteeFactory(organization=org_a, name="A board", kind=CommitteeKind.APPEAL_BOARD)
        board_finance = factories.CommitteeFactory(organization=org_a, name="B board", kind=CommitteeKind.APPEAL_BOARD)
        board_finance.units.add(tree["finance"])
        board_sales = factories.CommitteeFactory(organization=org_a, name="C board", kind=CommitteeKind.APPEAL_BOARD)
        board_sales.units.add(tree["sales"])
        factories.CommitteeFactory(organization=org_a, name="Panel", kind=CommitteeKind.MODERATION_PANEL)
        found = committees_covering(tree["payroll"], CommitteeKind.APPEAL_BOARD)
        assert found == [board_finance, board_all]


def test_the_queryset_filter_matches_the_object_check(org_a, tree):
    with tenant_scope(org_a):
        people = {name: factories.EmployeeFactory(organization=org_a, unit=unit) for name, unit in tree.items()}
        group = factories.CommitteeFactory(organization=org_a)
        group.units.add(tree["finance"], tree["sales"])
        paths = [tree["finance"].path, tree["sales"].path]
        inside = set(Employee.objects.filter(in_scope_q(paths, "unit__path")).values_list("pk", flat=True))
        assert inside == {people[n].pk for n in ("finance", "payroll", "sales")}
        assert Employee.objects.filter(in_scope_q([], "unit__path")).count() == 0
        assert Employee.objects.filter(in_scope_q(None, "unit__path")).count() == Employee.objects.count()


paths_st = st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=5).map(
    lambda ids: "".join(segment(i) for i in ids)
)


@settings(max_examples=200, deadline=None)
@given(scope=st.lists(paths_st, max_size=4), unit=paths_st)
def test_covering_is_being_at_or_below_a_named_unit(scope, unit):
    expected = any(unit == p or unit.startswith(p) for p in scope) if scope else True
    assert covers_path(scope or None, unit) is expected
