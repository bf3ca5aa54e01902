"""Entering and leaving a tenant.

Everything that reads tenant data runs inside `tenant_scope(org)`: the middleware for
requests, the base task for Celery, and management commands explicitly. `platform_unscoped()`
is the one greppable way to read across tenants, for platform administration only.
"""

from contextlib import contextmanager

from django_scopes import scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import get_scope

# django-scopes 2.1 leaves a few queryset methods that run SQL unguarded outside a scope:
# exists() and friends would answer across tenants. Close them the same loud way.
for _method in ("exists", "contains", "in_bulk", "explain", "bulk_update"):
    setattr(DisabledQuerySet, _method, DisabledQuerySet.error)


@contextmanager
def tenant_scope(organization):
    if organization is None or getattr(organization, "pk", None) is None:
        # scope(organization=None) would silently mean "no filter": refuse it.
        raise ValueError("tenant_scope() needs a saved Organization")
    with scope(organization=organization):
        yield organization


@contextmanager
def platform_unscoped():
    """Read across tenants. Only for the platform admin and cross-tenant bookkeeping."""
    with scopes_disabled():
        yield


def current_organization():
    """The organisation of the active scope, or None outside one."""
    state = get_scope()
    if not state.get("_enabled", True):
        return None
    return state.get("organization")
