"""A cycle's training needs (selectors_training): the page, for a unit with its sub-units, and
its list as a CSV file for planning training elsewhere. HR admins and the groups that plan
training (permissions); anyone else gets a 404, as for a page that is not there."""

import csv
from itertools import islice

from django.conf import settings
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from apps.committees.scope import WHOLE_ORGANISATION, in_scope_q
from apps.common.lookups import by_public_id
from apps.common.paging import keyset_page
from apps.cycles.models import Cycle
from apps.people.models import OrgUnit
from apps.tenancy.scoping import tenant_scope

from . import selectors_training as selectors
from .forms import UnitFilterForm
from .permissions import NO_ACCESS, training_needs_scope
from .services import training_needs_export_record

EXPORT_BATCH = 1000


def _scope(request):
    """The unit paths the person reads (None: the whole organisation); 404 without access."""
    paths = training_needs_scope(employee=request.employee, membership=request.membership)
    if paths is NO_ACCESS:
        raise Http404("No such page.")
    return paths


def _cycle_and_unit(request, cycle_id):
    """The cycle, the unit filter and the unit shown: the one asked for, if it lies in the
    person's scope, else the scope's first unit for a group that covers only part of the
    organisation (the whole organisation for everyone else)."""
    paths = _scope(request)
    cycle = get_object_or_404(Cycle.objects, public_id=cycle_id)
    in_scope = OrgUnit.objects.filter(in_scope_q(paths, "path"))
    unit = by_public_id(in_scope, request.GET.get("unit"))  # one outside the scope names none
    if unit is None and paths is not WHOLE_ORGANISATION:
        unit = in_scope.filter(path=paths[0]).first()
    form = UnitFilterForm(units=_units_near(in_scope, unit, paths), initial={"unit": unit})
    if paths is not WHOLE_ORGANISATION:
        form.fields["unit"].empty_label = None  # "the whole organisation" is not theirs to see
    return cycle, form, unit


def _units_near(in_scope, unit, paths):
    """The units the filter offers: the scope's top units and theirs below them, the way down
    to the unit shown and its sub-units. A few dozen where a select of every unit of a large
    organisation (781 in the benchmark's) took most of the page's time; the by-unit table
    drills further down."""
    near = (
        Q(parent__isnull=True) | Q(parent__parent__isnull=True)
        if paths is WHOLE_ORGANISATION
        else Q(path__in=paths) | Q(parent__path__in=paths)
    )
    if unit is not None:
        near |= Q(pk__in=[int(part) for part in unit.path.split("/") if part]) | Q(parent=unit)
    return in_scope.filter(near).order_by("path")


@require_GET
def training_needs(request, cycle_id):
    cycle, form, unit = _cycle_and_unit(request, cycle_id)
    figures = selectors.summary(cycle, unit)
    facts = figures["facts"]
    page = keyset_page(
        selectors.stated_needs(figures["appraisals"], facts), settings.PEOPLE_PAGE_SIZE, request.GET.get("page")
    )
    selectors.attach_competencies(page.object_list, facts)
    context = {
        **figures,
        "cycle": cycle,
        "form": form,
        "unit": unit,
        "page_obj": page,
        # The filter carried by the page links and the download.
        "unit_query": f"unit={unit.public_id}" if unit is not None else "",
    }
    return render(request, "reports/training_needs.html", context)


HEADER = (
    "Staff number",
    "Name",
    "Unit",
    "Position",
    "Appraising officer",
    "State",
    "Competencies to develop",
    "Training needs (appraisee)",
    "Remarks on them (appraising officer)",
    "Training recommendations (appraising officer)",
)


@require_GET
def training_needs_csv(request, cycle_id):
    """Every row of the page's list, streamed in batches (a fixed number of queries per
    thousand rows), the download recorded in the audit log."""
    cycle, _form, unit = _cycle_and_unit(request, cycle_id)
    training_needs_export_record(
        actor=request.user, employee=request.employee, membership=request.membership, cycle=cycle, unit=unit
    )
    organization = request.organization
    facts = selectors.frozen(cycle)
    appraisals = selectors.stated_needs(selectors.rated_appraisals(cycle, unit), facts)

    def lines():
        # The rows are read while the response streams, after the middleware's tenant scope has
        # closed: the generator opens its own.
        echo = _Echo()
        writer = csv.writer(echo)
        with tenant_scope(organization), timezone.override(organization.time_zone):
            yield writer.writerow(HEADER)
            rows = appraisals.iterator(chunk_size=EXPORT_BATCH)
            while batch := list(islice(rows, EXPORT_BATCH)):
                selectors.attach_competencies(batch, facts)
                for appraisal in batch:
                    yield writer.writerow([_cell(value) for value in _export_row(appraisal)])

    name = slugify(f"training-needs-{cycle.name}-{unit.code if unit else 'all'}") or "training-needs"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _export_row(appraisal) -> list:
    employee = appraisal.employee
    officer = appraisal.appraising_officer
    return [
        employee.staff_number,
        employee.full_name,
        employee.unit.name if employee.unit_id else "",
        employee.position.title if employee.position_id else "",
        officer.full_name if officer else "",
        appraisal.get_state_display(),
        "; ".join(appraisal.to_develop),
        appraisal.stated,
        appraisal.officer_view,
        appraisal.training_recommendations,
    ]


def _cell(value) -> str:
    """A value a spreadsheet shows as text: one starting like a formula gets a leading
    apostrophe, so a typed "=HYPERLINK(…)" never runs when HR opens the file."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, value):
        return value
