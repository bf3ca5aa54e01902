"""Celery side of reminders: a platform-level beat tick that hands each organisation with a
cycle under way to its own tenant task, which runs the sweep."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.cycles.models import Cycle, CycleStatus
from apps.tenancy.scoping import platform_unscoped
from apps.tenancy.tasks import TenantTask

from .services.reminders import sweep_reminders


@shared_task(
    name="notifications.sweep_reminders",
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=True,
    max_retries=3,
)
def sweep_reminders_tick() -> int:
    """Beat, every five minutes: one sweep task per organisation with an active cycle."""
    with platform_unscoped():
        organization_ids = list(
            Cycle.objects.filter(status=CycleStatus.ACTIVE, organization__is_active=True)
            .values_list("organization_id", flat=True)
            .distinct()
            .order_by()
        )
    for organization_id in organization_ids:
        remind_organization.delay(organization_id)
    return len(organization_ids)


@shared_task(base=TenantTask, name="notifications.remind_organization", bind=True)
def remind_organization(self, organization) -> int:
    """Send the organisation's due reminders (nothing in its quiet hours); returns how many."""
    return sweep_reminders(organization).sent
