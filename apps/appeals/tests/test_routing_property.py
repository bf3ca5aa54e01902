"""Routing and exclusion, property-tested: over random reporting lines (the rule alone), and over
random org trees, boards and people in the database (route() end to end), against a reference
written the plain way (walking parents and managers one by one)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.appeals.models import ExclusionReason
from apps.appeals.routing import exclusions, manager_chain, route
from apps.committees.models import CommitteeKind
from apps.cycles.models import AppraisalState
from apps.people.models import Employee
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@st.composite
def reporting_lines(draw):
    """n people; each one's manager is someone earlier (a forest) or, now and then, anyone (a
    loop, which real data should not hold but the walk must survive)."""
    n = draw(st.integers(min_value=1, max_value=25))
    manager_of = {}
    for person in range(n):
        if person and draw(st.booleans()):
            manager_of[person] = draw(st.integers(min_value=0, max_value=person - 1))
        elif draw(st.integers(min_value=0, max_value=9)) == 0:
            manager_of[person] = draw(st.integers(min_value=0, max_value=n - 1))
        else:
            manager_of[person] = None
    people = st.integers(min_value=0, max_value=n - 1)
    appellant = draw(people)
    ao = draw(st.none() | people)
    co = draw(st.none() | people)
    members = draw(st.sets(people))
    return manager_of, appellant, ao, co, members


def reference_chain(person, manager_of):
    chain, current = [], manager_of.get(person)
    while current is not None and current != person and current not in chain:
        chain.append(current)
        current = manager_of.get(current)
    return chain


@settings(max_examples=400, deadline=None)
@given(reporting_lines())
def test_exclusions_follow_the_rule(case):
    manager_of, appellant, ao, co, members = case
    got = exclusions(
        members, appellant_id=appellant, appraising_officer_id=ao, countersigning_officer_id=co, manager_of=manager_of
    )
    chain = reference_chain(appellant, manager_of)
    assert manager_chain(appellant, manager_of) == chain
    assert set(got) <= members
    for member in members:
        if member == appellant:
            expected = ExclusionReason.APPRAISEE
        elif member == ao:
            expected = ExclusionReason.APPRAISING_OFFICER
        elif member == co:
            expected = ExclusionReason.COUNTERSIGNING_OFFICER
        elif member in chain:
            expected = ExclusionReason.REPORTING_LINE
        else:
            expected = None
        assert got.get(member) == expected, (member, got)


# --- End to end, in the database --------------------------------------------------------------


@st.composite
def organisations(draw):
    n_units = draw(st.integers(min_value=1, max_value=8))
    parents = [None] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, n_units)]
    n_people = draw(st.integers(min_value=2, max_value=9))
    people_units = [draw(st.integers(min_value=0, max_value=n_units - 1)) for _ in range(n_people)]
    managers = [None] + [draw(st.none() | st.integers(min_value=0, max_value=i - 1)) for i in range(1, n_people)]
    boards = draw(
        st.lists(
            st.tuples(
                st.sets(st.integers(min_value=0, max_value=n_units - 1), max_size=2),  # scope (empty: whole org)
                st.sets(st.integers(min_value=0, max_value=n_people - 1), min_size=1, max_size=4),  # members
                st.booleans(),  # active
            ),
            max_size=4,
        )
    )
    appellant = draw(st.integers(min_value=0, max_value=n_people - 1))
    ao = draw(st.none() | st.integers(min_value=0, max_value=n_people - 1))
    co = draw(st.none() | st.integers(min_value=0, max_value=n_people - 1))
    return parents, people_units, managers, boards, appellant, ao, co


def _ancestors(unit, parents):
    line = [unit]
    while parents[line[-1]] is not None:
        line.append(parents[line[-1]])
    return line  # the unit itself, then up to the root


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(organisations())
def test_route_picks_the_closest_board_with_someone_to_sit(case):
    parents, people_units, managers, boards, appellant, ao, co = case
    org = factories.OrganizationFactory()
    with tenant_scope(org):
        units = []
        for parent in parents:
            units.append(
                factories.OrgUnitFactory(organization=org, parent=units[parent] if parent is not None else None)
            )
        people = [factories.EmployeeFactory(organization=org, unit=units[u]) for u in people_units]
        for person, manager in enumerate(managers):
            if manager is not None:
                Employee.objects.filter(pk=people[person].pk).update(manager=people[manager])
        created = []
        for index, (scope, members, active) in enumerate(boards):
            board = factories.CommitteeFactory(
                organization=org, name=f"Board {index}", kind=CommitteeKind.APPEAL_BOARD, is_active=active
            )
            board.units.set([units[u] for u in scope])
            for member in members:
                factories.CommitteeMemberFactory(organization=org, committee=board, employee=people[member])
            created.append(board)
        appraisal = factories.AppraisalFactory(
            organization=org,
            employee=people[appellant],
            appraising_officer=people[ao] if ao is not None else None,
            countersigning_officer=people[co] if co is not None else None,
            state=AppraisalState.RELEASED,
        )
        appraisal = type(appraisal).objects.select_related("employee__unit").get(pk=appraisal.pk)
        got = route(appraisal)

    # The reference: covering boards ranked by the depth of the unit that covers (whole
    # organisation last), then by name; the first with a member left after the exclusions.
    line = _ancestors(people_units[appellant], parents)
    chain, current = set(), managers[appellant]
    while current is not None:
        chain.add(current)
        current = managers[current]
    barred = chain | {appellant} | ({ao} if ao is not None else set()) | ({co} if co is not None else set())
    ranked = []
    for index, (scope, members, active) in enumerate(boards):
        if not active:
            continue
        if not scope:
            depth = -1
        else:
            covering = [u for u in scope if u in line]
            if not covering:
                continue
            depth = max(len(_ancestors(u, parents)) for u in covering)
        ranked.append((-depth, f"Board {index}", index, members))
    ranked.sort(key=lambda row: row[:2])
    expected = next(((index, members) for *_, index, members in ranked if members - barred), None)
    if expected is None:
        assert got.board is None and got.excluded == {}
    else:
        index, members = expected
        assert got.board == created[index]
        assert set(got.excluded) == {people[m].pk for m in members & barred}
