"""The one way anything in the portal notifies people.

Callers build `Message`s (a recipient's user id, what happened, where to act) and hand them to
`notify_many` inside their own transaction: the notifications are written with one bulk
insert, and the e-mail goes out from a Celery task only once that transaction has committed.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from ..models import ESSENTIAL_KINDS, Notification


@dataclass(frozen=True)
class Message:
    recipient_id: int  # the user's id (accounts.User)
    kind: str  # models.Kind
    title: str
    url: str = ""
    body: str = ""


BATCH = 2000


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
    ids = [row.pk for row in created]
    organization_id = organization.pk

    def queue_email():
        from ..tasks import send_notification_emails

        for start in range(0, len(ids), BATCH):
            send_notification_emails.delay(organization_id, ids[start : start + BATCH])

    transaction.on_commit(queue_email)
    return created


def notify(*, organization, message: Message) -> Notification | None:
    created = notify_many(organization=organization, messages=[message])
    return created[0] if created else None
