"""The one way anything in the portal notifies people.

Callers build `Message`s (a recipient's user id, what happened, where to act) and hand them to
`notify_many` inside their own transaction: the notifications are written with one bulk
insert, and the e-mail goes out from a Celery task only once that transaction has committed.

`write_notifications` is the same for callers that must know the ids before the rows exist
(the reminder sweep links its log rows to them in the statement that allocates them): it takes
ids drawn from `ID_SEQUENCE` and writes every message in one INSERT … SELECT.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from apps.tenancy.bulk_insert import insert_from_select

from ..models import ESSENTIAL_KINDS, Notification


@dataclass(frozen=True)
class Message:
    recipient_id: int  # the user's id (accounts.User)
    kind: str  # models.Kind
    title: str
    url: str = ""
    body: str = ""


BATCH = 2000
# SQL expression for the next notification id (a sequence, so ids drawn and not used leave gaps only).
ID_SEQUENCE = f"nextval(pg_get_serial_sequence('{Notification._meta.db_table}', 'id'))"


def notify_many(*, organization, messages: Iterable[Message]) -> list[Notification]:
    """Write one notification per message (bulk) and queue their e-mail after commit."""
    rows = [
        Notification(
            organization=organization,
            recipient_id=message.recipient_id,
            kind=message.kind,
            title=message.title[:200],
            body=message.body,
            url=message.url[:500],
            essential=message.kind in ESSENTIAL_KINDS,
        )
        for message in messages
        if message.recipient_id
    ]
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows, batch_size=BATCH)
    queue_emails(organization.pk, [row.pk for row in created])
    return created


def write_notifications(*, organization, messages: Sequence[Message], ids: Sequence[int]) -> int:
    """Write messages[i] as notification ids[i] (ids from ID_SEQUENCE) in one statement and
    queue their e-mail after commit. Spares the model instances and per-value adaptation of
    bulk_create: the values travel as one array per column. Returns how many were written."""
    pairs = [(pk, message) for pk, message in zip(ids, messages, strict=True) if message.recipient_id]
    if not pairs:
        return 0
    written = insert_from_select(
        Notification,
        organization=organization,
        values={
            "id": "m.id",
            "recipient_id": "m.recipient_id",
            "kind": "m.kind",
            "title": "m.title",
            "body": "m.body",
            "url": "m.url",
            "essential": "m.essential",
        },
        from_sql="FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], "
        "%s::boolean[]) AS m(id, recipient_id, kind, title, body, url, essential)",
        params=[
            [pk for pk, _message in pairs],
            [message.recipient_id for _pk, message in pairs],
            [message.kind for _pk, message in pairs],
            [message.title[:200] for _pk, message in pairs],
            [message.body for _pk, message in pairs],
            [message.url[:500] for _pk, message in pairs],
            [message.kind in ESSENTIAL_KINDS for _pk, message in pairs],
        ],
    )
    queue_emails(organization.pk, [pk for pk, _message in pairs])
    return written


def queue_emails(organization_id: int, notification_ids: list[int]) -> None:
    """Queue the e-mail of these notifications once the current transaction commits (tasks of
    BATCH ids each); nothing is queued if it rolls back."""

    def queue():
        from ..tasks import send_notification_emails

        for start in range(0, len(notification_ids), BATCH):
            send_notification_emails.delay(organization_id, notification_ids[start : start + BATCH])

    transaction.on_commit(queue)


def notify(*, organization, message: Message) -> Notification | None:
    created = notify_many(organization=organization, messages=[message])
    return created[0] if created else None
