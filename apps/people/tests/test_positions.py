import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.people.models import Position
from apps.people.services.catalogue import position_create, position_update
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def hr(org_a, alice):
    return Membership.objects.select_related("organization").get(organization=org_a, user=alice)


def _url(org, name, **kwargs):
    return reverse(f"people:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_it_creates_a_position_and_records_it(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        grade = factories.GradeFactory(organization=org_a)
        position = position_create(
            actor=alice, membership=hr, title="Accountant", code="ACC-1", unit=unit_a, grade=grade
        )
        assert (position.unit, position.grade) == (unit_a, grade)
        assert AuditEvent.objects.filter(action="position.created", object_id=position.public_id).exists()


def test_it_refuses_the_same_title_twice_in_one_unit(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        factories.PositionFactory(organization=org_a, unit=unit_a, title="Clerk")
        with pytest.raises(ValidationError) as caught:
            position_create(actor=alice, membership=hr, title="Clerk", unit=unit_a)
        assert "title" in caught.value.message_dict
        other_unit = factories.OrgUnitFactory(organization=org_a)
        assert position_create(actor=alice, membership=hr, title="Clerk", unit=other_unit).pk


def test_it_refuses_to_close_a_post_people_still_hold(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        post = factories.PositionFactory(organization=org_a, unit=unit_a, title="Driver")
        factories.EmployeeFactory(organization=org_a, unit=unit_a, position=post)
        with pytest.raises(ValidationError) as caught:
            position_update(actor=alice, membership=hr, position=post, title="Driver", unit=unit_a, is_active=False)
        assert "is_active" in caught.value.message_dict


def test_the_list_shows_holders_and_filters_by_unit_with_its_sub_units(alice_client, org_a, unit_a):
    with tenant_scope(org_a):
        finance = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Finance")
        payroll = factories.OrgUnitFactory(organization=org_a, parent=finance, name="Payroll")
        sales = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Sales")
        clerk = factories.PositionFactory(organization=org_a, unit=payroll, title="Payroll Clerk")
        factories.PositionFactory(organization=org_a, unit=sales, title="Sales Rep")
        factories.EmployeeFactory.create_batch(2, organization=org_a, unit=payroll, position=clerk)
    response = alice_client.get(_url(org_a, "position_list") + f"?unit={finance.public_id}")
    rows = list(response.context["page_obj"])
    assert [p.title for p in rows] == ["Payroll Clerk"]
    assert rows[0].holder_count == 2


def test_the_list_has_an_empty_state(alice_client, org_a):
    assert "No positions yet" in alice_client.get(_url(org_a, "position_list")).content.decode()


def test_a_bad_filter_value_is_ignored_not_a_500(alice_client, org_a):
    assert alice_client.get(_url(org_a, "position_list") + "?unit=not-a-uuid&page=x").status_code == 200


def test_hr_creates_and_edits_a_position_through_the_forms(alice_client, org_a, unit_a):
    form_page = alice_client.get(_url(org_a, "position_create") + f"?unit={unit_a.public_id}")
    assert form_page.context["form"].initial["unit"] == unit_a
    response = alice_client.post(
        _url(org_a, "position_create"), {"title": "Analyst", "unit": unit_a.public_id, "is_active": "on"}
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        position = Position.objects.get(title="Analyst")
    response = alice_client.post(
        _url(org_a, "position_edit", position_id=position.public_id),
        {"title": "Senior Analyst", "code": "AN-2", "unit": unit_a.public_id, "is_active": "on"},
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        position.refresh_from_db()
    assert (position.title, position.code) == ("Senior Analyst", "AN-2")
