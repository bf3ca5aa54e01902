"""Tenant-wide rights. Object rights live in each app's own permissions module."""

from django.core.exceptions import PermissionDenied

from .models import Membership


def is_hr_admin(membership: Membership | None) -> bool:
    return bool(membership and membership.is_active and membership.is_hr_admin)


def require_hr_admin(membership: Membership | None) -> None:
    if not is_hr_admin(membership):
        raise PermissionDenied("Only HR admins of this organisation may do this.")
