import pytest
from celery import shared_task

from apps.people.models import Employee
from apps.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, name="tests.count_employees")
def count_employees(organization):
    return organization.slug, Employee.objects.count()


def test_a_tenant_task_runs_inside_its_organisation(alice, bob, charlie, org_a, org_b):
    # Called synchronously: the scoping is the base class's, whatever the transport.
    assert count_employees(org_a.pk) == ("alpha", 2)
    assert count_employees(org_b.pk) == ("beta", 1)


def test_a_tenant_task_refuses_to_run_without_an_organisation(db):
    with pytest.raises(ValueError, match="needs the organisation"):
        count_employees(None)


def test_a_task_for_an_inactive_organisation_does_nothing(org_a):
    org_a.is_active = False
    org_a.save()
    assert count_employees(org_a.pk) is None
