import pytest
from django.urls import reverse

from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def tree(org_a, unit_a, alice, bob):
    """HQ (head: Alice) > Operations (head: Olly) > Depot > Night shift."""
    with tenant_scope(org_a):
        unit_a.head = alice.employments.get()
        unit_a.save()
        operations = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Operations")
        olly = factories.EmployeeFactory(organization=org_a, unit=operations, first_name="Olly", last_name="Ops")
        operations.head = olly
        operations.save()
        depot = factories.OrgUnitFactory(organization=org_a, parent=operations, name="Depot")
        factories.EmployeeFactory(organization=org_a, unit=depot, first_name="Dana", last_name="Depot")
        night = factories.OrgUnitFactory(organization=org_a, parent=depot, name="Night shift")
        factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Old Office", is_active=False)
        return {"operations": operations, "depot": depot, "night": night, "olly": olly}


def _chart(client, org):
    return client.get(reverse("people:org_chart", kwargs={"org_slug": org.slug}))


def _unit(client, org, unit, **headers):
    return client.get(
        reverse("people:org_chart_unit", kwargs={"org_slug": org.slug, "orgunit_id": unit.public_id}), **headers
    )


def test_a_member_sees_the_top_of_the_tree_with_heads_and_counts(bob_client, org_a, tree):
    html = _chart(bob_client, org_a).content.decode()
    assert "Alpha HQ" in html and "Alice Example" in html
    assert "Operations" in html and "Olly Ops" in html
    assert "4 people" in html  # alice, bob, olly, dana: the whole tree under HQ
    assert "Old Office" not in html
    assert "Night shift" not in html  # deeper levels load on demand


def test_names_are_links_to_records_only_for_hr(bob_client, alice_client, org_a, tree):
    olly_url = reverse("people:employee_detail", kwargs={"org_slug": org_a.slug, "employee_id": tree["olly"].public_id})
    assert olly_url not in _chart(bob_client, org_a).content.decode()
    assert olly_url in _chart(alice_client, org_a).content.decode()
    assert olly_url not in _unit(bob_client, org_a, tree["operations"]).content.decode()
    assert olly_url in _unit(alice_client, org_a, tree["operations"]).content.decode()


def test_the_show_sub_units_link_works_with_and_without_htmx(bob_client, org_a, tree):
    operations_url = reverse(
        "people:org_chart_unit", kwargs={"org_slug": org_a.slug, "orgunit_id": tree["operations"].public_id}
    )
    html = _chart(bob_client, org_a).content.decode()
    assert f'href="{operations_url}"' in html and f'hx-get="{operations_url}"' in html
    assert "Show 1 sub-unit" in html
    fragment = _unit(bob_client, org_a, tree["operations"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Depot" in fragment and "Night shift" not in fragment
    assert "Show 1 sub-unit" in fragment  # Depot's own children load on demand too
    page = _unit(bob_client, org_a, tree["depot"]).content.decode()
    assert "<html" in page and "Night shift" in page and "Dana Depot" in page


def test_a_unit_page_shows_breadcrumbs_head_sub_units_and_people(bob_client, org_a, tree):
    response = _unit(bob_client, org_a, tree["operations"])
    html = response.content.decode()
    assert [unit.name for unit in response.context["ancestors"]] == ["Alpha HQ"]
    assert "Olly Ops" in html and "Depot" in html
    assert "Head of unit" in html


def test_an_empty_chart_says_so(bob_client, org_a, unit_a, bob):
    with tenant_scope(org_a):
        unit_a.is_active = False
        unit_a.save()
    assert "The org chart is empty" in _chart(bob_client, org_a).content.decode()


def test_another_tenant_cannot_see_a_unit(charlie_client, org_a, tree):
    assert _unit(charlie_client, org_a, tree["depot"]).status_code == 404
