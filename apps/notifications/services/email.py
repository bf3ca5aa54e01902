"""The e-mail that follows a notification: per-kind HTML and plain-text templates
(templates/notifications/email/<kind>.html and .txt), in the organisation's language, with
an absolute link to the action, and the person's preference respected.

A batch is read in one query (notifications, recipients and whether each recipient turned
event e-mail off), claimed in the same transaction, then sent over one connection to the mail
server. Claiming first means a retried or duplicated task never sends the same mail twice:
a row leaves `pending` exactly once.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation

from ..models import EmailState, Notification, Preference

logger = logging.getLogger(__name__)


def _claim(notification_ids: list[int]) -> list[Notification]:
    """Lock the batch's pending rows, decide send or skip for each, and mark them so no other
    run takes them. Returns the rows to send."""
    turned_off = Preference.objects.filter(user_id=OuterRef("recipient_id"), email_non_essential=False)
    with transaction.atomic():
        rows = list(
            Notification.objects.filter(pk__in=notification_ids, email_state=EmailState.PENDING)
            .select_related("recipient")
            .annotate(email_off=Exists(turned_off))
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("pk")
        )
        to_send = [n for n in rows if n.recipient.email and n.recipient.is_active and (n.essential or not n.email_off)]
        sending = {n.pk for n in to_send}
        skipped = [n.pk for n in rows if n.pk not in sending]
        if skipped:
            Notification.objects.filter(pk__in=skipped).update(email_state=EmailState.SKIPPED)
        if sending:
            Notification.objects.filter(pk__in=sending).update(email_state=EmailState.SENT, emailed_at=timezone.now())
    return to_send


def _template(kind: str, extension: str):
    # A kind added later without its own templates still gets a plain, correct e-mail.
    return select_template([f"notifications/email/{kind}.{extension}", f"notifications/email/default.{extension}"])


def render_email(notification: Notification, organization) -> EmailMultiAlternatives:
    """The message for one notification, in the organisation's language and time zone."""
    site = settings.SITE_URL.rstrip("/")
    open_path = reverse(
        "notifications:open", kwargs={"org_slug": organization.slug, "notification_id": notification.public_id}
    )
    context = {
        "notification": notification,
        "organization": organization,
        "recipient": notification.recipient,
        # Through the notification, so following the e-mail's link marks it read too.
        "action_url": f"{site}{open_path}" if notification.url else "",
        "preferences_url": site + reverse("notifications:preferences", kwargs={"org_slug": organization.slug}),
        "site_url": site,
    }
    with translation.override(organization.language or "en"), timezone.override(organization.time_zone):
        text = _template(notification.kind, "txt").render(context)
        html = _template(notification.kind, "html").render(context)
    message = EmailMultiAlternatives(
        subject=" ".join(notification.title.split()),  # a header: no line breaks
        body=text,
        to=[notification.recipient.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def send_emails(organization, notification_ids: list[int]) -> int:
    """Send each still-pending notification of the batch once; returns how many were sent."""
    to_send = _claim(notification_ids)
    if not to_send:
        return 0
    messages = [(n, render_email(n, organization)) for n in to_send]
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        # Nothing went out: hand the batch back so the task's retry sends it.
        Notification.objects.filter(pk__in=[n.pk for n in to_send]).update(
            email_state=EmailState.PENDING, emailed_at=None
        )
        raise
    sent, failed = 0, []
    try:
        for notification, message in messages:
            try:
                sent += connection.send_messages([message]) or 0
            except Exception:
                # The server may have taken part of it: mark it failed rather than risk a second copy.
                logger.exception("Notification e-mail %s to user %s failed", notification.pk, notification.recipient_id)
                failed.append(notification.pk)
    finally:
        connection.close()
    if failed:
        Notification.objects.filter(pk__in=failed).update(email_state=EmailState.FAILED)
    return sent
