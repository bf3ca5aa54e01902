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


def test_every_model_with_an_organisation_is_a_scoped_tenant_model(db):
    """A new tenant-owned model that forgets the scoped manager fails here, not in production."""
    from django.apps import apps

    from apps.tenancy.models import Membership, TenantModel

    unscoped_by_design = {Membership}  # read before a tenant is known; always filtered by user or organisation
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if (
            "organization" not in fields
            or model in unscoped_by_design
            or model._meta.app_label == "tenancy"
            and model.__name__ == "Organization"
        ):
            continue
        assert issubclass(model, TenantModel), f"{model._meta.label} has an organisation but is not a TenantModel"
        with pytest.raises(ScopeError):
            model.objects.exists()
