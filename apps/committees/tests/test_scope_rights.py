"""Rights follow the scope exactly, on random org trees: a chair acts on a unit (publishing
to it) if and only if the unit is at or under one of the committee's units; the report's
figures count exactly the appraisals of that subtree; an announcement to some units reaches
exactly the people at or under them.

"Under" is computed here from the parent links alone, independently of the materialised paths
the code uses. Each example builds its tree in the test's transaction, rolled back at the end.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.committees.permissions import Action, Role, can_on_unit
from apps.committees.selectors import announcements_for, cycle_with_phases, figures_for
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CHAIR = {Role.STAFF, Role.CHAIR}
HR = {Role.STAFF, Role.HR}


@st.composite
def trees_and_scopes(draw):
    """parents[i] is the index of unit i's parent (None for a root; always an earlier unit),
    and scope is a set of unit indexes the committee names."""
    size = draw(st.integers(min_value=1, max_value=10))
    parents = [None]
    for i in range(1, size):
        parents.append(draw(st.none() | st.integers(min_value=0, max_value=i - 1)))
    scope = draw(st.sets(st.integers(min_value=0, max_value=size - 1), max_size=3))
    return parents, scope


def _under(i, parents, scope) -> bool:
    while i is not None:
        if i in scope:
            return True
        i = parents[i]
    return False


def _build(org, parents):
    units = []
    for parent in parents:
        units.append(factories.OrgUnitFactory(organization=org, parent=units[parent] if parent is not None else None))
    return units


@PROPERTY_SETTINGS
@given(shape=trees_and_scopes())
def test_a_chairs_rights_and_figures_cover_exactly_the_subtree(org_a, shape):
    parents, scope = shape
    with tenant_scope(org_a):
        units = _build(org_a, parents)
        committee = factories.CommitteeFactory(organization=org_a)
        committee.units.set([units[i] for i in scope])
        cycle = factories.CycleFactory(organization=org_a)
        for unit in units:
            factories.AppraisalFactory(
                organization=org_a,
                employee=factories.EmployeeFactory(organization=org_a, unit=unit),
                cycle_template__cycle=cycle,
            )
        committee = type(committee).objects.prefetch_related("units").get(pk=committee.pk)
        for i, unit in enumerate(units):
            expected = _under(i, parents, scope) if scope else True  # no units: the whole organisation
            assert can_on_unit(CHAIR, Action.PUBLISH, committee, unit) is expected
            assert can_on_unit(HR, Action.PUBLISH, committee, unit)  # HR is not bound by a scope
            assert not can_on_unit({Role.STAFF, Role.MEMBER}, Action.PUBLISH, committee, unit)
        figures = figures_for(cycle_with_phases().get(pk=cycle.pk), [committee])[committee.pk]
        expected_total = sum(1 for i in range(len(units)) if _under(i, parents, scope)) if scope else len(units)
        assert figures["total"] == expected_total


@PROPERTY_SETTINGS
@given(shape=trees_and_scopes())
def test_an_announcement_reaches_exactly_the_people_under_its_units(org_a, shape):
    parents, scope = shape
    now = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    with tenant_scope(org_a):
        units = _build(org_a, parents)
        announcement = factories.AnnouncementFactory(organization=org_a, published_from=now)
        announcement.units.set([units[i] for i in scope])
        for i, unit in enumerate(units):
            person = factories.EmployeeFactory(organization=org_a, unit=unit)
            shown = announcement in announcements_for(person, now=now, limit=1000)
            assert shown is (_under(i, parents, scope) if scope else True)
        announcement.delete()
