"""My appraisal tasks: what waits for the signed-in person, with due dates and badges, in a
fixed number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.cycles.models import AppraisalState as S
from apps.cycles.models import CycleStatus, PhaseKind
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads


def _cycle(org, current=PhaseKind.SELF_ASSESSMENT, status=CycleStatus.ACTIVE):
    """An active cycle whose phases before `current` have ended and whose current one ends in 5 days."""
    cycle = factories.CycleFactory(organization=org, status=status, current_phase=current, name="Appraisal 2026")
    ct = factories.CycleTemplateFactory(organization=org, cycle=cycle)
    now = timezone.now()
    current_rank = PhaseKind.values.index(current)
    for rank, kind in enumerate(PhaseKind.values):
        ends = now + datetime.timedelta(days=5 + 30 * (rank - current_rank))
        factories.CyclePhaseFactory(
            organization=org, cycle=cycle, kind=kind, starts_at=ends - datetime.timedelta(days=29), ends_at=ends
        )
    return ct


def _employee(user, org):
    with tenant_scope(org):
        return user.employments.get()


def _appraisal(org, ct, **kwargs):
    with tenant_scope(org):
        return factories.AppraisalFactory(organization=org, cycle_template=ct, **kwargs)


def _url(org):
    return f"/o/{org.slug}/cycles/tasks/"


def test_it_shows_an_empty_state_when_nothing_waits(bob_client, org_a):
    response = bob_client.get(_url(org_a))
    assert response.status_code == 200
    assert "Nothing waits for you" in response.content.decode()


def test_it_lists_the_appraisees_self_assessment_with_its_due_date(bob, bob_client, org_a):
    ct = _cycle(org_a)
    appraisal = _appraisal(org_a, ct, employee=_employee(bob, org_a), state=S.SELF_ASSESSMENT)
    page = bob_client.get(_url(org_a)).content.decode()
    assert "Fill in and submit your self-assessment" in page
    assert f"/cycles/appraisals/{appraisal.public_id}/self-assessment/" in page
    assert "Due soon" in page
    assert "Nothing waits for you" not in page


def test_it_marks_a_task_overdue_when_its_phase_has_ended(bob, bob_client, org_a):
    # Still in planning although the planning phase ended two months ago.
    ct = _cycle(org_a)
    _appraisal(org_a, ct, employee=_employee(bob, org_a), state=S.PLANNING)
    page = bob_client.get(_url(org_a)).content.decode()
    assert "Agree your work targets" in page
    assert 'badge--danger">Overdue' in page


def test_it_lists_the_officers_and_countersigning_officers_tasks(alice, bob, alice_client, org_a, unit_a):
    ct = _cycle(org_a)
    me = _employee(alice, org_a)
    with tenant_scope(org_a):
        carol = factories.EmployeeFactory(organization=org_a, unit=unit_a, first_name="Carol", last_name="Hay")
    rate = _appraisal(org_a, ct, employee=_employee(bob, org_a), appraising_officer=me, state=S.WITH_OFFICER)
    sign = _appraisal(org_a, ct, employee=carol, countersigning_officer=me, state=S.WITH_COUNTERSIGNING)
    # Not waiting for Alice: rated already, countersigning with someone else.
    _appraisal(org_a, ct, appraising_officer=me, state=S.WITH_COUNTERSIGNING)
    page = alice_client.get(_url(org_a)).content.decode()
    assert f"Rate {_employee(bob, org_a).full_name}" in page
    assert f"/appraisals/{rate.public_id}/rating/" in page
    assert "Countersign Carol Hay&#x27;s appraisal" in page
    assert f"/appraisals/{sign.public_id}/countersigning/" in page
    assert page.count("/rating/") == 1


def test_it_asks_the_appraisee_to_acknowledge_a_released_result(bob, bob_client, org_a):
    ct = _cycle(org_a, current=PhaseKind.ACKNOWLEDGEMENT)
    appraisal = _appraisal(org_a, ct, employee=_employee(bob, org_a), state=S.RELEASED)
    page = bob_client.get(_url(org_a)).content.decode()
    assert "Read and acknowledge your result" in page
    assert f"/appraisals/{appraisal.public_id}/acknowledge/" in page


def test_it_ignores_cycles_that_are_not_under_way(bob, bob_client, org_a):
    ct = _cycle(org_a, status=CycleStatus.CLOSED)
    _appraisal(org_a, ct, employee=_employee(bob, org_a), state=S.SELF_ASSESSMENT)
    assert "Nothing waits for you" in bob_client.get(_url(org_a)).content.decode()


def test_hr_sees_a_panel_per_active_cycle_linking_to_its_overview(alice_client, org_a):
    ct = _cycle(org_a, current=PhaseKind.RELEASE)
    _appraisal(org_a, ct, state=S.COUNTERSIGNED)
    page = alice_client.get(_url(org_a)).content.decode()
    assert "Appraisal 2026" in page
    assert f"/cycles/{ct.cycle.public_id}/overview/" in page
    assert f"/cycles/{ct.cycle.public_id}/release/" in page


def test_members_do_not_see_the_hr_panel(bob_client, org_a):
    _cycle(org_a)
    page = bob_client.get(_url(org_a)).content.decode()
    assert "Cycles under way (HR)" not in page
    assert "Nothing waits for you" in page


def test_it_shows_nothing_of_another_tenant(alice, org_a, org_b, charlie, alice_client, unit_b):
    ct = _cycle(org_b)
    # An appraisal in tenant B naming an employee of B; Alice (tenant A) must not see it.
    _appraisal(org_b, ct, state=S.WITH_OFFICER)
    page = alice_client.get(_url(org_a)).content.decode()
    assert "Appraisal 2026" not in page
    assert "Nothing waits for you" in page


def test_it_reads_a_fixed_number_of_queries_whatever_the_number_of_tasks(alice, alice_client, org_a):
    ct = _cycle(org_a)
    me = _employee(alice, org_a)
    _appraisal(org_a, ct, employee=me, state=S.SELF_ASSESSMENT)

    def add(count):
        for i in range(count):
            state = (S.WITH_OFFICER, S.PLANNING, S.WITH_COUNTERSIGNING)[i % 3]
            appraisal = _appraisal(org_a, ct, appraising_officer=me, countersigning_officer=me, state=state)
            with tenant_scope(org_a):
                factories.AppraisalTargetFactory(organization=org_a, appraisal=appraisal)

    queries_seen = []

    def measure():
        forget_cached_reads()
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(_url(org_a))
        assert response.status_code == 200
        queries_seen[:] = queries.captured_queries
        return len(queries), response.content.decode().count("<tr>")

    add(2)
    measure()  # the first request of a session does some one-off work (session, login bookkeeping)
    few, few_rows = measure()
    add(18)
    many, many_rows = measure()
    assert many_rows > few_rows
    assert many == few, [q["sql"][:200] for q in queries_seen]
