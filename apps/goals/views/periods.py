"""Goal periods, for HR: the list with a form to add one, and closing or reopening a period."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.common.forms import call_service
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from .. import selectors
from ..forms import PeriodForm
from ..models import GoalPeriod
from ..services import periods as period_services


def period_list(request):
    """Every period with its goal counts, and the form to add one (POST to this page)."""
    require_hr_admin(request.membership)
    form = PeriodForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, period_services.period_create, actor=request.user, membership=request.membership, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, f"Period “{done.value.name}” added: goals can now be set for it.")
            return redirect(org_reverse("goals:period_list", request.organization))
    periods = list(selectors.periods_with_goal_counts())
    context = {"form": form, "periods": periods, "current": selectors.default_period(periods)}
    return render(request, "goals/periods/list.html", context)


@require_POST
def period_close(request, goalperiod_id):
    """Close a period (no new goals or check-ins) or reopen it. `closed` says which, so a
    double submit does not flip it back; without it the button toggles."""
    require_hr_admin(request.membership)
    period = get_object_or_404(GoalPeriod.objects.all(), public_id=goalperiod_id)
    wanted = request.POST.get("closed")
    closed = (wanted == "1") if wanted in ("0", "1") else not period.is_closed
    period = period_services.period_set_closed(
        actor=request.user, membership=request.membership, period=period, closed=closed
    )
    if period.is_closed:
        messages.success(request, f"Period “{period.name}” is closed: it takes no new goals or check-ins.")
    else:
        messages.success(request, f"Period “{period.name}” is open again.")
    return redirect(org_reverse("goals:period_list", request.organization))
