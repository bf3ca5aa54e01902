"""HR's cycle overview: counts by state per unit (each over its subtree), totals, overdue
items, in a fixed number of queries."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.cycles.models import AppraisalState as S
from apps.cycles.models import CycleStatus, PhaseKind
from apps.cycles.selectors_tasks import cycle_for_overview, overdue_appraisals, overview_counts
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads


def _cycle(org, current=PhaseKind.APPRAISAL):
    """Phases before `current` have ended; `current` ends in 5 days."""
    with tenant_scope(org):
        cycle = factories.CycleFactory(organization=org, status=CycleStatus.ACTIVE, current_phase=current)
        ct = factories.CycleTemplateFactory(organization=org, cycle=cycle)
        now = timezone.now()
        current_rank = PhaseKind.values.index(current)
        for rank, kind in enumerate(PhaseKind.values):
            ends = now + datetime.timedelta(days=5 + 30 * (rank - current_rank))
            factories.CyclePhaseFactory(
                organization=org, cycle=cycle, kind=kind, starts_at=ends - datetime.timedelta(days=29), ends_at=ends
            )
    return ct


def _unit(org, parent=None, name=None):
    with tenant_scope(org):
        return factories.OrgUnitFactory(organization=org, parent=parent, **({"name": name} if name else {}))


def _appraisals(org, ct, unit, state, count=1, *, officers=False, **names):
    """`count` appraisals in `state` of people in `unit` (named by `names` when given), with an
    appraising and a countersigning officer when `officers`."""
    made = []
    with tenant_scope(org):
        for _ in range(count):
            employee = factories.EmployeeFactory(organization=org, unit=unit, **names)
            extra = {}
            if officers:
                extra = {
                    "appraising_officer": factories.EmployeeFactory(organization=org, unit=unit),
                    "countersigning_officer": factories.EmployeeFactory(organization=org, unit=unit),
                }
            made.append(
                factories.AppraisalFactory(organization=org, cycle_template=ct, employee=employee, state=state, **extra)
            )
    return made


def _url(org, cycle):
    return f"/o/{org.slug}/cycles/{cycle.public_id}/overview/"


def _read(org, ct):
    with tenant_scope(org):
        cycle = cycle_for_overview().get(pk=ct.cycle_id)
        return overview_counts(cycle), overdue_appraisals(cycle)


def test_it_counts_states_per_unit_over_the_whole_subtree(org_a, unit_a):
    ct = _cycle(org_a)
    finance = _unit(org_a, unit_a, "Finance")
    payables = _unit(org_a, finance, "Payables")  # third level: counted in Finance and the root
    other_root = _unit(org_a, None, "Subsidiary")
    _appraisals(org_a, ct, unit_a, S.WITH_OFFICER)
    _appraisals(org_a, ct, finance, S.WITH_OFFICER, 2)
    _appraisals(org_a, ct, payables, S.COUNTERSIGNED, 3)
    _appraisals(org_a, ct, other_root, S.RELEASED)

    (rows, totals), _ = _read(org_a, ct)

    by_name = {row.unit.name: row for row in rows}
    assert "Payables" not in by_name  # only the top two levels
    assert by_name["Alpha HQ"].counts == {S.WITH_OFFICER: 3, S.COUNTERSIGNED: 3}
    assert by_name["Finance"].counts == {S.WITH_OFFICER: 2, S.COUNTERSIGNED: 3}
    assert by_name["Subsidiary"].counts == {S.RELEASED: 1}
    assert totals.total == 7
    assert totals.counts[S.COUNTERSIGNED] == 3
    shares = {part["state"]: part["percent"] for part in by_name["Finance"].segments()}
    assert shares == {S.WITH_OFFICER: 40.0, S.COUNTERSIGNED: 60.0}


def test_it_lists_appraisals_whose_phase_has_ended_as_overdue(org_a, unit_a):
    ct = _cycle(org_a, current=PhaseKind.APPRAISAL)  # planning, midterm, self-assessment have ended
    _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, 2)
    _appraisals(org_a, ct, unit_a, S.PLANNING)
    _appraisals(org_a, ct, unit_a, S.WITH_OFFICER, 4)  # on time: the appraisal phase is still open

    _, (items, count) = _read(org_a, ct)

    assert count == 3
    assert [a.state for a in items] == [S.PLANNING, S.SELF_ASSESSMENT, S.SELF_ASSESSMENT]  # longest overdue first


def test_it_limits_the_overdue_list_and_counts_them_all(org_a, unit_a):
    ct = _cycle(org_a)
    _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, 4)
    with tenant_scope(org_a):
        cycle = cycle_for_overview().get(pk=ct.cycle_id)
        items, count = overdue_appraisals(cycle, limit=3)
    assert len(items) == 3
    assert count == 4


def test_the_page_shows_counts_bars_and_overdue_items(alice_client, org_a, unit_a):
    ct = _cycle(org_a)
    _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, 2)
    _appraisals(org_a, ct, unit_a, S.WITH_OFFICER)
    response = alice_client.get(_url(org_a, ct.cycle))
    page = response.content.decode()
    assert response.status_code == 200
    assert "progress--stacked" in page
    assert "Overdue" in page and "badge--danger" in page
    assert "/cycles/appraisals/" in page  # overdue rows link to the appraisal


def test_the_page_shows_a_change_at_once_though_its_figures_are_cached(alice_client, org_a, unit_a):
    ct = _cycle(org_a)
    [appraisal] = _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, last_name="Zephyr")
    url = _url(org_a, ct.cycle)
    assert "Zephyr" in alice_client.get(url).content.decode()  # overdue, and now cached
    with tenant_scope(org_a):
        type(appraisal).objects.filter(pk=appraisal.pk).update(state=S.COUNTERSIGNED)  # no signal, no service
    page = alice_client.get(url).content.decode()
    assert "Zephyr" not in page  # countersigned: no longer overdue


def test_the_page_has_an_empty_state_before_launch(alice_client, org_a):
    ct = _cycle(org_a)
    assert "No appraisals in this cycle yet" in alice_client.get(_url(org_a, ct.cycle)).content.decode()


def test_members_may_not_see_the_overview(bob_client, org_a):
    ct = _cycle(org_a)
    assert bob_client.get(_url(org_a, ct.cycle)).status_code == 403


def test_another_tenants_cycle_is_not_found(alice_client, org_a, org_b):
    ct = _cycle(org_b)
    assert alice_client.get(_url(org_a, ct.cycle)).status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(alice_client, org_a, unit_a):
    ct = _cycle(org_a)
    _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT)
    url = _url(org_a, ct.cycle)
    alice_client.get(url)  # the first request of a session does one-off work

    def measure():
        forget_cached_reads()
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(url).status_code == 200
        return len(queries)

    few = measure()
    first = _unit(org_a, unit_a)
    second = _unit(org_a, unit_a)
    deep = _unit(org_a, second)
    for unit in (first, second, deep):
        # Overdue rows with officers too: a field of a row not read with the list would cost
        # a query per row here.
        _appraisals(org_a, ct, unit, S.SELF_ASSESSMENT, 3, officers=True)
        _appraisals(org_a, ct, unit, S.WITH_OFFICER, 2)
    assert measure() == few


def _phase_end(cycle, kind):
    return next(phase.ends_at for phase in cycle.phases.all() if phase.kind == kind)


def test_the_overdue_list_is_ordered_by_phase_end_then_name_then_id(org_a, unit_a):
    """The page keeps the first rows of one order: oldest phase end, then the appraisee's last
    name, first name, and the appraisal's id between namesakes; the count is of them all."""
    ct = _cycle(org_a, current=PhaseKind.APPRAISAL)  # planning, midterm, self-assessment have ended
    brown = _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, last_name="Brown", first_name="Anna")
    adams_zoe = _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, last_name="Adams", first_name="Zoe")
    adams_bob = _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, 2, last_name="Adams", first_name="Bob")
    young = _appraisals(org_a, ct, unit_a, S.PLANNING, last_name="Young", first_name="Al")
    clark = _appraisals(org_a, ct, unit_a, S.MIDTERM, last_name="Clark", first_name="Cy", officers=True)
    _appraisals(org_a, ct, unit_a, S.WITH_OFFICER, 2)  # on time
    expected = young + clark + sorted(adams_bob, key=lambda a: a.pk) + adams_zoe + brown

    with tenant_scope(org_a):
        cycle = cycle_for_overview().get(pk=ct.cycle_id)
        items, count = overdue_appraisals(cycle)
        first_four, count_of_all = overdue_appraisals(cycle, limit=4)

    assert [a.pk for a in items] == [a.pk for a in expected]
    assert count == 6
    assert [a.pk for a in first_four] == [a.pk for a in expected[:4]]
    assert count_of_all == 6
    assert [a.due for a in items] == [
        _phase_end(cycle, PhaseKind.PLANNING),
        _phase_end(cycle, PhaseKind.MIDTERM),
        *[_phase_end(cycle, PhaseKind.SELF_ASSESSMENT)] * 4,
    ]


def test_the_overdue_list_reads_two_queries_whatever_its_length(org_a, unit_a):
    """The first rows' keys (with the count of all) in one query, their wide rows in another;
    what the page shows of a row is read with it. Nothing has ended: no query at all."""
    ct = _cycle(org_a, current=PhaseKind.APPRAISAL)
    _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, officers=True)

    def read(limit):
        with tenant_scope(org_a):
            cycle = cycle_for_overview().get(pk=ct.cycle_id)
            with CaptureQueriesContext(connection) as queries:
                items, count = overdue_appraisals(cycle, limit=limit)
                shown = [
                    (
                        a.public_id,
                        a.get_state_display(),
                        a.employee.full_name,
                        a.employee.unit.name,
                        a.appraising_officer.full_name,
                        a.countersigning_officer.full_name,
                    )
                    for a in items
                ]
        return len(queries), shown, count

    assert read(limit=50)[0] == 2
    _appraisals(org_a, ct, unit_a, S.PLANNING, 6, officers=True)
    queries, shown, count = read(limit=5)
    assert (queries, len(shown), count) == (2, 5, 7)
    assert shown[0][3] == "Alpha HQ"

    planning = _cycle(org_a, current=PhaseKind.PLANNING)
    with tenant_scope(org_a):
        cycle = cycle_for_overview().get(pk=planning.cycle_id)
        with CaptureQueriesContext(connection) as queries:
            assert overdue_appraisals(cycle) == ([], 0)
    assert len(queries) == 0


def test_the_page_dates_each_overdue_row_with_the_end_of_its_phase(alice_client, org_a, unit_a):
    ct = _cycle(org_a, current=PhaseKind.APPRAISAL)
    _appraisals(org_a, ct, unit_a, S.SELF_ASSESSMENT, 3)
    _appraisals(org_a, ct, unit_a, S.PLANNING, 2)
    with tenant_scope(org_a):
        cycle = cycle_for_overview().get(pk=ct.cycle_id)
    page = alice_client.get(_url(org_a, ct.cycle)).content.decode()
    dates = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', page)
    shown = [datetime.datetime.fromisoformat(machine) for machine, _ in dates]  # in the tenant's time zone
    assert shown == [_phase_end(cycle, PhaseKind.PLANNING)] * 2 + [_phase_end(cycle, PhaseKind.SELF_ASSESSMENT)] * 3
    assert [label for _, label in dates] == [f"{when.day} {when:%b %Y}" for when in shown]
