"""Committee pages: the list everyone reads, one committee's page, and HR's forms for the
committee, its members and explicit access grants."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from guardian.shortcuts import get_users_with_perms

from apps.common.forms import call_service
from apps.reports.permissions import TRAINING_PLANNERS, can_see_training_needs
from apps.reports.selectors_training import cycles_with_needs
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms import CommitteeForm, GrantForm, MemberForm, RoleForm
from ..models import Committee, CommitteeMember, IssueStatus, ReportStatus
from ..permissions import MANAGE_GRANT, READ_GRANT, Action, can, request_employee, request_roles, require
from ..selectors import committee_queryset, latest_reports, lessons_by_cycle, open_issues
from ..services import committees as services


def load_committee(request, committee_id):
    """The committee inside the request's tenant (another tenant's id is a 404) with the
    person's roles on it."""
    committee = get_object_or_404(committee_queryset(), public_id=committee_id)
    roles = request_roles(request, committee)
    require(roles, Action.VIEW)
    return committee, roles


def _to_committee(request, committee):
    return redirect(org_reverse("committees:committee_detail", request.organization, committee_id=committee.public_id))


def committee_list(request):
    """Every committee with its members: who sits where is open to the whole organisation."""
    employee = request_employee(request)
    committees = committee_queryset().annotate(
        open_issue_count=Count("issues", filter=~Q(issues__status=IssueStatus.RESOLVED), distinct=True)
    )
    if request.GET.get("show") != "all":
        committees = committees.filter(is_active=True)
    committees = list(committees.order_by("kind", "name"))
    for committee in committees:
        committee.mine = employee is not None and any(s.employee_id == employee.pk for s in committee.members.all())
    return render(request, "committees/list.html", {"committees": committees, "show_all": request.GET.get("show")})


def committee_detail(request, committee_id):
    committee, roles = load_committee(request, committee_id)
    context = {
        "committee": committee,
        "roles": roles,
        "can_read": can(roles, Action.READ_RECORDS),
        "can_write": can(roles, Action.WRITE_RECORDS),
        "can_manage": can(roles, Action.MANAGE),
    }
    if context["can_read"]:
        context.update(
            issues=open_issues(committee),
            reports=latest_reports(committee),
            lessons=lessons_by_cycle(committee),
            groups=list(committee.reporting_groups.filter(is_active=True).order_by("name")),
            sessions=list(committee.training_sessions.annotate(n=Count("attendance")).order_by("-held_on")[:5]),
            draft_status=ReportStatus.DRAFT,
        )
    if (
        context["can_read"]
        and committee.kind in TRAINING_PLANNERS
        and can_see_training_needs(employee=request.employee, membership=request.membership)
    ):
        # The groups that plan training reach each cycle's training needs from here.
        context["training_cycles"] = cycles_with_needs()
    if context["can_manage"]:
        context.update(member_form=MemberForm(), grant_form=GrantForm(), grants=_grants(committee))
    return render(request, "committees/detail.html", context)


def _grants(committee):
    """(user, [permission labels]) for people granted access to this committee explicitly."""
    labels = {READ_GRANT: "Read records", MANAGE_GRANT: "Manage records"}
    users = get_users_with_perms(committee, attach_perms=True, with_superusers=False, with_group_users=False)
    return [
        (user, [labels[p] for p in perms if p in labels], [p for p in perms if p in labels])
        for user, perms in users.items()
    ]


def committee_create(request):
    require_hr_admin(request.membership)
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.committee_save, actor=request.user, membership=request.membership, **form.cleaned_data
        )
        if done.ok:
            committee = done.value
            messages.success(request, f"Created {committee.name}. Now add its members.")
            return _to_committee(request, committee)
    return render(request, "committees/form.html", {"form": form, "committee": None})


def committee_edit(request, committee_id):
    require_hr_admin(request.membership)
    committee = get_object_or_404(committee_queryset(), public_id=committee_id)
    initial = {
        "name": committee.name,
        "kind": committee.kind,
        "responsibilities": committee.responsibilities,
        "reports_to": committee.reports_to,
        "units": list(committee.units.all()),
        "is_active": committee.is_active,
    }
    form = CommitteeForm(request.POST or None, initial=initial, committee=committee)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.committee_save,
            actor=request.user,
            membership=request.membership,
            committee=committee,
            **form.cleaned_data,
        )
        if done.ok:
            messages.success(request, f"Saved {committee.name}.")
            return _to_committee(request, committee)
    return render(request, "committees/form.html", {"form": form, "committee": committee})


@require_POST
def member_add(request, committee_id):
    require_hr_admin(request.membership)
    committee = get_object_or_404(Committee.objects, public_id=committee_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.member_add,
            actor=request.user,
            membership=request.membership,
            committee=committee,
            **form.cleaned_data,
        )
        if done.ok:
            seat = done.value
            messages.success(request, f"{seat.employee.full_name} joined as {seat.get_role_display().lower()}.")
            return _to_committee(request, committee)
    committee = get_object_or_404(committee_queryset(), pk=committee.pk)
    return render(request, "committees/member_form.html", {"committee": committee, "form": form}, status=400)


def member_edit(request, committeemember_id):
    """Change a member's role, or remove them (HR)."""
    require_hr_admin(request.membership)
    seat = get_object_or_404(
        CommitteeMember.objects.select_related("committee", "employee"), public_id=committeemember_id
    )
    form = RoleForm(request.POST or None, initial={"role": seat.role})
    if request.method == "POST":
        if request.POST.get("remove"):
            services.member_remove(actor=request.user, membership=request.membership, seat=seat)
            messages.success(request, f"{seat.employee.full_name} left {seat.committee.name}.")
            return _to_committee(request, seat.committee)
        if form.is_valid():
            done = call_service(
                form,
                services.member_change_role,
                actor=request.user,
                membership=request.membership,
                seat=seat,
                role=form.cleaned_data["role"],
            )
            if done.ok:
                messages.success(request, f"Saved {seat.employee.full_name}'s role.")
                return _to_committee(request, seat.committee)
    return render(request, "committees/member_edit.html", {"seat": seat, "form": form})


@require_POST
def access_change(request, committee_id):
    """Grant or take back explicit access to a committee's records (HR)."""
    require_hr_admin(request.membership)
    committee = get_object_or_404(Committee.objects, public_id=committee_id)
    form = GrantForm(request.POST)
    if form.is_valid():
        service = services.access_revoke if request.POST.get("revoke") else services.access_grant
        done = call_service(
            form, service, actor=request.user, membership=request.membership, committee=committee, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, "Access taken back." if request.POST.get("revoke") else "Access given.")
            return _to_committee(request, committee)
    committee = get_object_or_404(committee_queryset(), pk=committee.pk)
    return render(request, "committees/grant_form.html", {"committee": committee, "form": form}, status=400)
