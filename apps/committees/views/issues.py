"""The issue log: a list with filters over the committees the person may read, and forms for
chairs, secretaries and HR to raise, follow and resolve issues; lessons learned at cycle close."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service
from apps.tenancy.urls_helpers import org_reverse

from ..forms import IssueFilterForm, IssueForm, LessonForm
from ..models import Issue, IssueStatus
from ..permissions import Action, can, readable_committees, request_employee, request_roles, require
from ..services import issues as services
from ..services.lessons import lesson_record
from .committees import load_committee

PAGE_SIZE = 50
ISSUE_FORM_FIELDS = ("title", "description", "cycle", "owner", "status", "resolution", "resolved_on")


def issue_list(request):
    committees = readable_committees(request)
    form = IssueFilterForm(request.GET or None, committees=committees.order_by("name"))
    issues = Issue.objects.filter(committee__in=committees.values("pk"))
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    if status == "":
        issues = issues.exclude(status=IssueStatus.RESOLVED)
    elif status != "all":
        issues = issues.filter(status=status)
    if data.get("committee"):
        issues = issues.filter(committee=data["committee"])
    if data.get("cycle"):
        issues = issues.filter(cycle=data["cycle"])
    if data.get("q"):
        issues = issues.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
    issues = issues.select_related("committee", "owner", "raised_by", "cycle").order_by("-created_at", "pk")
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "committees/issue_list.html", {"form": form, "page_obj": page, "issues": page.object_list})


def issue_create(request, committee_id):
    committee, roles = load_committee(request, committee_id)
    require(roles, Action.WRITE_RECORDS)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.issue_raise,
            actor=request.user,
            roles=roles,
            committee=committee,
            raised_by=request_employee(request),
            **form.cleaned_data,
        )
        if done.ok:
            messages.success(request, "Issue logged.")
            return redirect(
                org_reverse("committees:committee_detail", request.organization, committee_id=committee.public_id)
            )
    return render(request, "committees/issue_form.html", {"committee": committee, "form": form, "issue": None})


def issue_edit(request, issue_id):
    issue = get_object_or_404(Issue.objects.select_related("committee", "raised_by"), public_id=issue_id)
    roles = request_roles(request, issue.committee)
    require(roles, Action.READ_RECORDS)
    writable = can(roles, Action.WRITE_RECORDS)
    form = IssueForm(request.POST or None, initial={f: getattr(issue, f) for f in ISSUE_FORM_FIELDS})
    if request.method == "POST":
        require(roles, Action.WRITE_RECORDS)
        if form.is_valid():
            done = call_service(
                form, services.issue_update, actor=request.user, roles=roles, issue=issue, **form.cleaned_data
            )
            if done.ok:
                messages.success(request, "Issue saved.")
                return redirect(org_reverse("committees:issue_list", request.organization))
    return render(
        request,
        "committees/issue_form.html",
        {"committee": issue.committee, "form": form, "issue": issue, "writable": writable},
    )


def lesson_create(request, committee_id):
    committee, roles = load_committee(request, committee_id)
    require(roles, Action.WRITE_RECORDS)
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, lesson_record, actor=request.user, roles=roles, committee=committee, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, "Lesson recorded.")
            return redirect(
                org_reverse("committees:committee_detail", request.organization, committee_id=committee.public_id)
            )
    return render(request, "committees/lesson_form.html", {"committee": committee, "form": form})
