"""Shared fixtures. Every test database holds two tenants, so every test can try the other.

Fixtures are built outside any tenant scope (like pretix's conftest): test bodies are not,
so a test that reads tenant data must enter `tenant_scope(org)` itself, as real code must.
"""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from apps.tenancy.models import Role
from apps.tests_support import factories
from apps.tests_support.browser import chromium
from apps.tests_support.celery_worker import celery_worker, celery_worker_factory  # noqa: F401  (fixtures)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    with scopes_disabled():
        return (yield)


@pytest.fixture
def org_a(db):
    return factories.OrganizationFactory(name="Alpha Works", slug="alpha")


@pytest.fixture
def org_b(db):
    return factories.OrganizationFactory(name="Beta Corp", slug="beta")


@pytest.fixture
def unit_a(org_a):
    return factories.OrgUnitFactory(organization=org_a, name="Alpha HQ", code="A-HQ")


@pytest.fixture
def unit_b(org_b):
    return factories.OrgUnitFactory(organization=org_b, name="Beta HQ", code="B-HQ")


@pytest.fixture
def alice(org_a, unit_a):
    """HR admin of tenant A, with an employee record there."""
    return factories.member(org_a, unit_a, role=Role.HR_ADMIN, email="alice@alpha.test", first_name="Alice")


@pytest.fixture
def bob(org_a, unit_a, alice):
    """Plain member of tenant A who reports to Alice."""
    return factories.member(org_a, unit_a, email="bob@alpha.test", first_name="Bob", manager=alice.employments.get())


@pytest.fixture
def charlie(org_b, unit_b):
    """HR admin of tenant B: should have no access to anything of tenant A."""
    return factories.member(org_b, unit_b, role=Role.HR_ADMIN, email="charlie@beta.test", first_name="Charlie")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def charlie_client(charlie):
    return _client_for(charlie)


@pytest.fixture
def browser(live_server):
    """Debian's Chromium for a browser test, with the live server running (tests_support/browser.py)."""
    with chromium() as browser:
        yield browser
