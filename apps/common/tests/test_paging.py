"""keyset_page: the page's keys chosen in the queryset's order by a subquery of the rows' query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.common.paging import keyset_page
from apps.people.models import Employee
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db


def test_a_page_keeps_the_order_and_the_related_rows(org_a, unit_a):
    with tenant_scope(org_a):
        for name in ("Dora", "Abel", "Cleo", "Bert", "Emil"):
            factories.EmployeeFactory(organization=org_a, unit=unit_a, last_name=name)
        queryset = Employee.objects.select_related("unit").order_by("-last_name")
        with CaptureQueriesContext(connection) as queries:
            page = keyset_page(queryset, 2, 2)
            names = [(e.last_name, e.unit.name) for e in page.object_list]
        assert names == [("Cleo", unit_a.name), ("Bert", unit_a.name)]
        assert (page.number, page.paginator.num_pages, page.has_next()) == (2, 3, True)
        assert len(queries) == 2  # the count, the rows with their units (the keys a subquery)
        assert [e.last_name for e in keyset_page(queryset, 2, "not a number").object_list] == ["Emil", "Dora"]


def test_a_count_the_caller_knows_spares_the_count_query(org_a, unit_a):
    with tenant_scope(org_a):
        for name in ("Abel", "Bert", "Cleo"):
            factories.EmployeeFactory(organization=org_a, unit=unit_a, last_name=name)
        queryset = Employee.objects.select_related("unit").order_by("last_name")
        with CaptureQueriesContext(connection) as queries:
            page = keyset_page(queryset, 2, 2, count=3)
            names = [e.last_name for e in page.object_list]
        assert names == ["Cleo"]
        assert (page.number, page.paginator.num_pages, page.has_previous()) == (2, 2, True)
        assert len(queries) == 1
        with CaptureQueriesContext(connection) as queries:
            empty = keyset_page(queryset.filter(last_name="Nobody"), 2, 1, count=0)
        assert (list(empty.object_list), empty.paginator.num_pages, len(queries)) == ([], 1, 0)
