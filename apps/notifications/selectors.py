"""Reads behind the bell and the notifications page: a fixed number of queries each."""

from django.core.paginator import Paginator

from .models import Notification

PAGE_SIZE = 25
SHOW_CHOICES = ("all", "unread")


def mine(user):
    """The signed-in person's notifications in the current organisation (the scope adds it)."""
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    # One COUNT on the partial index of unread rows (organization, recipient) WHERE read_at IS NULL.
    return mine(user).filter(read_at__isnull=True).count()


def notifications_page(user, *, show: str, page):
    """One page of the person's notifications, newest first; `show` is "all" or "unread"."""
    rows = mine(user).only("public_id", "kind", "title", "body", "url", "created_at", "read_at", "essential")
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    return Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(page)
