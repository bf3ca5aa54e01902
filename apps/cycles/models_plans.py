"""Counselling and improvement plans: what follows a below-standard result (DESIGN.md, "results
use"). The appraising officer (or HR) counsels the person and records what must improve, what
they will do, the support the organisation gives and when progress is reviewed; the person
reads and acknowledges it, with their own comment; at the review the plan closes as improved or
not (not improved is HR's to take up). One plan per appraisal."""

from django.db import models

from apps.tenancy.models import TenantModel


class PlanStatus(models.TextChoices):
    OPEN = "open", "Under way"
    IMPROVED = "improved", "Closed: improved"
    NOT_IMPROVED = "not_improved", "Closed: not improved"


CLOSED_STATUSES = (PlanStatus.IMPROVED, PlanStatus.NOT_IMPROVED)


class ImprovementPlan(TenantModel):
    appraisal = models.OneToOneField("cycles.Appraisal", on_delete=models.CASCADE, related_name="improvement_plan")
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="improvement_plans")
    # Who counsels the person and reviews the plan: the appraisal's appraising officer when set.
    officer = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="improvement_plans_led"
    )
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.OPEN)
    counselled_on = models.DateField(help_text="The day of the counselling meeting.")
    areas = models.TextField(help_text="What must improve, as the result and the counselling found it.")
    actions = models.TextField(help_text="What the person will do, and how progress will be seen.")
    support = models.TextField(blank=True, help_text="Training, coaching or resources the organisation gives.")
    review_on = models.DateField(help_text="When progress is reviewed and the plan closes.")
    # When whoever leads the plan was reminded that its review is due: once per review date.
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    employee_comment = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review_on", "pk"]
        indexes = [
            models.Index(fields=["organization", "employee"], name="cycles_plan_employee_idx"),
            models.Index(fields=["organization", "officer", "status"], name="cycles_plan_officer_idx"),
        ]

    def __str__(self):
        return f"Improvement plan: {self.appraisal}"

    @property
    def is_open(self) -> bool:
        return self.status == PlanStatus.OPEN
