"""HR pages of a launched cycle's appraisals: the filtered list with its counts by state, and
reassigning appraising and countersigning officers in bulk or one appraisal at a time.
Every write goes through services.officers."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.committees.selectors import trained_annotation
from apps.common.forms import call_service
from apps.people.models import Employee, OrgUnit
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms_appraisals import AppraisalFilterForm, OfficersForm
from ..models import Appraisal, AppraisalState, Cycle
from ..selectors_appraisals import appraisal_for_officers, appraisals_for_list, events_newest_first, state_counts
from ..services import officers as officer_services

LIST_TEMPLATE = "cycles/appraisals/list.html"


def _officers_form(request, data=None):
    # Scoped inside the request: a staff number of another tenant resolves to nobody.
    return OfficersForm(data, employees=Employee.objects.filter(is_active=True))


def _list_url(request, cycle, query: QueryDict | None = None) -> str:
    url = org_reverse("cycles:appraisal_list", request.organization, cycle_id=cycle.public_id)
    query = query.copy() if query is not None else QueryDict(mutable=True)
    if not query.get("page"):
        query.pop("page", None)
    return f"{url}?{query.urlencode()}" if query else url


def _render_list(request, cycle, query: QueryDict, *, bulk_form=None, selected=()):
    """The list page (or, for htmx, its results only) filtered by `query`."""
    filter_form = AppraisalFilterForm(query, units=OrgUnit.objects.order_by("path"))
    filters = filter_form.filters()
    # Whether each appraising officer has attended a training session: one EXISTS in the same query.
    appraisals = appraisals_for_list(cycle, **filters).annotate(
        officer_trained=trained_annotation("appraising_officer_id")
    )
    page_obj = Paginator(appraisals, settings.PEOPLE_PAGE_SIZE).get_page(query.get("page"))
    context = {
        "cycle": cycle,
        "form": filter_form,
        "filters": filters,
        "filtered": any(filters.values()),
        "page_obj": page_obj,
        "counts": state_counts(cycle),
        "bulk_form": bulk_form or _officers_form(request),
        "selected": set(selected),
        # Carried by the bulk form so a reassignment returns to the same filtered page.
        "list_query": query.urlencode(),
    }
    template = LIST_TEMPLATE
    if request.htmx and not request.htmx.boosted and request.method == "GET":
        template += "#results"
    return render(request, template, context)


def appraisal_list(request, cycle_id):
    """Filters refresh the results in place with htmx; without JS the form submits normally."""
    require_hr_admin(request.membership)
    cycle = get_object_or_404(Cycle.objects, public_id=cycle_id)
    return _render_list(request, cycle, request.GET)


@require_http_methods(["GET", "POST"])
def officers_bulk_reassign(request, cycle_id):
    """POST from the list: the ticked appraisals get the officers given by staff number.
    Errors re-render the list with the selection kept, and nothing is written."""
    require_hr_admin(request.membership)
    cycle = get_object_or_404(Cycle.objects, public_id=cycle_id)
    if request.method == "GET":  # a pagination link of the re-rendered list lands here
        return redirect(_list_url(request, cycle, request.GET))
    query = QueryDict(request.POST.get("filters", ""))
    selected = _uuids(request.POST.getlist("appraisal"))
    # Scoped to the tenant and filtered by this cycle: ids from elsewhere are ignored.
    appraisals = list(Appraisal.objects.filter(cycle=cycle, public_id__in=selected))
    form = _officers_form(request, request.POST)
    if form.is_valid():
        if not appraisals:
            form.add_error(None, "Tick the appraisals to reassign first.")
        else:
            done = call_service(
                form,
                officer_services.officers_reassign,
                actor=request.user,
                membership=request.membership,
                appraisals=appraisals,
                appraising_officer=form.cleaned_data["appraising_officer"],
                countersigning_officer=form.cleaned_data["countersigning_officer"],
                note=form.cleaned_data["note"],
            )
            if done.ok:
                changed = done.value
                if changed:
                    messages.success(request, f"{changed} appraisal{'s' if changed != 1 else ''} reassigned.")
                else:
                    messages.warning(request, "Nothing changed: the selected appraisals already have these officers.")
                return redirect(_list_url(request, cycle, query))
    kept = [str(a.public_id) for a in appraisals]
    return _render_list(request, cycle, query, bulk_form=form, selected=kept)


def officers_reassign(request, appraisal_id):
    """One appraisal: its current officers, the defaults of the reporting lines, a form to
    change them and the appraisal's history, newest first."""
    require_hr_admin(request.membership)
    appraisal = get_object_or_404(appraisal_for_officers(), public_id=appraisal_id)
    form = _officers_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            officer_services.officers_reassign,
            actor=request.user,
            membership=request.membership,
            appraisals=[appraisal],
            appraising_officer=form.cleaned_data["appraising_officer"],
            countersigning_officer=form.cleaned_data["countersigning_officer"],
            note=form.cleaned_data["note"],
        )
        if done.ok:
            if done.value:
                messages.success(request, f"Officers of {appraisal.employee.full_name}'s appraisal reassigned.")
            else:
                messages.warning(request, "Nothing changed: the appraisal already has these officers.")
            return redirect(
                org_reverse("cycles:officers_reassign", request.organization, appraisal_id=appraisal.public_id)
            )
    labels = dict(AppraisalState.choices)
    events = list(events_newest_first(appraisal))
    for event in events:
        event.from_label = labels.get(event.from_state, event.from_state)
        event.to_label = labels.get(event.to_state, event.to_state)
    employee = appraisal.employee
    context = {
        "appraisal": appraisal,
        "cycle": appraisal.cycle,
        "form": form,
        "default_ao": employee.appraising_officer,
        "default_co": employee.countersigning_officer,
        "reassignable": appraisal.state in officer_services.REASSIGNABLE_STATES,
        "events": events,
    }
    return render(request, "cycles/appraisals/officers.html", context)


def _uuids(values) -> list[uuid.UUID]:
    """The valid UUIDs among posted values; anything else is ignored, never a 500."""
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return ids
