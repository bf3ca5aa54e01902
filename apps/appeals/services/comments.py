"""The board asks the appraising officer and/or the appellant for written comments by a deadline;
they answer on the appeal's comments page. The addressee is told when asked, and reminded once
when the deadline comes and the answer is still missing (comment_reminders_send, run by a
Celery tick per organisation); an unanswered request past its deadline shows as overdue."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.tenancy import audit

from .. import notices
from ..models import Appeal, AppealState, CommentRequest, Party
from ..permissions import Action
from .steps import locked, record_event

S = AppealState


@transaction.atomic
def comments_request(
    *, actor, employee, membership, appeal: Appeal, parties, question: str, due_at: datetime.datetime | None
) -> list[CommentRequest]:
    """Ask each of `parties` (Party values) the question by `due_at`; an acknowledged appeal
    moves under review."""
    appeal, _ = locked(
        appeal,
        employee=employee,
        membership=membership,
        action=Action.REQUEST_COMMENTS,
        message="Only the board's chair or secretary asks the parties for comments.",
    )
    parties = [p for p in (parties or []) if p in Party.values]
    if not parties:
        raise ValidationError({"parties": "Choose whom to ask: the appraising officer, the appellant or both."})
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Write what the board wants them to comment on."})
    if due_at is None:
        raise ValidationError({"due_at": "Give the deadline for the comments."})
    if due_at <= timezone.now():
        raise ValidationError({"due_at": "The deadline must be in the future."})
    addressees = {
        Party.APPELLANT: appeal.appellant_id,
        Party.APPRAISING_OFFICER: appeal.appraisal.appraising_officer_id,
    }
    if Party.APPRAISING_OFFICER in parties and addressees[Party.APPRAISING_OFFICER] is None:
        raise ValidationError({"parties": "This appraisal has no appraising officer to ask."})
    requests = [
        CommentRequest.objects.create(
            organization_id=appeal.organization_id,
            appeal=appeal,
            party=party,
            addressee_id=addressees[party],
            question=question,
            due_at=due_at,
            requested_by=actor,
        )
        for party in parties
    ]
    asked = " and ".join(Party(p).label.lower() for p in parties)
    when = timezone.localtime(due_at).strftime("%d %B %Y, %H:%M")
    # The appellant sees that comments were asked of them; what the officer is asked stays the board's.
    visible = Party.APPELLANT in parties
    if appeal.state == S.ACKNOWLEDGED:
        appeal.state = S.UNDER_REVIEW
        appeal.save(update_fields=["state", "updated_at"])
        record_event(
            appeal, actor, "request_comments", S.ACKNOWLEDGED, f"Comments asked of the {asked} by {when}", visible
        )
    else:
        record_event(
            appeal, actor, "request_comments", appeal.state, f"Comments asked of the {asked} by {when}", visible
        )
    audit.record(
        organization=appeal.organization,
        actor=actor,
        action="appeal.request_comments",
        obj=appeal,
        summary=f"Comments asked of the {asked} by {when}",
    )
    for request in CommentRequest.objects.filter(pk__in=[r.pk for r in requests]).select_related(
        "appeal__organization", "addressee"
    ):
        notices.comments_requested(request)
    return requests


@transaction.atomic
def comments_respond(*, actor, employee, membership, request: CommentRequest, response: str) -> CommentRequest:
    """The addressee answers (once; the board reads the answer as given)."""
    request = (
        CommentRequest.objects.select_for_update(of=("self",)).select_related("appeal", "addressee").get(pk=request.pk)
    )
    if employee is None or request.addressee_id != employee.pk:
        raise PermissionDenied("Only the person asked answers this request.")
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=request.appeal_id)
    if appeal.state not in (S.UNDER_REVIEW, S.HEARING_SCHEDULED):
        raise ValidationError({"__all__": "The board is no longer taking comments on this appeal."})
    if request.responded_at is not None:
        raise ValidationError({"__all__": "You have already answered this request."})
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": "Write your comments."})
    request.response, request.responded_at = response, timezone.now()
    request.save(update_fields=["response", "responded_at"])
    record_event(
        appeal,
        actor,
        "respond",
        appeal.state,
        f"{request.get_party_display()} answered",
        visible_to_appellant=request.party == Party.APPELLANT,
    )
    audit.record(
        organization=appeal.organization,
        actor=actor,
        action="appeal.respond",
        obj=appeal,
        summary=f"Comments from the {request.get_party_display().lower()}",
    )
    request.appeal = appeal
    notices.comments_answered(request)
    return request


def due_requests(now=None):
    now = now or timezone.now()
    return CommentRequest.objects.filter(
        due_at__lte=now,
        responded_at__isnull=True,
        due_reminder_sent_at__isnull=True,
        appeal__state__in=(S.UNDER_REVIEW, S.HEARING_SCHEDULED),
    )


@transaction.atomic
def comment_reminders_send(organization, now=None) -> int:
    """Remind once every addressee whose comments are due and missing; returns how many.
    The rows are claimed with SKIP LOCKED, so two overlapping runs never remind twice."""
    now = now or timezone.now()
    requests = list(
        due_requests(now)
        .select_for_update(of=("self",), skip_locked=True)
        .select_related("appeal__organization", "addressee", "organization")
        .order_by("pk")
    )
    if not requests:
        return 0
    CommentRequest.objects.filter(pk__in=[r.pk for r in requests]).update(due_reminder_sent_at=now)
    notices.comments_due(requests)
    return len(requests)


def addressed_to(employee, appeal: Appeal):
    """The comment requests of `appeal` addressed to this person."""
    if employee is None:
        return CommentRequest.objects.none()
    return CommentRequest.objects.filter(appeal=appeal, addressee=employee)


__all__ = ["addressed_to", "comment_reminders_send", "comments_request", "comments_respond", "due_requests"]
