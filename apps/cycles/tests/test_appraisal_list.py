"""A cycle's appraisal list for HR: filters, counts by state, htmx results, a fixed number of
queries, and nobody else's data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cycles.models import AppraisalState, CycleStatus
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories


@pytest.fixture
def cycle_template(org_a):
    cycle = factories.CycleFactory(organization=org_a, name="Appraisal 2026", status=CycleStatus.ACTIVE)
    return factories.CycleTemplateFactory(organization=org_a, cycle=cycle)


def _appraisal(org, cycle_template, **fields):
    return factories.AppraisalFactory(organization=org, cycle_template=cycle_template, **fields)


def _url(org, cycle_template, query=""):
    return org_reverse("cycles:appraisal_list", org, cycle_id=cycle_template.cycle.public_id) + query


def test_hr_sees_each_appraisal_with_its_officers_template_and_target_count(
    alice, alice_client, org_a, unit_a, cycle_template
):
    with tenant_scope(org_a):
        officer = factories.EmployeeFactory(organization=org_a, unit=unit_a, first_name="Olga", last_name="Officer")
        countersigner = factories.EmployeeFactory(
            organization=org_a, unit=unit_a, first_name="Carl", last_name="Counter"
        )
        appraisee = factories.EmployeeFactory(organization=org_a, unit=unit_a, first_name="Anna", last_name="Appraisee")
        appraisal = _appraisal(
            org_a, cycle_template, employee=appraisee, appraising_officer=officer, countersigning_officer=countersigner
        )
        factories.AppraisalTargetFactory.create_batch(3, organization=org_a, appraisal=appraisal)

    response = alice_client.get(_url(org_a, cycle_template))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Appraisee, Anna" in page
    assert "Olga Officer" in page and "Carl Counter" in page
    assert cycle_template.template.name in page
    assert f'value="{appraisal.public_id}"' in page
    assert org_reverse("cycles:officers_reassign", org_a, appraisal_id=appraisal.public_id) in page
    row = response.context["page_obj"].object_list[0]
    assert row.target_count == 3


def test_counts_by_state_cover_the_whole_cycle(alice_client, org_a, cycle_template):
    with tenant_scope(org_a):
        _appraisal(org_a, cycle_template)
        _appraisal(org_a, cycle_template, state=AppraisalState.WITH_OFFICER)
        _appraisal(org_a, cycle_template, state=AppraisalState.WITH_OFFICER)

    response = alice_client.get(_url(org_a, cycle_template, "?state=planning"))

    counts = response.context["counts"]
    assert counts["total"] == 3
    assert {value: count for value, _label, count in counts["states"]}["with_officer"] == 2
    assert response.context["page_obj"].paginator.count == 1


def test_filters_by_unit_with_its_sub_units_state_officer_and_appraisee(alice_client, org_a, cycle_template):
    with tenant_scope(org_a):
        parent = factories.OrgUnitFactory(organization=org_a, name="Operations")
        child = factories.OrgUnitFactory(organization=org_a, name="Call centre", parent=parent)
        elsewhere = factories.OrgUnitFactory(organization=org_a, name="Finance")
        officer = factories.EmployeeFactory(organization=org_a, unit=parent, first_name="Olga", staff_number="AO-77")
        in_child = _appraisal(
            org_a,
            cycle_template,
            employee=factories.EmployeeFactory(organization=org_a, unit=child, first_name="Cleo", staff_number="C-1"),
            appraising_officer=officer,
        )
        in_parent = _appraisal(
            org_a,
            cycle_template,
            employee=factories.EmployeeFactory(organization=org_a, unit=parent, first_name="Pia", staff_number="P-1"),
            state=AppraisalState.SELF_ASSESSMENT,
        )
        _appraisal(org_a, cycle_template, employee=factories.EmployeeFactory(organization=org_a, unit=elsewhere))

    def ids(query):
        response = alice_client.get(_url(org_a, cycle_template, query))
        return {a.pk for a in response.context["page_obj"].object_list}

    assert ids(f"?unit={parent.public_id}") == {in_child.pk, in_parent.pk}
    assert ids(f"?unit={child.public_id}") == {in_child.pk}
    assert ids("?state=self_assessment") == {in_parent.pk}
    assert ids("?officer=olga") == {in_child.pk}
    assert ids("?officer=ao-77") == {in_child.pk}
    assert in_parent.pk in ids("?without_officer=on") and in_child.pk not in ids("?without_officer=on")
    assert ids("?q=cleo") == {in_child.pk}
    assert ids("?q=P-1") == {in_parent.pk}
    assert ids("?unit=not-a-uuid") == ids("")  # a stale filter is ignored, not an error


def test_htmx_gets_the_results_only(alice_client, org_a, cycle_template):
    with tenant_scope(org_a):
        _appraisal(org_a, cycle_template)

    response = alice_client.get(_url(org_a, cycle_template, "?q=x"), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert 'id="appraisal-results"' in page
    assert "<h1>" not in page


def test_an_empty_cycle_says_so(alice_client, org_a, cycle_template):
    response = alice_client.get(_url(org_a, cycle_template))
    assert "No appraisals yet" in response.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_appraisals(alice_client, org_a, cycle_template):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(_url(org_a, cycle_template))
        assert response.status_code == 200
        return len(captured)

    def add(n):
        with tenant_scope(org_a):
            _add(n)

    def _add(n):
        for _ in range(n):
            appraisal = _appraisal(
                org_a,
                cycle_template,
                appraising_officer=factories.EmployeeFactory(organization=org_a),
                countersigning_officer=factories.EmployeeFactory(organization=org_a),
            )
            factories.AppraisalTargetFactory(organization=org_a, appraisal=appraisal)

    add(3)
    queries()  # the first request of a session also warms caches
    few = queries()
    add(27)
    assert queries() == few


def test_members_are_refused(bob_client, org_a, cycle_template):
    assert bob_client.get(_url(org_a, cycle_template)).status_code == 403


def test_another_tenants_cycle_is_not_found(charlie_client, org_a, org_b, cycle_template):
    url = org_reverse("cycles:appraisal_list", org_b, cycle_id=cycle_template.cycle.public_id)
    assert charlie_client.get(url).status_code == 404
