"""A person reading their own notifications.

No audit events here, on purpose: reading touches only the reader's own inbox, changes nothing
anyone else sees or relies on, and happens on every click — an audit row per read would bury
the events that matter. `read_at` on the row is the record of it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..models import Notification


def mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (already read: left as it was)."""
    if notification.recipient_id != actor.pk:
        # Views look notifications up among the reader's own; this keeps the service honest too.
        raise PermissionDenied("Only its recipient reads a notification.")
    if notification.read_at is None:
        now = timezone.now()
        # Only an unread row is touched, so two tabs opening it keep the first time it was read.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor in the current organisation read."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
