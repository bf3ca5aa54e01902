"""Moderation (calibration): a moderation panel opens a session on a cycle once its scope's
appraisals are countersigned, compares the distribution of levels with the organisation's
guideline, adjusts levels with a justification, and closes the session; release of the
appraisals in its scope waits until then (apps/cycles/services/release.py)."""

from django.db import models
from django.db.models import Q

from apps.tenancy.models import TenantModel


class SessionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ModerationSession(TenantModel):
    # The scope is the panel's scope, read live: a panel whose units change while it sits
    # calibrates (and holds back the release of) what it covers now.
    panel = models.ForeignKey("committees.Committee", on_delete=models.PROTECT, related_name="moderation_sessions")
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="moderation_sessions")
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    opened_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True, help_text="What the panel found and decided.")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "cycle"], condition=Q(status="open"), name="committees_moderation_one_open"
            ),
        ]
        indexes = [models.Index(fields=["organization", "cycle", "status"], name="committees_mod_cycle_idx")]

    def __str__(self):
        return f"{self.panel}: {self.cycle}"

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN


class ModerationAdjustment(TenantModel):
    """A level the panel changed: the original and the new level, who and why. The same change
    is in the appraisal's RatingChange history (`rating_change`)."""

    session = models.ForeignKey(ModerationSession, on_delete=models.PROTECT, related_name="adjustments")
    appraisal = models.ForeignKey("cycles.Appraisal", on_delete=models.CASCADE, related_name="moderation_adjustments")
    original_level = models.CharField(max_length=40, blank=True)
    new_level = models.CharField(max_length=40)
    reason = models.TextField()
    adjusted_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    rating_change = models.ForeignKey(
        "cycles.RatingChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["organization", "appraisal"], name="committees_mod_adj_appr_idx"),
            models.Index(fields=["organization", "session"], name="committees_mod_adj_session_idx"),
        ]

    def __str__(self):
        return f"{self.appraisal}: {self.original_level} → {self.new_level}"


class ModerationGuideline(TenantModel):
    """The share of appraisals HR expects at each level of a cycle's scale (a guideline, not a
    quota): {level label: percent as a string}, adding up to 100."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")
    shares = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "cycle"], name="committees_guideline_cycle_unique")
        ]

    def __str__(self):
        return f"Guideline for {self.cycle}"
