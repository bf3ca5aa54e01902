"""Celery side of notifications: the e-mail that follows an in-app notification."""

from celery import shared_task

from apps.tenancy.tasks import TenantTask

from .services.email import send_emails


@shared_task(base=TenantTask, name="notifications.send_emails", bind=True)
def send_notification_emails(self, organization, notification_ids: list[int]) -> int:
    return send_emails(organization, notification_ids)


# Reminder tasks live in their own module; imported here so Celery's autodiscovery finds them.
from .tasks_reminders import remind_organization, sweep_reminders_tick  # noqa: E402, F401
