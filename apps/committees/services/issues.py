"""The issue log: problems raised during a cycle, who owns them, and how they were resolved."""

from django.db import transaction
from django.utils import timezone

from apps.people.services.validation import FieldErrors, check_same_tenant
from apps.tenancy import audit

from ..models import Committee, Issue, IssueStatus
from ..permissions import Action, require

ISSUE_FIELDS = ("title", "description", "cycle", "owner", "status", "resolution", "resolved_on")


def _check(errors: FieldErrors, organization, data: dict) -> None:
    if not (data.get("title") or "").strip():
        errors.add("title", "Give the issue a short title.")
    check_same_tenant(errors, organization, cycle=data.get("cycle"), owner=data.get("owner"))
    status = data.get("status") or IssueStatus.OPEN
    if status not in IssueStatus.values:
        errors.add("status", "Choose open, in progress or resolved.")
    if status == IssueStatus.RESOLVED and not (data.get("resolution") or "").strip():
        errors.add("resolution", "Say how the issue was resolved.")
    if status != IssueStatus.RESOLVED and data.get("resolved_on"):
        errors.add("resolved_on", "Only a resolved issue has a resolution date.")


def _apply(issue: Issue, data: dict, today) -> None:
    issue.title = data["title"].strip()
    issue.description = (data.get("description") or "").strip()
    issue.cycle, issue.owner = data.get("cycle"), data.get("owner")
    issue.status = data.get("status") or IssueStatus.OPEN
    issue.resolution = (data.get("resolution") or "").strip()
    if issue.status == IssueStatus.RESOLVED:
        issue.resolved_on = data.get("resolved_on") or issue.resolved_on or today
    else:
        issue.resolved_on = None


@transaction.atomic
def issue_raise(*, actor, roles: set, committee: Committee, raised_by, **data) -> Issue:
    require(roles, Action.WRITE_RECORDS)
    errors = FieldErrors()
    _check(errors, committee.organization, data)
    errors.raise_if_any()
    issue = Issue(organization=committee.organization, committee=committee, raised_by=raised_by)
    _apply(issue, data, timezone.localdate())
    issue.save()
    audit.record(
        organization=committee.organization,
        actor=actor,
        action="committee.issue_raised",
        obj=issue,
        summary=f"{committee.name}: issue “{issue.title}” raised",
    )
    return issue


@transaction.atomic
def issue_update(*, actor, roles: set, issue: Issue, **data) -> Issue:
    require(roles, Action.WRITE_RECORDS)
    errors = FieldErrors()
    _check(errors, issue.organization, data)
    errors.raise_if_any()
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    before = audit.snapshot(issue, ISSUE_FIELDS)
    _apply(issue, data, timezone.localdate())
    issue.save()
    audit.record(
        organization=issue.organization,
        actor=actor,
        action="committee.issue_updated",
        obj=issue,
        summary=f"Issue “{issue.title}”: {issue.get_status_display().lower()}",
        changes=audit.diff(issue, before, ISSUE_FIELDS),
    )
    return issue
