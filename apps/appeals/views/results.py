"""A cycle's results page, for HR and the Performance Management Committee."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from apps.cycles.models import Cycle

from ..permissions import can_see_results
from ..selectors_results import cycle_results


def results(request, cycle_id):
    cycle = get_object_or_404(Cycle.objects, public_id=cycle_id)
    if not can_see_results(employee=request.employee, membership=request.membership):
        raise Http404("No such page.")
    return render(request, "appeals/results.html", {"cycle": cycle, **cycle_results(cycle)})
