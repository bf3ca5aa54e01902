"""Training records (HR): sessions and who attended, and who has been trained."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service
from apps.cycles.models import CycleStatus
from apps.people.models import Employee
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms import TrainingForm
from ..models import TrainingSession
from ..selectors import trained_annotation
from ..services.training import training_save


def training_list(request):
    """Sessions, and every appraising officer of an active cycle with whether they attended one."""
    require_hr_admin(request.membership)
    sessions = TrainingSession.objects.select_related("trainer", "committee").annotate(n=Count("attendance"))
    # Appraising officers of active cycles, untrained first: one query with an EXISTS per row.
    officers = (
        Employee.objects.filter(appraisals_as_officer__cycle__status=CycleStatus.ACTIVE)
        .annotate(trained=trained_annotation("pk"))
        .select_related("unit")
        .distinct()
        .order_by("trained", "last_name", "first_name")
    )
    return render(
        request,
        "committees/training_list.html",
        {"sessions": sessions.order_by("-held_on", "title"), "officers": officers},
    )


def training_create(request):
    require_hr_admin(request.membership)
    return _form(request, None)


def training_edit(request, trainingsession_id):
    require_hr_admin(request.membership)
    session = get_object_or_404(TrainingSession.objects, public_id=trainingsession_id)
    return _form(request, session)


def _form(request, session):
    initial = {}
    if session is not None:
        initial = {
            "title": session.title,
            "held_on": session.held_on,
            "covered": session.covered,
            "trainer": session.trainer,
            "committee": session.committee,
            "attendees": list(Employee.objects.filter(pk__in=session.attendance.values("employee_id"))),
        }
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, training_save, actor=request.user, membership=request.membership, session=session, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, "Training session saved.")
            return redirect(org_reverse("committees:training_list", request.organization))
    return render(request, "committees/training_form.html", {"form": form, "session": session})
