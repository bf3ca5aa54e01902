"""The appraisee's side: lodging an appeal on a released appraisal, and their appeals."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service
from apps.cycles.models import Appraisal
from apps.tenancy.urls_helpers import org_reverse

from ..forms import LodgeForm
from ..models import Appeal
from ..selectors import my_appeals, requests_to, sits_on_a_board
from ..services.lodging import MAX_ATTACHMENT_BYTES, appeal_lodge, appeal_window, subject_choices


def who(request) -> dict:
    return {"actor": request.user, "membership": request.membership, "employee": request.employee}


def lodge(request, appraisal_id):
    appraisal = get_object_or_404(
        Appraisal.objects.select_related("cycle", "cycle_template", "employee"), public_id=appraisal_id
    )
    # Only the appraisee lodges; to anyone else the page does not exist.
    if request.employee is None or appraisal.employee_id != request.employee.pk:
        raise Http404("No such appraisal.")
    window = appeal_window(appraisal)
    open_appeals = list(Appeal.objects.filter(appraisal=appraisal).exclude(state="closed").order_by("created_at"))
    # What already has an open appeal is not offered again (the service refuses it too).
    taken = {f"{a.subject}:{a.subject_key}" if a.subject_key else a.subject for a in open_appeals}
    subjects = [s for s in subject_choices(appraisal) if s[0] not in taken] if window.is_open else []
    form = LodgeForm(subjects=subjects)
    if request.method == "POST" and window.is_open:
        form = LodgeForm(request.POST, request.FILES, subjects=subjects)
        if form.is_valid():
            outcome = call_service(
                form,
                appeal_lodge,
                **who(request),
                appraisal=appraisal,
                subject=form.cleaned_data["subject"],
                grounds=form.cleaned_data["grounds"],
                files=form.cleaned_data["attachments"],
            )
            if outcome:
                appeal = outcome.value
                messages.success(
                    request,
                    f"Your appeal is lodged{' with ' + appeal.board.name if appeal.board else ''}. "
                    "You will be told of each step.",
                )
                return redirect(org_reverse("appeals:appeal_detail", request.organization, appeal_id=appeal.public_id))
    return render(
        request,
        "appeals/lodge.html",
        {
            "appraisal": appraisal,
            "window": window,
            "form": form,
            "open_appeals": open_appeals,
            "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def mine(request):
    if request.employee is None:
        appeals, requests = [], []
    else:
        appeals, requests = list(my_appeals(request.employee)), list(requests_to(request.employee))
    context = {"appeals": appeals, "comment_requests": requests, "on_a_board": sits_on_a_board(request.employee)}
    return render(request, "appeals/mine.html", context)
