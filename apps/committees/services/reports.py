"""Progress reports: a group drafts a report for a cycle and period to the committee it
reports to, writes its texts, and submits it; submitting freezes the completion figures."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.people.services.validation import FieldErrors
from apps.tenancy import audit

from ..models import Committee, ProgressReport, ReportStatus
from ..permissions import Action, require
from ..selectors import cycle_with_phases, figures_for

TEXT_FIELDS = ("went_well", "problems", "needs")


@transaction.atomic
def report_create(*, actor, roles: set, group: Committee, cycle, period_label: str, **texts) -> ProgressReport:
    require(roles, Action.WRITE_RECORDS)
    errors = FieldErrors()
    period_label = (period_label or "").strip()
    if group.reports_to_id is None:
        errors.add("__all__", f"{group.name} reports to no committee: HR sets whom it reports to first.")
    if not period_label:
        errors.add("period_label", "Say which period this report covers, e.g. “March”.")
    if cycle is None or cycle.organization_id != group.organization_id:
        errors.add("cycle", "Choose a cycle of this organisation.")
    elif period_label and ProgressReport.objects.filter(group=group, cycle=cycle, period_label__iexact=period_label):
        errors.add("period_label", "This group already has a report for this period of the cycle.")
    errors.raise_if_any()
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                organization=group.organization,
                group=group,
                to_committee_id=group.reports_to_id,
                cycle=cycle,
                period_label=period_label,
                created_by=actor,
                **{field: (texts.get(field) or "").strip() for field in TEXT_FIELDS},
            )
    except IntegrityError:
        raise ValidationError(
            {"period_label": "This group already has a report for this period of the cycle."}
        ) from None
    audit.record(
        organization=group.organization,
        actor=actor,
        action="committee.report_created",
        obj=report,
        summary=f"{group.name}: report {period_label} ({cycle.name}) drafted",
    )
    return report


@transaction.atomic
def report_update(*, actor, roles: set, report: ProgressReport, **texts) -> ProgressReport:
    require(roles, Action.WRITE_RECORDS)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"__all__": "This report has been submitted; it can no longer be changed."})
    before = audit.snapshot(report, TEXT_FIELDS)
    for field in TEXT_FIELDS:
        setattr(report, field, (texts.get(field) or "").strip())
    report.save(update_fields=[*TEXT_FIELDS, "updated_at"])
    audit.record(
        organization=report.organization,
        actor=actor,
        action="committee.report_updated",
        obj=report,
        summary=f"Report {report.period_label} changed",
        changes=audit.diff(report, before, TEXT_FIELDS),
    )
    return report


@transaction.atomic
def report_submit(*, actor, roles: set, report: ProgressReport, now=None) -> ProgressReport:
    """Freeze the figures of the group's scope as they stand now and hand the report in."""
    require(roles, Action.WRITE_RECORDS)
    now = now or timezone.now()
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"__all__": "This report has already been submitted."})
    errors = FieldErrors()
    if not (report.went_well or report.problems or report.needs):
        errors.add("went_well", "Write at least what went well, the problems found or what the group needs.")
    errors.raise_if_any()
    group = Committee.objects.prefetch_related("units").get(pk=report.group_id)
    cycle = cycle_with_phases().get(pk=report.cycle_id)
    report.figures = figures_for(cycle, [group], now=now)[group.pk]
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = now, actor
    report.save(update_fields=["figures", "status", "submitted_at", "submitted_by", "updated_at"])
    audit.record(
        organization=report.organization,
        actor=actor,
        action="committee.report_submitted",
        obj=report,
        summary=f"{group.name}: report {report.period_label} submitted",
        changes={"figures": report.figures},
    )
    return report
