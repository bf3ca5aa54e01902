"""Progress reports: a group drafts, writes and submits its report; the committee it reports
to reads all reports of a cycle side by side."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.common.forms import add_service_errors, call_service
from apps.tenancy.urls_helpers import org_reverse

from ..forms import CycleChoiceForm, ReportCreateForm, ReportTextForm
from ..models import Committee, ProgressReport, ReportStatus
from ..permissions import Action, can, request_roles, require
from ..selectors import cycle_with_phases, figures_for, report_table, reports_side_by_side, state_rows
from ..services import reports as services
from .committees import load_committee


def _to_report(request, report):
    return redirect(org_reverse("committees:report_detail", request.organization, progressreport_id=report.public_id))


def report_create(request, committee_id):
    group, roles = load_committee(request, committee_id)
    require(roles, Action.WRITE_RECORDS)
    form = ReportCreateForm(request.POST or None)
    texts = ReportTextForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and texts.is_valid():
        done = call_service(
            form,
            services.report_create,
            actor=request.user,
            roles=roles,
            group=group,
            **form.cleaned_data,
            **texts.cleaned_data,
        )
        if done.ok:
            messages.success(request, "Report drafted. Its figures stay live until you submit it.")
            return _to_report(request, done.value)
    return render(request, "committees/report_create.html", {"committee": group, "form": form, "texts": texts})


def _load_report(request, progressreport_id):
    report = get_object_or_404(
        ProgressReport.objects.select_related("group", "to_committee", "cycle", "submitted_by"),
        public_id=progressreport_id,
    )
    group_roles = request_roles(request, report.group)
    # The receiving committee reads the report: its members hold PARENT_MEMBER on the group
    # only while the group still reports to it, so check the receiver too.
    receiver_roles = request_roles(request, report.to_committee)
    if not (can(group_roles, Action.READ_RECORDS) or can(receiver_roles, Action.READ_RECORDS)):
        require(set(), Action.READ_RECORDS)
    return report, group_roles


def report_detail(request, progressreport_id):
    report, roles = _load_report(request, progressreport_id)
    editable = report.status == ReportStatus.DRAFT and can(roles, Action.WRITE_RECORDS)
    initial = {field: getattr(report, field) for field in services.TEXT_FIELDS}
    form = ReportTextForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(roles, Action.WRITE_RECORDS)
        if form.is_valid():
            try:
                report = services.report_update(actor=request.user, roles=roles, report=report, **form.cleaned_data)
                if request.POST.get("submit"):
                    report = services.report_submit(actor=request.user, roles=roles, report=report)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Report submitted." if request.POST.get("submit") else "Report saved.")
                return _to_report(request, report)
    if report.status == ReportStatus.SUBMITTED:
        figures = report.figures
    else:
        group = Committee.objects.prefetch_related("units").get(pk=report.group_id)
        figures = figures_for(cycle_with_phases().get(pk=report.cycle_id), [group])[group.pk]
    return render(
        request,
        "committees/report_detail.html",
        {"report": report, "form": form, "editable": editable, "figures": figures, "states": state_rows(figures)},
    )


@require_POST
def report_submit(request, progressreport_id):
    report, roles = _load_report(request, progressreport_id)
    require(roles, Action.WRITE_RECORDS)
    try:
        services.report_submit(actor=request.user, roles=roles, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Report submitted: its figures are now frozen as they stand.")
    return _to_report(request, report)


def committee_reports(request, committee_id):
    """All reports filed to the committee for one cycle, side by side."""
    committee, roles = load_committee(request, committee_id)
    require(roles, Action.READ_RECORDS)
    form = CycleChoiceForm(request.GET or None)
    cycle = None
    if form.is_bound and form.is_valid():
        cycle = form.cleaned_data["cycle"]
    elif not form.is_bound:
        cycle = form.fields["cycle"].queryset.first()
    reports = []
    if cycle is not None:
        cycle = cycle_with_phases().get(pk=cycle.pk)
        reports = reports_side_by_side(committee, cycle)
        form = CycleChoiceForm(initial={"cycle": cycle})
    return render(
        request,
        "committees/reports_side_by_side.html",
        {"committee": committee, "form": form, "cycle": cycle, "reports": reports, "rows": report_table(reports)},
    )
