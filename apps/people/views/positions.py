"""HR pages of positions (posts): the list with its unit filter, create and edit."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service, initial_choice, initial_from
from apps.tenancy.urls_helpers import org_reverse

from ..forms import PositionFilterForm, PositionForm
from ..models import Grade, OrgUnit, Position
from ..permissions import require_people_manager
from ..selectors import positions_with_holder_counts
from ..services import catalogue


def position_list(request):
    require_people_manager(request.membership)
    form = PositionFilterForm(request.GET, units=OrgUnit.objects.order_by("path"))
    form.is_valid()  # invalid filters (a stale id in a bookmark) are ignored, not an error
    data = getattr(form, "cleaned_data", {})
    positions = positions_with_holder_counts(unit=data.get("unit"), status=data.get("status") or "active")
    page_obj = Paginator(positions, settings.PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = bool(data.get("unit")) or (data.get("status") or "active") != "active"
    return render(request, "people/positions/list.html", {"form": form, "page_obj": page_obj, "filtered": filtered})


def position_create(request):
    require_people_manager(request.membership)
    form = PositionForm(request.POST if request.method == "POST" else None, **_choices(None))
    if request.method == "GET":
        form.initial["unit"] = initial_choice(form.fields["unit"], request.GET.get("unit"))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, catalogue.position_create, actor=request.user, membership=request.membership, **form.cleaned_data
        )
        if done.ok:
            position = done.value
            messages.success(request, f"Position “{position.title}” created in {position.unit.name}.")
            return redirect(org_reverse("people:position_list", request.organization))
    return render(request, "people/positions/form.html", {"form": form, "position": None})


def position_edit(request, position_id):
    require_people_manager(request.membership)
    position = get_object_or_404(Position.objects.select_related("unit", "grade"), public_id=position_id)
    form = PositionForm(
        request.POST if request.method == "POST" else None,
        initial=initial_from(position, PositionForm.FIELDS),
        **_choices(position),
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            catalogue.position_update,
            actor=request.user,
            membership=request.membership,
            position=position,
            **form.cleaned_data,
        )
        if done.ok:
            messages.success(request, f"Position “{done.value.title}” saved.")
            return redirect(org_reverse("people:position_list", request.organization))
    return render(request, "people/positions/form.html", {"form": form, "position": position})


def _choices(position: Position | None) -> dict:
    units = OrgUnit.objects.filter(is_active=True)
    if position is not None:
        units = OrgUnit.objects.filter(Q(is_active=True) | Q(pk=position.unit_id))
    return {"units": units.order_by("path"), "grades": Grade.objects.all()}
