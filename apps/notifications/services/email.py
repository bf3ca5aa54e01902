"""E-mail for notifications. Placeholder plain-text sender; templates per event and personal
preferences replace it (issue 5)."""

from django.core.mail import send_mail
from django.utils import timezone

from ..models import EmailState, Notification


def send_emails(organization, notification_ids: list[int]) -> int:
    """Send each still-pending notification once; returns how many were sent."""
    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, email_state=EmailState.PENDING).select_related(
        "recipient"
    )
    for notification in pending:
        # Claim the row first, so a retried or duplicated task never sends the same mail twice.
        claimed = Notification.objects.filter(pk=notification.pk, email_state=EmailState.PENDING).update(
            email_state=EmailState.SENT, emailed_at=timezone.now()
        )
        if not claimed:
            continue
        if not notification.recipient.email:
            Notification.objects.filter(pk=notification.pk).update(email_state=EmailState.SKIPPED)
            continue
        send_mail(notification.title, notification.body or notification.title, None, [notification.recipient.email])
        sent += 1
    return sent
