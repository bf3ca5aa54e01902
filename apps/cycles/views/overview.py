"""HR's view of a cycle under way: counts by state per unit with overdue items, and the
release of the results (per unit or all at once) through services.release."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property

from apps.committees.models import ModerationSession
from apps.people.models import OrgUnit
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..models import AppraisalState
from ..selectors_tasks import (
    OVERDUE_LIMIT,
    OVERVIEW_DOMAINS,
    OVERVIEW_MAX_AGE,
    RELEASE_PHASES,
    cycle_for_overview,
    overview_figures,
    releasable,
)
from ..services.release import moderation_holding, release_results


class OverviewFigures:
    """The overview's figures, read from their cache only when the page draws its tables: while
    the tables are kept as HTML (the template's cached_fragment, under the same generations),
    the page does not unpickle the figures at all."""

    domains, max_age = OVERVIEW_DOMAINS, OVERVIEW_MAX_AGE  # the tables' HTML keeps no longer

    def __init__(self, cycle):
        self.cycle = cycle

    @cached_property
    def _figures(self):
        return overview_figures(self.cycle)

    @property
    def rows(self):
        return self._figures[0][0]

    @property
    def totals(self):
        return self._figures[0][1]

    @property
    def overdue(self):
        return self._figures[1][0]

    @property
    def overdue_count(self) -> int:
        return self._figures[1][1]


def cycle_overview(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = get_object_or_404(cycle_for_overview(), public_id=cycle_id)
    sessions = ModerationSession.objects.filter(cycle=cycle).select_related("panel").order_by("status", "-opened_at")
    return render(
        request,
        "cycles/overview/overview.html",
        {
            "cycle": cycle,
            "figures": OverviewFigures(cycle),
            "states": AppraisalState.choices,
            "overdue_limit": OVERDUE_LIMIT,
            "moderation_sessions": list(sessions),
        },
    )


def _chosen_unit(value):
    """The unit picked on the form ("" means all units); another tenant's id is a 404."""
    if not value:
        return None
    return get_object_or_404(OrgUnit.objects, public_id=value)


def cycle_release(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = get_object_or_404(cycle_for_overview(), public_id=cycle_id)
    source = request.POST if request.method == "POST" else request.GET
    try:
        unit = _chosen_unit(source.get("unit", ""))
    except ValidationError:  # not a UUID: never fall back to "all units", a release would be too wide
        raise Http404("No such unit.") from None
    error = None
    if request.method == "POST":
        try:
            released = release_results(actor=request.user, membership=request.membership, cycle=cycle, unit=unit)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            scope = f"in {unit.name} and its sub-units" if unit else "in all units"
            if released:
                messages.success(request, f"Released {released} result{'s' if released != 1 else ''} {scope}.")
            else:
                messages.info(request, f"No countersigned appraisals were waiting {scope}: nothing released.")
            return redirect(org_reverse("cycles:cycle_overview", request.organization, cycle_id=cycle.public_id))
    context = {
        "cycle": cycle,
        "units": OrgUnit.objects.filter(is_active=True).order_by("path"),
        "unit": unit,
        "count": releasable(cycle, unit).count(),
        "moderation_holding": moderation_holding(cycle, unit),
        "phase_open": cycle.current_phase in RELEASE_PHASES,
        "error": error,
    }
    template = "cycles/overview/release.html"
    if request.htmx:
        template += "#scope"
    return render(request, template, context)
