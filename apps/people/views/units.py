"""HR pages of the unit tree: browse, one unit's page, create and edit."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service, initial_choice, initial_from
from apps.tenancy.urls_helpers import org_reverse

from ..forms import UnitForm
from ..models import Employee, OrgUnit
from ..permissions import require_people_manager
from ..selectors import positions_with_holder_counts, unit_ancestors, unit_tree, units_with_head_counts
from ..services import units as unit_services


def unit_list(request):
    """The whole tree in one query, nested in memory; inactive units only on request."""
    require_people_manager(request.membership)
    show_inactive = request.GET.get("inactive") == "1"
    units = list(units_with_head_counts())
    inactive_count = sum(1 for unit in units if not unit.is_active)
    shown = units if show_inactive else [unit for unit in units if unit.is_active]
    context = {
        "roots": unit_tree(shown),
        "unit_count": len(shown),
        "inactive_count": inactive_count,
        "show_inactive": show_inactive,
    }
    return render(request, "people/units/list.html", context)


def unit_detail(request, orgunit_id):
    require_people_manager(request.membership)
    unit = get_object_or_404(OrgUnit.objects.select_related("head__position", "parent"), public_id=orgunit_id)
    employees = (
        Employee.objects.filter(unit=unit, is_active=True)
        .select_related("position", "grade", "manager")
        .order_by("last_name", "first_name", "pk")
    )
    context = {
        "unit": unit,
        "ancestors": unit_ancestors(unit),
        "sub_units": list(units_with_head_counts().filter(parent=unit)),
        "positions": list(positions_with_holder_counts(status="all").filter(unit=unit)),
        "page_obj": Paginator(employees, settings.PEOPLE_PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "people/units/detail.html", context)


def unit_create(request):
    require_people_manager(request.membership)
    form = UnitForm(request.POST if request.method == "POST" else None, **_choices(None))
    if request.method == "GET":
        # "Add a sub-unit" on a unit's page comes here with ?parent=<id>.
        form.initial["parent"] = initial_choice(form.fields["parent"], request.GET.get("parent"))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, unit_services.unit_create, actor=request.user, membership=request.membership, **form.cleaned_data
        )
        if done.ok:
            unit = done.value
            messages.success(request, f"Unit “{unit.name}” created.")
            return redirect(org_reverse("people:unit_detail", request.organization, orgunit_id=unit.public_id))
    return render(request, "people/units/form.html", {"form": form, "unit": None})


def unit_edit(request, orgunit_id):
    require_people_manager(request.membership)
    unit = get_object_or_404(OrgUnit.objects.select_related("parent", "head"), public_id=orgunit_id)
    form = UnitForm(
        request.POST if request.method == "POST" else None,
        initial=initial_from(unit, UnitForm.FIELDS),
        **_choices(unit),
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            unit_services.unit_update,
            actor=request.user,
            membership=request.membership,
            unit=unit,
            **form.cleaned_data,
        )
        if done.ok:
            unit = done.value
            messages.success(request, f"Unit “{unit.name}” saved.")
            return redirect(org_reverse("people:unit_detail", request.organization, orgunit_id=unit.public_id))
    return render(request, "people/units/form.html", {"form": form, "unit": unit})


def _choices(unit: OrgUnit | None) -> dict:
    """Active units and people to choose from, plus the unit's current values even if inactive.

    A unit's own subtree is left out of its parent choices: it cannot move under itself (the
    service refuses it too).
    """
    parents = OrgUnit.objects.filter(is_active=True)
    heads = Employee.objects.filter(is_active=True)
    if unit is not None:
        parents = OrgUnit.objects.filter(Q(is_active=True) | Q(pk=unit.parent_id)).exclude(pk=unit.pk)
        if unit.path:
            parents = parents.exclude(path__startswith=unit.path)
        heads = Employee.objects.filter(Q(is_active=True) | Q(pk=unit.head_id))
    return {
        "units": parents.order_by("path"),
        "employees": heads.order_by("last_name", "first_name", "pk"),
    }
