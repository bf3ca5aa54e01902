"""The tenant (Organization), who belongs to it (Membership), the base of every
tenant-owned model, and the audit trail every service writes to."""

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_scopes import ScopedManager


def _validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (for example Europe/London).")


def _validate_working_days(value):
    if not value or any(day not in "1234567" for day in value) or len(set(value)) != len(value):
        raise ValidationError("Choose at least one working day.")


class Organization(models.Model):
    """A tenant. Deliberately not scoped: it *is* the scope."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="Used in addresses: /o/<slug>/. Lowercase letters, digits, dashes."
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[_validate_time_zone])
    language = models.CharField(max_length=10, default="en", choices=settings.LANGUAGES)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Reminders wait while it is quiet in the organisation's time zone: between quiet_from and
    # quiet_until (across midnight when quiet_from is later) and on days that are not working
    # days (ISO weekday digits, 1 = Monday). Equal times mean no quiet hours.
    quiet_from = models.TimeField(default=datetime.time(19, 0))
    quiet_until = models.TimeField(default=datetime.time(8, 0))
    working_days = models.CharField(max_length=7, default="12345", validators=[_validate_working_days])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    HR_ADMIN = "hr_admin", "HR admin"
    MEMBER = "member", "Member"


class Membership(models.Model):
    """Ties a user to an organisation with a tenant-wide role.

    Not scoped by django-scopes: it is read before a tenant is known (sign-in, the
    organisation chooser). Every read filters by user or organisation explicitly.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="tenancy_membership_unique_user")]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    @property
    def is_hr_admin(self) -> bool:
        return self.role == Role.HR_ADMIN


class TenantModel(models.Model):
    """Base of every tenant-owned row.

    * `organization` on every row, so every index and constraint can lead with it.
    * `objects` refuses to query outside `django_scopes.scope(organization=...)` and filters
      by the active organisation inside one.
    * `public_id` is what URLs carry: random, so ids are neither guessable nor comparable
      across tenants.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        abstract = True


class AuditEvent(TenantModel):
    """Append-only record of who did what. Written by services, never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.UUIDField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["organization", "object_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.action} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"
