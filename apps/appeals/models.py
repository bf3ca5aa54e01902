"""Appeals against a released appraisal: what the appraisee contests, the board that decides,
who on that board may not take part and why, the board's questions to the parties, its
internal notes, and the append-only trail of every step.

What the appraisee may read and what only the board reads are kept in different rows: the
decision and its reasons are on the Appeal; the board's deliberations are AppealNotes, which
no query for the appraisee ever touches.
"""

import uuid

from django.db import models
from django.utils import timezone

from apps.tenancy.models import TenantModel


class AppealState(models.TextChoices):
    LODGED = "lodged", "Lodged"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    UNDER_REVIEW = "under_review", "Under review"
    HEARING_SCHEDULED = "hearing_scheduled", "Hearing scheduled"
    DECIDED = "decided", "Decided"
    CLOSED = "closed", "Closed"


OPEN_STATES = tuple(s for s in AppealState.values if s != AppealState.CLOSED)


class AppealSubject(models.TextChoices):
    OVERALL = "overall", "Overall level"
    TARGET = "target", "A work target's rating"
    COMPETENCY = "competency", "A competency's rating"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    DISMISSED = "dismissed", "Dismissed"


class Appeal(TenantModel):
    appraisal = models.ForeignKey("cycles.Appraisal", on_delete=models.CASCADE, related_name="appeals")
    appellant = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="appeals")
    # Null when no appeal board's scope covers the appraisee: HR sees it as unassigned.
    board = models.ForeignKey(
        "committees.Committee", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    subject = models.CharField(max_length=20, choices=AppealSubject.choices, default=AppealSubject.OVERALL)
    # A target's public id or a competency's key in the frozen template; blank for the overall level.
    subject_key = models.CharField(max_length=40, blank=True)
    # What the subject was called and rated when the appeal was lodged, so the appeal reads the
    # same after a later change.
    subject_label = models.CharField(max_length=300, blank=True)
    contested_value = models.CharField(max_length=80, blank=True)
    grounds = models.TextField()
    state = models.CharField(max_length=30, choices=AppealState.choices, default=AppealState.LODGED)
    hearing_at = models.DateTimeField(null=True, blank=True)
    hearing_place = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    # What the decision changed on the appraisal (blank when nothing): the new overall level
    # label, or the new rating's label; the RatingChange history holds the detail.
    changed_to = models.CharField(max_length=80, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome_acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    lodged_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open appeal per appraisal and subject; a closed one may be followed by another.
            models.UniqueConstraint(
                fields=["appraisal", "subject", "subject_key"],
                condition=~models.Q(state="closed"),
                name="appeals_one_open_per_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "state"], name="appeals_state_idx"),
            models.Index(fields=["organization", "board", "state"], name="appeals_board_idx"),
            models.Index(fields=["organization", "appellant"], name="appeals_appellant_idx"),
        ]

    def __str__(self):
        return f"Appeal of {self.appellant} ({self.get_subject_display()})"

    @property
    def is_open(self) -> bool:
        return self.state != AppealState.CLOSED


def attachment_path(instance, filename: str) -> str:
    # Random names under the tenant's folder: the stored name never repeats nor reveals another's.
    return f"appeals/{instance.organization.public_id}/{uuid.uuid4().hex}/{filename}"


class AppealAttachment(TenantModel):
    """A file lodged with the grounds. Stored under MEDIA_ROOT, served only by the
    permission-checked download view (there is no public media URL)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "appeal"], name="appeals_attachment_appeal_idx")]

    def __str__(self):
        return self.original_name


class ExclusionReason(models.TextChoices):
    APPRAISEE = "appraisee", "The appellant"
    APPRAISING_OFFICER = "appraising_officer", "The appraising officer"
    COUNTERSIGNING_OFFICER = "countersigning_officer", "The countersigning officer"
    REPORTING_LINE = "reporting_line", "In the appellant's reporting line"


class AppealExclusion(TenantModel):
    """A member of the board who takes no part in this appeal, and why. Computed at routing."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="exclusions")
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=30, choices=ExclusionReason.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "employee"], name="appeals_exclusion_unique")]
        indexes = [models.Index(fields=["organization", "employee"], name="appeals_exclusion_emp_idx")]

    def __str__(self):
        return f"{self.employee}: {self.get_reason_display()}"


EVENT_LABELS = {
    "lodge": "Lodged the appeal",
    "route": "Sent the appeal to a board",
    "acknowledge": "Acknowledged the appeal",
    "start_review": "Started the review",
    "request_comments": "Asked for written comments",
    "respond": "Answered the board",
    "schedule_hearing": "Scheduled the hearing",
    "reschedule_hearing": "Moved the hearing",
    "decide": "Decided",
    "note": "Added an internal note",
    "acknowledge_outcome": "Acknowledged the outcome",
    "close": "Closed the appeal",
}


class AppealEvent(TenantModel):
    """Append-only: every step of an appeal, who took it and a note."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    # Events the appraisee may read on their timeline; board-only steps (an internal note
    # added, a question to the appraising officer) are not.
    visible_to_appellant = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "appeal", "created_at"], name="appeals_event_appeal_idx")]

    def __str__(self):
        return f"{self.appeal}: {self.action}"

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self.action, self.action.replace("_", " ").capitalize())


class AppealNote(TenantModel):
    """The board's internal note: never shown to the appellant or the appraising officer."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "appeal"], name="appeals_note_appeal_idx")]

    def __str__(self):
        return f"Note on {self.appeal}"


class Party(models.TextChoices):
    APPRAISING_OFFICER = "appraising_officer", "Appraising officer"
    APPELLANT = "appellant", "Appellant"


class CommentRequest(TenantModel):
    """The board asks a party (the appraising officer or the appellant) for written comments
    by a deadline; the party answers on the appeal's comments page."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="comment_requests")
    party = models.CharField(max_length=30, choices=Party.choices)
    addressee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    question = models.TextField()
    due_at = models.DateTimeField()
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Set when the "now due" reminder went out, so it goes once.
    due_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["organization", "appeal"], name="appeals_request_appeal_idx"),
            models.Index(
                fields=["organization", "due_at"],
                condition=models.Q(responded_at__isnull=True, due_reminder_sent_at__isnull=True),
                name="appeals_request_due_idx",
            ),
        ]

    def __str__(self):
        return f"Comments from {self.addressee} on {self.appeal}"

    @property
    def is_answered(self) -> bool:
        return self.responded_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.responded_at is None and self.due_at < timezone.now()
