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
