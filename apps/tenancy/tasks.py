"""The base of every tenant task.

A task that touches tenant data takes the organisation's id as its first argument; the
base class loads the organisation outside any scope, refuses to run without one, and runs
the task body inside `tenant_scope(organization)` and the organisation's time zone — the
same rules a request follows (dates in notices read as the organisation's local time).
Tasks take ids, never model instances, and retry with backoff on transient errors.
"""

from celery import Task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .models import Organization
from .scoping import platform_unscoped, tenant_scope


class TenantTask(Task):
    abstract = True
    autoretry_for = (OperationalError, InterfaceError, ConnectionError)
    retry_backoff = True
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5

    def __call__(self, organization_id, *args, **kwargs):
        if not organization_id:
            raise ValueError(f"{self.name} needs the organisation's id as its first argument")
        with platform_unscoped():
            organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
        if organization is None:
            # The organisation was removed or switched off since the task was queued.
            return None
        with tenant_scope(organization), timezone.override(organization.time_zone):
            return super().__call__(organization, *args, **kwargs)
