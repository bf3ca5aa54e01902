"""Celery entry points of the cycles app: thin, they take ids and call services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from apps.tenancy.scoping import platform_unscoped
from apps.tenancy.tasks import TenantTask

from . import notices
from .models import Cycle
from .services.improvement_plans import due_reviews, review_reminders_send
from .services.launch import launch_failed, run_launch
from .services.phases import advance_cycle_when_due, due_cycles


@shared_task(base=TenantTask, name="cycles.launch_cycle", bind=True)
def launch_cycle(self, organization, cycle_id: int) -> int:
    cycle = Cycle.objects.select_related("period").get(pk=cycle_id)
    try:
        return run_launch(cycle)
    except Exception as error:
        launch_failed(cycle_id, error)
        raise


@shared_task(
    name="cycles.tick_phases",
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=True,
    max_retries=3,
)
def tick_phases() -> int:
    """Beat, every minute, platform-level: hand each cycle whose phase has ended, in any
    organisation, to its own tenant task. A tick after downtime finds everything that ended
    meanwhile; deadlines live in the database, never as ETAs in the broker."""
    due = due_cycles(timezone.now())
    for organization_id, cycle_id in dict.fromkeys(due):
        advance_cycle.delay(organization_id, cycle_id)
    return len(due)


@shared_task(base=TenantTask, name="cycles.advance_cycle", bind=True)
def advance_cycle(self, organization, cycle_id: int) -> int:
    """Step one cycle on through every phase that has ended (idempotent: a cycle that is not
    due, or that another worker holds, is left alone)."""
    return advance_cycle_when_due(cycle_id)


@shared_task(base=TenantTask, name="cycles.phase_opened", bind=True)
def phase_opened(self, organization, cycle_id: int, phase_kind: str) -> None:
    """Follow-up of a phase opening: notices. A phase the cycle has already left again (a
    catch-up stepped through it) is not announced: its news is stale."""
    cycle = Cycle.objects.select_related("organization").filter(pk=cycle_id).first()
    if cycle is None or cycle.current_phase != phase_kind:
        return
    notices.phase_opened(cycle=cycle, phase_kind=phase_kind)


@shared_task(
    name="cycles.remind_plan_reviews_tick",
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=True,
    max_retries=3,
)
def remind_plan_reviews_tick() -> int:
    """Beat: one task per organisation with improvement plans due for review and not reminded."""
    with platform_unscoped():
        organization_ids = list(
            due_reviews()
            .filter(organization__is_active=True)
            .values_list("organization_id", flat=True)
            .distinct()
            .order_by()
        )
    for organization_id in organization_ids:
        remind_plan_reviews.delay(organization_id)
    return len(organization_ids)


@shared_task(base=TenantTask, name="cycles.remind_plan_reviews", bind=True)
def remind_plan_reviews(self, organization) -> int:
    return review_reminders_send(organization)
