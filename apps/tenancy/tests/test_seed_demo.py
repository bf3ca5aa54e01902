from django.core.management import call_command

from apps.people.models import Employee, OrgUnit
from apps.tenancy.models import Membership, Organization, Role
from apps.tenancy.scoping import platform_unscoped


def _counts():
    with platform_unscoped():
        return Employee.objects.count(), OrgUnit.objects.count(), Membership.objects.count()


def test_demo_data_is_idempotent(db):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    acme = Organization.objects.get(slug="acme")
    with platform_unscoped():
        assert 55 <= Employee.objects.filter(organization=acme).count() <= 65
        assert OrgUnit.objects.filter(organization=acme).values("depth").distinct().count() == 3
        employee = Employee.objects.get(organization=acme, email="employee@acme.test")
        assert employee.manager.email == "manager@acme.test"
        assert employee.countersigning_officer is not None
    assert Membership.objects.get(organization=acme, user__email="hr@acme.test").role == Role.HR_ADMIN
    assert Membership.objects.filter(user__email="consultant@pmsys.test").count() == 2
