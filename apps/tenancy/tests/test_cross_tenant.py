"""Tenancy can never leak: every tenant URL of the project, tried by another tenant.

The URL patterns are discovered, not listed, so a new view joins this test by existing.
Object arguments must be named `<model_name>_id` after a tenant model, and the model needs a
`<Model>Factory` in apps/tests_support/factories.py so the test can make one for tenant A.
"""

import hashlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from apps.tenancy.models import TenantModel
from apps.tenancy.scoping import platform_unscoped, tenant_scope
from apps.tests_support import factories

from .url_walk import all_routes, tenant_routes

# Non-object arguments some routes take, with a value valid for any tenant.
PLAIN_ARGUMENTS = {"kind": "employees"}


def _tenant_models():
    return {f"{model._meta.model_name}_id": model for model in apps.get_models() if issubclass(model, TenantModel)}


def _object_of(model, organization):
    """An object of `model` in `organization`: an existing one, else one from its factory."""
    with tenant_scope(organization):
        existing = model.objects.first()
        if existing is not None:
            return existing
        factory = getattr(factories, f"{model.__name__}Factory", None)
        assert factory is not None, (
            f"Add {model.__name__}Factory to apps/tests_support/factories.py so the cross-tenant test can try its URLs."
        )
        return factory(organization=organization)


def _kwargs(route, organization, objects_by_kwarg):
    kwargs = {"org_slug": organization.slug}
    for name in route.kwargs:
        if name == "org_slug":
            continue
        if name in objects_by_kwarg:
            kwargs[name] = objects_by_kwarg[name].public_id
        else:
            assert name in PLAIN_ARGUMENTS, f"{route.name}: add a sample value for argument {name!r} to PLAIN_ARGUMENTS"
            kwargs[name] = PLAIN_ARGUMENTS[name]
    return kwargs


def _fingerprint():
    """A digest of every tenant row: any write by the intruder changes it."""
    digest = hashlib.sha256()
    with platform_unscoped():
        for model in sorted(set(_tenant_models().values()), key=lambda m: m._meta.label):
            rows = list(model.objects.order_by("pk").values())
            digest.update(json.dumps(rows, default=str, sort_keys=True).encode())
    return digest.hexdigest()


@pytest.fixture
def tenant_a_objects(org_a, alice, bob):
    return {kwarg: _object_of(model, org_a) for kwarg, model in _tenant_models().items()}


def test_every_object_argument_names_a_tenant_model():
    known = _tenant_models()
    for route in all_routes():
        if route.name.startswith("admin:"):
            continue  # the platform admin's own URLs, for superusers only
        for name in route.object_kwargs:
            assert name in known, f"{route.name}: URL argument {name!r} is not <model_name>_id of a tenant model"
            assert "org_slug" in route.kwargs, f"{route.name}: object URLs must live under /o/<org_slug>/"


def test_there_are_tenant_routes_to_check():
    assert len(tenant_routes()) >= 10


def test_another_tenants_objects_answer_404(charlie_client, org_a, org_b, tenant_a_objects):
    """Charlie, HR admin of tenant B, puts tenant A's ids into tenant B's URLs."""
    before = _fingerprint()
    checked = 0
    for route in tenant_routes():
        if not route.object_kwargs:
            continue
        url = reverse(route.name, kwargs=_kwargs(route, org_b, tenant_a_objects))
        for method in ("get", "post"):
            response = getattr(charlie_client, method)(url, {"confirm": "1"})
            assert response.status_code in (404, 405), (
                f"{method.upper()} {url} ({route.name}) gave {response.status_code}"
            )
        checked += 1
    assert checked > 0
    assert _fingerprint() == before, "a request with another tenant's ids changed tenant A's data"


def test_another_tenants_pages_answer_404(charlie_client, org_a, tenant_a_objects):
    """Charlie is not a member of tenant A: every page of A is a 404, never a 403."""
    before = _fingerprint()
    for route in tenant_routes():
        url = reverse(route.name, kwargs=_kwargs(route, org_a, tenant_a_objects))
        for method in ("get", "post"):
            response = getattr(charlie_client, method)(url, {"confirm": "1"})
            assert response.status_code == 404, f"{method.upper()} {url} ({route.name}) gave {response.status_code}"
    assert _fingerprint() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, org_a, tenant_a_objects):
    for route in tenant_routes():
        url = reverse(route.name, kwargs=_kwargs(route, org_a, tenant_a_objects))
        response = client.get(url)
        assert response.status_code == 302, f"{url} gave {response.status_code}"
        assert response["Location"].startswith(reverse("accounts:login"))


def test_an_inactive_organisation_is_closed_to_its_members(alice_client, org_a):
    org_a.is_active = False
    org_a.save()
    assert alice_client.get(reverse("dashboard", kwargs={"org_slug": org_a.slug})).status_code == 404
