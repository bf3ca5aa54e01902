import pytest
from django_scopes.exceptions import ScopeError

from apps.people.models import Employee
from apps.tenancy.scoping import tenant_scope


def test_tenant_models_refuse_queries_outside_a_scope(alice):
    with pytest.raises(ScopeError):
        list(Employee.objects.all())


def test_a_scope_sees_only_its_own_tenant(alice, charlie, org_a, org_b):
    with tenant_scope(org_a):
        assert list(Employee.objects.values_list("email", flat=True)) == ["alice@alpha.test"]
    with tenant_scope(org_b):
        assert list(Employee.objects.values_list("email", flat=True)) == ["charlie@beta.test"]


def test_a_scope_needs_a_saved_organisation(db):
    with pytest.raises(ValueError), tenant_scope(None):
        pass
