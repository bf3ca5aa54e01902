"""Announcements: HR and committee chairs and secretaries publish to all staff or a scope;
the dashboard shows the current ones to the people they are meant for."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.common.forms import call_service
from apps.tenancy.permissions import is_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms import AnnouncementForm
from ..models import Announcement
from ..permissions import publishing_committees, request_employee, request_roles
from ..services.announcements import announcement_publish, announcement_withdraw


def _publishers(request):
    committees = publishing_committees(
        employee=request_employee(request), user=request.user, membership=request.membership
    )
    hr = is_hr_admin(request.membership)
    if not hr and not committees:
        raise PermissionDenied("Only HR and committee chairs and secretaries publish announcements.")
    return committees, hr


def announcement_list(request):
    committees, hr = _publishers(request)
    announcements = Announcement.objects.select_related("committee", "created_by").prefetch_related("units")
    if not hr:
        announcements = announcements.filter(committee__in=[c.pk for c in committees])
    return render(
        request,
        "committees/announcement_list.html",
        {"announcements": announcements.order_by("-published_from")[:200], "can_publish": True},
    )


def announcement_create(request):
    committees, hr = _publishers(request)
    form = AnnouncementForm(request.POST or None, committees=committees, allow_hr=hr)
    if request.method == "POST" and form.is_valid():
        committee = form.cleaned_data.pop("committee")
        roles = request_roles(request, committee) if committee is not None else None
        done = call_service(
            form,
            announcement_publish,
            actor=request.user,
            membership=request.membership,
            roles=roles,
            committee=committee,
            **form.cleaned_data,
        )
        if done.ok:
            messages.success(request, "Announcement published.")
            return redirect(org_reverse("committees:announcement_list", request.organization))
    return render(request, "committees/announcement_form.html", {"form": form})


@require_POST
def announcement_withdraw_view(request, announcement_id):
    announcement = get_object_or_404(Announcement.objects.select_related("committee"), public_id=announcement_id)
    roles = request_roles(request, announcement.committee) if announcement.committee else None
    announcement_withdraw(actor=request.user, membership=request.membership, roles=roles, announcement=announcement)
    messages.success(request, f"“{announcement.title}” withdrawn.")
    return redirect(org_reverse("committees:announcement_list", request.organization))
