import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.people.models import OrgUnit, UnitKind
from apps.people.services.units import unit_create, unit_update
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def hr(org_a, alice):
    return Membership.objects.select_related("organization").get(organization=org_a, user=alice)


def _create(hr, alice, **fields):
    data = {"code": "FIN", "name": "Finance", "kind": UnitKind.DEPARTMENT, **fields}
    return unit_create(actor=alice, membership=hr, **data)


def test_it_creates_a_unit_under_its_parent_with_a_path(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        unit = _create(hr, alice, parent=unit_a)
        unit.refresh_from_db()
        assert unit.path == unit_a.path + f"{unit.pk:010d}/"
        assert unit.depth == 1
        assert AuditEvent.objects.filter(action="unit.created", object_id=unit.public_id, actor=alice).exists()


def test_it_refuses_a_duplicate_code_at_the_code_field(org_a, unit_a, alice, hr):
    with tenant_scope(org_a), pytest.raises(ValidationError) as caught:
        _create(hr, alice, code=unit_a.code)
    assert "code" in caught.value.message_dict


def test_the_same_code_is_fine_in_another_organisation(org_a, org_b, unit_b, alice, hr):
    with tenant_scope(org_a):
        unit = _create(hr, alice, code=unit_b.code)
    assert unit.pk


def test_it_refuses_to_put_a_unit_under_its_own_child(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        child = _create(hr, alice, parent=unit_a)
        with pytest.raises(ValidationError) as caught:
            unit_update(
                actor=alice,
                membership=hr,
                unit=unit_a,
                code=unit_a.code,
                name=unit_a.name,
                kind=unit_a.kind,
                parent=child,
            )
        assert "parent" in caught.value.message_dict
        unit_a.refresh_from_db()
        assert unit_a.parent_id is None


def test_moving_a_unit_moves_its_subtree(org_a, unit_a, alice, hr):
    with tenant_scope(org_a):
        division = _create(hr, alice, code="DIV", name="Division")
        team = _create(hr, alice, code="TEAM", name="Team", parent=division)
        unit_update(
            actor=alice,
            membership=hr,
            unit=division,
            code="DIV",
            name="Division",
            kind=UnitKind.DIVISION,
            parent=unit_a,
        )
        team.refresh_from_db()
        division.refresh_from_db()
        assert team.path.startswith(unit_a.path + division.path[-11:])
        assert (division.depth, team.depth) == (1, 2)
        event = AuditEvent.objects.get(action="unit.updated", object_id=division.public_id)
        assert event.changes["parent"] == [None, unit_a.name]


def test_it_refuses_to_close_a_unit_that_still_has_people(org_a, unit_a, alice, hr):
    with tenant_scope(org_a), pytest.raises(ValidationError) as caught:
        unit_update(
            actor=alice,
            membership=hr,
            unit=unit_a,
            code=unit_a.code,
            name=unit_a.name,
            kind=unit_a.kind,
            is_active=False,
        )
    assert "is_active" in caught.value.message_dict


def test_a_member_cannot_create_units(org_a, bob):
    member = Membership.objects.select_related("organization").get(organization=org_a, user=bob)
    with tenant_scope(org_a), pytest.raises(PermissionDenied):
        _create(member, bob)


# --- Pages ----------------------------------------------------------------------------------


def _url(org, name, **kwargs):
    return reverse(f"people:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_hr_creates_a_unit_through_the_form(alice_client, org_a, unit_a):
    response = alice_client.post(
        _url(org_a, "unit_create"),
        {"code": "OPS", "name": "Operations", "kind": "division", "parent": unit_a.public_id, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Unit “Operations” created." in response.content.decode()
    with tenant_scope(org_a):
        unit = OrgUnit.objects.get(code="OPS")
        assert unit.parent == unit_a and unit.depth == 1


def test_a_duplicate_code_is_shown_at_the_field_not_a_500(alice_client, org_a, unit_a):
    response = alice_client.post(_url(org_a, "unit_create"), {"code": unit_a.code, "name": "Again", "kind": "team"})
    assert response.status_code == 200
    assert "already uses the code" in str(response.context["form"].errors["code"])


def test_the_edit_form_offers_no_parent_inside_the_units_own_subtree(alice_client, org_a, unit_a):
    with tenant_scope(org_a):
        child = factories.OrgUnitFactory(organization=org_a, parent=unit_a)
    response = alice_client.get(_url(org_a, "unit_edit", orgunit_id=unit_a.public_id))
    choices = list(response.context["form"].fields["parent"].queryset)
    assert unit_a not in choices and child not in choices
    response = alice_client.post(
        _url(org_a, "unit_edit", orgunit_id=unit_a.public_id),
        {"code": unit_a.code, "name": unit_a.name, "kind": unit_a.kind, "parent": child.public_id, "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]


def test_the_unit_tree_lists_units_in_tree_order_with_heads_and_counts(alice_client, org_a, unit_a, alice, bob):
    with tenant_scope(org_a):
        unit_a.head = alice.employments.get()
        unit_a.save()
        finance = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Finance")
        factories.EmployeeFactory(organization=org_a, unit=finance)
        factories.OrgUnitFactory(organization=org_a, parent=finance, name="Payroll")
    response = alice_client.get(_url(org_a, "unit_list"))
    html = response.content.decode()
    assert html.index("Alpha HQ") < html.index("Finance") < html.index("Payroll")
    assert "Alice Example" in html
    assert "(3 in total)" in html  # alice and bob in HQ, one more in Finance


def test_inactive_units_are_hidden_until_asked_for(alice_client, org_a, unit_a):
    with tenant_scope(org_a):
        factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Closed Office", is_active=False)
    assert "Closed Office" not in alice_client.get(_url(org_a, "unit_list")).content.decode()
    assert "Closed Office" in alice_client.get(_url(org_a, "unit_list") + "?inactive=1").content.decode()


def test_a_unit_page_shows_its_ancestors_sub_units_positions_and_people(alice_client, org_a, unit_a, bob):
    with tenant_scope(org_a):
        division = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Division One")
        section = factories.OrgUnitFactory(organization=org_a, parent=division, name="Section Nine")
        factories.OrgUnitFactory(organization=org_a, parent=section, name="Tiny Team")
        factories.PositionFactory(organization=org_a, unit=section, title="Section Clerk")
        factories.EmployeeFactory(organization=org_a, unit=section, first_name="Sam", last_name="Section")
    response = alice_client.get(_url(org_a, "unit_detail", orgunit_id=section.public_id))
    assert [u.name for u in response.context["ancestors"]] == ["Alpha HQ", "Division One"]
    html = response.content.decode()
    for text in ("Tiny Team", "Section Clerk", "Sam Section"):
        assert text in html
