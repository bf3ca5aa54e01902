"""Who an appeal's steps tell, through apps/notifications (notify_many, inside the caller's
transaction: a step that rolls back notifies nobody). People without a login are skipped.

Notices never carry the board's internal notes; the appellant's link is the appeal page, an
addressee's link is the comments page (the only part of the appeal they may open)."""

from django.db.models import Exists, OuterRef

from apps.committees.models import CommitteeMember, MemberRole
from apps.notifications.models import Kind
from apps.notifications.services.notify import Message, notify_many
from apps.tenancy.selectors import hr_admin_user_ids
from apps.tenancy.urls_helpers import org_reverse

from .models import AppealExclusion


def appeal_path(appeal) -> str:
    return org_reverse("appeals:appeal_detail", appeal.organization, appeal_id=appeal.public_id)


def comments_path(appeal) -> str:
    return org_reverse("appeals:appeal_comments", appeal.organization, appeal_id=appeal.public_id)


def board_user_ids(appeal, *, leads_only: bool = False) -> list[int]:
    """The users of the board's members who sit on this appeal (the excluded left out)."""
    if appeal.board_id is None:
        return []
    seats = CommitteeMember.objects.filter(committee_id=appeal.board_id, employee__user__isnull=False).exclude(
        Exists(AppealExclusion.objects.filter(appeal=appeal, employee_id=OuterRef("employee_id")))
    )
    if leads_only:
        seats = seats.filter(role__in=(MemberRole.CHAIR, MemberRole.SECRETARY))
    return list(seats.values_list("employee__user_id", flat=True))


def _send(appeal, user_ids, title, body="", url=None, kind=Kind.APPEAL):
    url = appeal_path(appeal) if url is None else url
    notify_many(
        organization=appeal.organization,
        messages=[Message(recipient_id=uid, kind=kind, title=title, url=url, body=body) for uid in set(user_ids)],
    )


def lodged(appeal):
    who = appeal.appellant.full_name
    if appeal.board_id is None:
        _send(
            appeal, hr_admin_user_ids(appeal.organization), f"Unassigned appeal from {who}: no appeal board covers them"
        )
    else:
        _send(appeal, board_user_ids(appeal), f"New appeal for {appeal.board.name} from {who}")


def to_appellant(appeal, title, body=""):
    user_id = appeal.appellant.user_id
    if user_id:
        _send(appeal, [user_id], title, body)


def comments_requested(request):
    appeal = request.appeal
    user_id = request.addressee.user_id
    if user_id:
        due = request.due_at.strftime("%d %b %Y %H:%M")
        _send(
            appeal,
            [user_id],
            "The appeal board asks for your written comments",
            f"Please answer by {due}.",
            url=comments_path(appeal),
        )


def comments_due(requests):
    """The "now due" reminder for unanswered requests whose deadline has come (one message each)."""
    messages = [
        Message(
            recipient_id=r.addressee.user_id,
            kind=Kind.REMINDER,
            title="Your written comments for an appeal are due",
            url=comments_path(r.appeal),
            body=f"The board asked for them by {r.due_at:%d %b %Y %H:%M}.",
        )
        for r in requests
        if r.addressee.user_id
    ]
    if messages:
        notify_many(organization=requests[0].organization, messages=messages)


def comments_answered(request):
    appeal = request.appeal
    _send(
        appeal, board_user_ids(appeal, leads_only=True), f"{request.addressee.full_name} answered the board's request"
    )
