"""What the portal tells people: in-app notifications (the bell) and the e-mail that goes
with them.

One row per recipient and event. Reminders and escalations are notifications too; they are
`essential` (a deadline someone is responsible for), so their e-mail cannot be switched off.
"""

from django.conf import settings
from django.db import models

from apps.tenancy.models import TenantModel


class Kind(models.TextChoices):
    CYCLE_LAUNCHED = "cycle_launched", "Cycle launched"
    PHASE_OPENED = "phase_opened", "Phase opened"
    TARGETS_AWAITING_AGREEMENT = "targets_awaiting_agreement", "Targets waiting for agreement"
    SELF_ASSESSMENT_SUBMITTED = "self_assessment_submitted", "Self-assessment submitted"
    APPRAISAL_RATED = "appraisal_rated", "Appraisal rated"
    RETURNED_FOR_REVISION = "returned_for_revision", "Returned for revision"
    RESULTS_RELEASED = "results_released", "Results released"
    ACKNOWLEDGEMENT_RECORDED = "acknowledgement_recorded", "Acknowledgement recorded"
    REMINDER = "reminder", "Deadline reminder"
    ESCALATION = "escalation", "Overdue escalation"
    APPEAL = "appeal", "Appeal"
    IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan"


# Deadline reminders and escalations reach people whatever their e-mail preference.
ESSENTIAL_KINDS = frozenset({Kind.REMINDER, Kind.ESCALATION})


class EmailState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent (turned off or no address)"
    FAILED = "failed", "Failed"


class Notification(TenantModel):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # A path inside the organisation's site (/o/<slug>/…): the action the notification is about.
    url = models.CharField(max_length=500, blank=True)
    essential = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "recipient", "-created_at"], name="notif_recipient_idx"),
            models.Index(
                fields=["organization", "recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_unread_idx",
            ),
            models.Index(
                fields=["email_state"],
                condition=models.Q(email_state="pending"),
                name="notif_email_pending_idx",
            ),
        ]

    def __str__(self):
        return self.title


class Preference(TenantModel):
    """A person's choices about notification e-mail in one organisation. No row means the
    defaults: every e-mail on. Essential e-mail (deadlines someone is responsible for) ignores
    `email_non_essential`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email_non_essential = models.BooleanField(
        default=True, help_text="E-mail me about events too, not only about deadlines I am responsible for."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="notif_preference_unique")]

    def __str__(self):
        return f"{self.user}: e-mail {'all' if self.email_non_essential else 'essential only'}"


# Reminder rules and the reminder log live in their own module (one use case per file).
from .models_reminders import ReminderKind, ReminderLog, ReminderRole, ReminderRule  # noqa: E402, F401
