"""Celery entry points of the cycles app: thin, they take ids and call services."""

from celery import shared_task

from apps.tenancy.tasks import TenantTask

from .models import Cycle
from .services.launch import launch_failed, run_launch


@shared_task(base=TenantTask, name="cycles.launch_cycle", bind=True)
def launch_cycle(self, organization, cycle_id: int) -> int:
    cycle = Cycle.objects.select_related("period").get(pk=cycle_id)
    try:
        return run_launch(cycle)
    except Exception as error:
        launch_failed(cycle_id, error)
        raise
