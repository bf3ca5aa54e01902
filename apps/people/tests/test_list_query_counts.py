"""Every list page runs the same number of queries with 3 rows as with 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def _grow(org, unit, manager, n):
    """Add n employees, units, positions and grades, with every relation a row shows."""
    staff_class = factories.StaffClassFactory(organization=org)
    for _ in range(n):
        sub_unit = factories.OrgUnitFactory(organization=org, parent=unit, head=manager)
        grade = factories.GradeFactory(organization=org, staff_class=staff_class)
        position = factories.PositionFactory(organization=org, unit=sub_unit, grade=grade)
        factories.EmployeeFactory(organization=org, unit=sub_unit, position=position, grade=grade, manager=manager)
        factories.EmployeeFactory(organization=org, unit=unit, position=position, manager=manager)


def _queries(client, url):
    client.get(url)  # warm up: the first request of a session also refreshes the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


PAGES = [
    ("people:employee_list", ""),
    ("people:employee_list", "?q=a&status=all"),
    ("people:unit_list", ""),
    ("people:unit_detail", ""),
    ("people:position_list", ""),
    ("people:grade_list", ""),
    ("people:org_chart", ""),
    ("people:org_chart_unit", ""),
    ("people:employee_detail", ""),
]


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_list_pages_run_a_fixed_number_of_queries(alice_client, org_a, unit_a, alice, name, query):
    with tenant_scope(org_a):
        manager = alice.employments.get()
        _grow(org_a, unit_a, manager, 3)
    kwargs = {"org_slug": org_a.slug}
    if name in ("people:unit_detail", "people:org_chart_unit"):
        kwargs["orgunit_id"] = unit_a.public_id
    if name == "people:employee_detail":
        kwargs["employee_id"] = manager.public_id  # everyone reports to her
    url = reverse(name, kwargs=kwargs) + query
    few = _queries(alice_client, url)
    with tenant_scope(org_a):
        _grow(org_a, unit_a, manager, 27)
    assert _queries(alice_client, url) == few


def test_the_htmx_results_run_a_fixed_number_of_queries(alice_client, org_a, unit_a, alice):
    with tenant_scope(org_a):
        manager = alice.employments.get()
        _grow(org_a, unit_a, manager, 3)
    url = reverse("people:employee_list", kwargs={"org_slug": org_a.slug})
    alice_client.get(url)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url, HTTP_HX_REQUEST="true")
    with tenant_scope(org_a):
        _grow(org_a, unit_a, manager, 27)
    with CaptureQueriesContext(connection) as many:
        alice_client.get(url, HTTP_HX_REQUEST="true")
    assert len(many) == len(few)
