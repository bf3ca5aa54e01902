"""The bodies that run the performance-management system: the Performance Management
Committee, department promotion groups, the HR support and advisory group, moderation panels
and appeal boards (HR may add others).

A committee's scope is a set of org units with everything under them; no unit means the whole
organisation. Membership grants rights only inside that scope (apps/committees/scope.py).
"""

from django.db import models

from apps.tenancy.models import TenantModel


class CommitteeKind(models.TextChoices):
    PMC = "pmc", "Performance Management Committee"
    PROMOTION_GROUP = "promotion_group", "Department promotion group"
    HR_SUPPORT = "hr_support", "HR support and advisory group"
    MODERATION_PANEL = "moderation_panel", "Moderation panel"
    APPEAL_BOARD = "appeal_board", "Appeal board"
    OTHER = "other", "Other group"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    SECRETARY = "secretary", "Secretary"
    MEMBER = "member", "Member"


class Committee(TenantModel):
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=30, choices=CommitteeKind.choices)
    responsibilities = models.TextField(blank=True, help_text="What this body is responsible for, in plain words.")
    # Groups report to a committee (department promotion groups and the HR support group to
    # the Performance Management Committee); progress reports go up this line.
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reporting_groups"
    )
    units = models.ManyToManyField(
        "people.OrgUnit", blank=True, related_name="+", help_text="The units it covers, with their sub-units."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="committees_name_unique")]
        indexes = [models.Index(fields=["organization", "kind"], name="committees_kind_idx")]
        # Explicit grants HR hands out with django-guardian, on one committee (see permissions.py).
        permissions = [
            ("read_committee_records", "Read the committee's reports, issues and lessons"),
            ("manage_committee_records", "Manage the committee's reports, issues and lessons like its secretary"),
        ]

    def __str__(self):
        return self.name


class CommitteeMember(TenantModel):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="committee_seats")
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "employee"], name="committees_member_unique"),
        ]
        indexes = [models.Index(fields=["organization", "employee"], name="committees_member_employee_idx")]

    def __str__(self):
        return f"{self.employee} ({self.get_role_display()}, {self.committee})"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class ProgressReport(TenantModel):
    """A group's periodic report to the committee it reports to, for one cycle and period.

    While a draft, its completion figures are read live from the appraisals in the group's
    scope; on submission they are frozen into `figures`, so the committee later reads what
    the group saw when it reported."""

    group = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="progress_reports")
    # Kept on the report: the group may later be moved to report elsewhere.
    to_committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="received_reports")
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")
    period_label = models.CharField(max_length=60, help_text="Which report this is, e.g. “March” or “Week 12”.")
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    went_well = models.TextField(blank=True)
    problems = models.TextField(blank=True)
    needs = models.TextField(blank=True)
    figures = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "group", "cycle", "period_label"], name="committees_report_unique_period"
            ),
        ]
        indexes = [models.Index(fields=["organization", "to_committee", "cycle"], name="committees_report_to_idx")]

    def __str__(self):
        return f"{self.group} — {self.period_label}"


class IssueStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"


class Issue(TenantModel):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="issues")
    cycle = models.ForeignKey("cycles.Cycle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    raised_by = models.ForeignKey("people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey("people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    resolution = models.TextField(blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "committee", "status"], name="committees_issue_status_idx")]

    def __str__(self):
        return self.title


class TrainingSession(TenantModel):
    """A session held on the system (usually by the HR support group)."""

    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.SET_NULL, related_name="training_sessions"
    )
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    covered = models.TextField(blank=True, help_text="What the session covered.")
    trainer = models.ForeignKey("people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attendees = models.ManyToManyField("people.Employee", through="TrainingAttendance", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "title"]

    def __str__(self):
        return f"{self.title} ({self.held_on})"


class TrainingAttendance(TenantModel):
    """Who attended a session. A model of its own so "has this officer been trained?" is one
    indexed lookup per organisation and employee."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "employee"], name="committees_attendance_unique"),
        ]
        indexes = [models.Index(fields=["organization", "employee"], name="committees_attendance_emp_idx")]


class Announcement(TenantModel):
    """A notice to all staff (no units) or to the people of some units and their sub-units."""

    title = models.CharField(max_length=200)
    body = models.TextField()
    # Who publishes: a committee (its chair or secretary) or HR directly (none).
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.SET_NULL, related_name="announcements"
    )
    units = models.ManyToManyField("people.OrgUnit", blank=True, related_name="+")
    published_from = models.DateTimeField()
    published_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_from"]
        indexes = [models.Index(fields=["organization", "published_from"], name="committees_announce_from_idx")]

    def __str__(self):
        return self.title


class Lesson(TenantModel):
    """What a committee would change next time, recorded at a cycle's close."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="lessons")
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True, help_text="What happened, and what to change next time.")
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["organization", "committee", "cycle"], name="committees_lesson_cycle_idx")]

    def __str__(self):
        return self.title


# Moderation (calibration) has its own module; imported here so the app registers its models.
from .models_moderation import (  # noqa: E402, F401
    ModerationAdjustment,
    ModerationGuideline,
    ModerationSession,
    SessionStatus,
)
