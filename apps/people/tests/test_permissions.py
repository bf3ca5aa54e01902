"""Who may open which people page: alice (HR admin) everything, bob (member) only the org
chart, charlie (HR admin of another tenant) nothing of tenant A."""

import pytest
from django.urls import reverse

from apps.people.permissions import can_manage_people, can_view_org_chart
from apps.tenancy.models import Membership
from apps.tests_support import factories


@pytest.fixture
def objects(org_a, unit_a, alice, bob):
    staff_class = factories.StaffClassFactory(organization=org_a)
    grade = factories.GradeFactory(organization=org_a, staff_class=staff_class)
    position = factories.PositionFactory(organization=org_a, unit=unit_a, grade=grade)
    return {
        "orgunit_id": unit_a.public_id,
        "staffclass_id": staff_class.public_id,
        "grade_id": grade.public_id,
        "position_id": position.public_id,
        "employee_id": bob.employments.get().public_id,
    }


HR_PAGES = [
    ("people:unit_list", ()),
    ("people:unit_create", ()),
    ("people:unit_detail", ("orgunit_id",)),
    ("people:unit_edit", ("orgunit_id",)),
    ("people:position_list", ()),
    ("people:position_create", ()),
    ("people:position_edit", ("position_id",)),
    ("people:grade_list", ()),
    ("people:grade_create", ()),
    ("people:grade_edit", ("grade_id",)),
    ("people:staff_class_create", ()),
    ("people:staff_class_edit", ("staffclass_id",)),
    ("people:employee_list", ()),
    ("people:employee_create", ()),
    ("people:employee_detail", ("employee_id",)),
    ("people:employee_edit", ("employee_id",)),
    ("people:employee_deactivate", ("employee_id",)),
    ("people:employee_reactivate", ("employee_id",)),
]
CHART_PAGES = [("people:org_chart", ()), ("people:org_chart_unit", ("orgunit_id",))]


def _url(name, args, org, objects):
    return reverse(name, kwargs={"org_slug": org.slug, **{arg: objects[arg] for arg in args}})


@pytest.mark.parametrize(("name", "args"), HR_PAGES)
def test_hr_admin_opens_every_hr_page(alice_client, org_a, objects, name, args):
    assert alice_client.get(_url(name, args, org_a, objects)).status_code == 200


@pytest.mark.parametrize(("name", "args"), HR_PAGES)
def test_a_member_gets_403_on_hr_pages_for_get_and_post(bob_client, org_a, objects, name, args):
    url = _url(name, args, org_a, objects)
    assert bob_client.get(url).status_code == 403
    assert bob_client.post(url, {"code": "X", "name": "X"}).status_code == 403


@pytest.mark.parametrize(("name", "args"), HR_PAGES + CHART_PAGES)
def test_another_tenant_gets_404(charlie_client, org_a, objects, name, args):
    assert charlie_client.get(_url(name, args, org_a, objects)).status_code == 404


@pytest.mark.parametrize(("name", "args"), CHART_PAGES)
def test_every_member_reads_the_org_chart(bob_client, alice_client, org_a, objects, name, args):
    url = _url(name, args, org_a, objects)
    assert bob_client.get(url).status_code == 200
    assert alice_client.get(url).status_code == 200


def test_the_rules(org_a, alice, bob):
    hr = Membership.objects.get(organization=org_a, user=alice)
    member = Membership.objects.get(organization=org_a, user=bob)
    assert can_manage_people(hr) and can_view_org_chart(hr)
    assert not can_manage_people(member) and can_view_org_chart(member)
    member.is_active = False
    assert not can_view_org_chart(member)
    assert not can_manage_people(None) and not can_view_org_chart(None)
