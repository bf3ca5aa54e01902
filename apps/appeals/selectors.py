"""Reads the appeal pages share, each list in a constant number of queries."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.committees.models import CommitteeKind, CommitteeMember

from .models import Appeal, AppealEvent, AppealState, CommentRequest
from .permissions import sits_on_q


def appeal_rows():
    """Appeals with what every list shows (appellant, unit, board, cycle) and whether the
    board waits on an overdue answer."""
    overdue = CommentRequest.objects.filter(
        appeal_id=OuterRef("pk"), responded_at__isnull=True, due_at__lt=timezone.now()
    )
    return Appeal.objects.select_related("appellant__unit", "board", "appraisal__cycle").annotate(
        has_overdue=Exists(overdue)
    )


def my_appeals(employee):
    return appeal_rows().filter(appellant=employee).order_by("-created_at", "-pk")


def board_queue(employee, *, include_closed: bool = False):
    """The appeals before the boards the person sits on (not the ones they are excluded from)."""
    rows = appeal_rows().filter(sits_on_q(employee))
    if not include_closed:
        rows = rows.exclude(state=AppealState.CLOSED)
    return rows.order_by("created_at", "pk")


def sits_on_a_board(employee) -> bool:
    """Whether the person holds a seat on an active appeal board (their queue is worth a link)."""
    if employee is None:
        return False
    return CommitteeMember.objects.filter(
        employee=employee, committee__kind=CommitteeKind.APPEAL_BOARD, committee__is_active=True
    ).exists()


def requests_to(employee):
    """Comment requests addressed to the person, unanswered first."""
    return (
        CommentRequest.objects.filter(addressee=employee)
        .select_related("appeal__appellant", "appeal__board")
        .order_by("responded_at", "due_at")
    )


def timeline(appeal, *, internal: bool):
    events = AppealEvent.objects.filter(appeal=appeal).select_related("actor")
    if not internal:
        events = events.filter(visible_to_appellant=True)
    return events.order_by("created_at", "pk")
