"""The org chart: every member may see the unit tree, who leads each unit and who works there.

Only HR gets links to people's full records; everyone else sees names and posts.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ..models import Employee, OrgUnit
from ..permissions import can_open_employee_record, require_org_chart_viewer
from ..selectors import add_subtree_head_counts, chart_top_units, chart_units, unit_ancestors, unit_tree

# The first page shows the top of the tree; deeper levels load on demand.
FIRST_LEVELS = 2


def org_chart(request):
    require_org_chart_viewer(request.membership)
    units = chart_top_units(FIRST_LEVELS)
    context = {
        "roots": unit_tree(units),
        "can_open_records": can_open_employee_record(request.membership),
    }
    return render(request, "people/org_chart/chart.html", context)


def org_chart_unit(request, orgunit_id):
    """One unit's page; for htmx, only the list of its sub-units (the chart's "show" button)."""
    require_org_chart_viewer(request.membership)
    unit = get_object_or_404(chart_units(OrgUnit.objects.all()), public_id=orgunit_id)
    sub_units = list(chart_units(OrgUnit.objects.filter(parent=unit, is_active=True)))
    add_subtree_head_counts([unit, *sub_units])
    can_open_records = can_open_employee_record(request.membership)
    if request.htmx and not request.htmx.boosted:
        context = {"nodes": sub_units, "can_open_records": can_open_records}
        return render(request, "people/org_chart/_units.html", context)
    people = (
        Employee.objects.filter(unit=unit, is_active=True)
        .select_related("position")
        .order_by("last_name", "first_name", "pk")
    )
    context = {
        "unit": unit,
        "ancestors": unit_ancestors(unit),
        "sub_units": sub_units,
        "page_obj": Paginator(people, settings.PEOPLE_PAGE_SIZE).get_page(request.GET.get("page")),
        "can_open_records": can_open_records,
    }
    return render(request, "people/org_chart/unit.html", context)
