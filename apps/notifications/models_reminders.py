"""Reminder rules of a cycle and the log that makes every reminder go out at most once.

Imported by models.py, so Django sees these models as part of the notifications app.

Who still has an action on an appraisal follows from its state (see reminders/due.py); the
deadline is the end of the phase that state belongs to. A rule turns deadlines into
occasions: N days before, every M days while overdue, and escalation steps up the chain from
K days overdue. The log holds one row per person, action, rule and occasion; its unique
constraint is what makes "at most once" true when sweeps overlap or a worker dies mid-batch.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from apps.tenancy.models import TenantModel

DAYS = [MaxValueValidator(365)]


class ReminderRule(TenantModel):
    """How one cycle reminds people of its deadlines. One rule per cycle; a cycle without one
    gets DEFAULTS at its first sweep (and the rules page shows them until HR saves)."""

    DEFAULTS = {
        "days_before": 3,
        "overdue_every_days": 3,
        "escalate_after_days": 7,
        "escalation_every_days": 7,
        "escalation_steps": 3,
        "active": True,
    }

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="reminder_rules")
    days_before = models.PositiveSmallIntegerField(
        default=DEFAULTS["days_before"],
        validators=DAYS,
        help_text="Remind everyone who still has an action this many days before a phase ends. 0: no reminder before.",
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        default=DEFAULTS["overdue_every_days"],
        validators=DAYS,
        help_text="While an action is overdue, remind the person again every this many days. 0: never.",
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        default=DEFAULTS["escalate_after_days"],
        validators=DAYS,
        help_text="Once an action is this many days overdue, tell the next person up.",
    )
    escalation_every_days = models.PositiveSmallIntegerField(
        default=DEFAULTS["escalation_every_days"],
        validators=DAYS,
        help_text="Days between one escalation step and the next.",
    )
    escalation_steps = models.PositiveSmallIntegerField(
        default=DEFAULTS["escalation_steps"],
        validators=[MaxValueValidator(3)],
        help_text="How far up it goes: 1 the appraising officer, 2 then the countersigning officer, 3 then HR. "
        "0: no escalation.",
    )
    active = models.BooleanField(default=True, help_text="Switch off to send no reminders for this cycle.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "cycle"], name="notif_reminder_rule_cycle")]

    def __str__(self):
        return f"Reminders of {self.cycle_id}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", "Before the deadline"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Escalation"


class ReminderRole(models.TextChoices):
    """Whose action it is (the escalation's recipient is someone else, higher up)."""

    APPRAISEE = "appraisee", "Appraisee"
    OFFICER = "officer", "Appraising officer"
    COUNTERSIGNING = "countersigning", "Countersigning officer"
    HR = "hr", "HR"


class ReminderLog(TenantModel):
    """One reminder sent. Written only by the sweep (INSERT … ON CONFLICT DO NOTHING), in the
    same transaction as its notification.

    The occasion, with the deadline, says which reminder this is:
    * before — 0 (one per deadline; a moved deadline is a new occasion);
    * overdue — the number of the M-day interval since the deadline (1 from the deadline on);
    * escalation — the escalation step (1, 2, 3).
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")
    appraisal = models.ForeignKey("cycles.Appraisal", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=30, help_text="The appraisal's state the action belongs to.")
    role = models.CharField(max_length=20, choices=ReminderRole.choices)
    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="log")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    deadline = models.DateTimeField()
    occasion = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    notification = models.ForeignKey(
        "notifications.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "appraisal",
                    "recipient",
                    "action",
                    "role",
                    "rule",
                    "kind",
                    "deadline",
                    "occasion",
                ],
                name="notif_reminder_once",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "cycle", "-created_at"], name="notif_reminder_cycle_idx"),
            models.Index(fields=["organization", "cycle", "kind", "-created_at"], name="notif_reminder_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.occasion} for {self.recipient_id}"
