"""Celery side of appeals: the "comments now due" reminders, swept per organisation."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.tenancy.scoping import platform_unscoped
from apps.tenancy.tasks import TenantTask

from .services.comments import comment_reminders_send, due_requests


@shared_task(
    name="appeals.remind_comments_tick",
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=True,
    max_retries=3,
)
def remind_comments_tick() -> int:
    """Beat: one task per organisation that has comments due and not yet reminded."""
    with platform_unscoped():
        organization_ids = list(
            due_requests()
            .filter(organization__is_active=True)
            .values_list("organization_id", flat=True)
            .distinct()
            .order_by()
        )
    for organization_id in organization_ids:
        remind_comments.delay(organization_id)
    return len(organization_ids)


@shared_task(base=TenantTask, name="appeals.remind_comments", bind=True)
def remind_comments(self, organization) -> int:
    return comment_reminders_send(organization)
