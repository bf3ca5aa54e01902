import pytest
from django.conf import settings
from django.urls import reverse

from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def people(org_a, unit_a, alice, bob):
    """A small organisation: HQ > Finance > Payroll, and Sales beside Finance."""
    with tenant_scope(org_a):
        finance = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Finance")
        payroll = factories.OrgUnitFactory(organization=org_a, parent=finance, name="Payroll")
        sales = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Sales")
        grade = factories.GradeFactory(organization=org_a, code="G9")
        post = factories.PositionFactory(organization=org_a, unit=payroll, title="Payroll Clerk")
        manager = alice.employments.get()
        return {
            "finance": finance,
            "sales": sales,
            "grade": grade,
            "fiona": factories.EmployeeFactory(
                organization=org_a,
                unit=finance,
                first_name="Fiona",
                last_name="Fields",
                staff_number="F-100",
                email="fiona@alpha.test",
                manager=manager,
                grade=grade,
                position=post,
            ),
            "pete": factories.EmployeeFactory(
                organization=org_a,
                unit=payroll,
                first_name="Pete",
                last_name="Pay",
                staff_number="P-200",
                email="pete@payroll.test",
                manager=manager,
                position=post,
            ),
            "sally": factories.EmployeeFactory(
                organization=org_a,
                unit=sales,
                first_name="Sally",
                last_name="Sells",
                staff_number="S-300",
                email="sally@alpha.test",
                manager=manager,
            ),
            "gone": factories.EmployeeFactory(
                organization=org_a,
                unit=sales,
                first_name="Gary",
                last_name="Gone",
                staff_number="G-400",
                is_active=False,
                manager=manager,
            ),
        }


def _names(client, org, query=""):
    response = client.get(reverse("people:employee_list", kwargs={"org_slug": org.slug}) + query)
    assert response.status_code == 200
    return {person.first_name for person in response.context["page_obj"]}


def test_it_lists_active_people_by_default(alice_client, org_a, people):
    assert _names(alice_client, org_a) == {"Alice", "Bob", "Fiona", "Pete", "Sally"}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("fiELDs", {"Fiona"}),  # last name, any case
        ("p-200", {"Pete"}),  # staff number
        ("PAYROLL.TEST", {"Pete"}),  # e-mail
        ("sally sells", {"Sally"}),  # every word must match
        ("nobody", set()),
    ],
)
def test_search_matches_name_staff_number_and_email_ignoring_case(alice_client, org_a, people, search, expected):
    assert _names(alice_client, org_a, f"?q={search}") == expected


def test_a_unit_filter_includes_its_sub_units(alice_client, org_a, people):
    assert _names(alice_client, org_a, f"?unit={people['finance'].public_id}") == {"Fiona", "Pete"}


def test_grade_staff_class_and_status_filters(alice_client, org_a, people):
    grade = people["grade"]
    assert _names(alice_client, org_a, f"?grade={grade.public_id}") == {"Fiona"}
    assert _names(alice_client, org_a, f"?staff_class={grade.staff_class.public_id}") == {"Fiona"}
    assert _names(alice_client, org_a, "?status=inactive") == {"Gary"}
    assert "Gary" in _names(alice_client, org_a, "?status=all")


def test_the_dashboard_links_for_missing_manager_and_position(alice_client, org_a, people):
    assert _names(alice_client, org_a, "?missing=manager") == {"Alice"}
    assert _names(alice_client, org_a, "?missing=position") == {"Alice", "Bob", "Sally"}


def test_bad_filter_values_are_ignored_not_an_error(alice_client, org_a, people):
    assert "Fiona" in _names(alice_client, org_a, "?unit=nope&grade=00000000-0000-0000-0000-000000000000&page=zz")


def test_another_tenants_unit_in_the_filter_is_ignored(alice_client, org_a, unit_b, people):
    assert "Fiona" in _names(alice_client, org_a, f"?unit={unit_b.public_id}")


def test_it_paginates(alice_client, org_a, unit_a, alice):
    with tenant_scope(org_a):
        factories.EmployeeFactory.create_batch(settings.PEOPLE_PAGE_SIZE + 2, organization=org_a, unit=unit_a)
    url = reverse("people:employee_list", kwargs={"org_slug": org_a.slug})
    first = alice_client.get(url)
    assert len(first.context["page_obj"]) == settings.PEOPLE_PAGE_SIZE
    second = alice_client.get(url + "?page=2")
    assert len(second.context["page_obj"]) == 3  # 27 plus alice


def test_htmx_gets_only_the_results_table(alice_client, org_a, people):
    url = reverse("people:employee_list", kwargs={"org_slug": org_a.slug})
    response = alice_client.get(url + "?q=fiona", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="employee-results">')
    assert "<html" not in html and "Fiona" in html and "Sally" not in html


def test_the_full_page_wires_the_search_form_to_htmx(alice_client, org_a, people):
    html = alice_client.get(reverse("people:employee_list", kwargs={"org_slug": org_a.slug})).content.decode()
    assert 'hx-trigger="input changed delay:300ms, change"' in html
    assert 'hx-target="#employee-results"' in html and 'hx-push-url="true"' in html


def test_an_empty_search_shows_an_empty_state(alice_client, org_a, people):
    url = reverse("people:employee_list", kwargs={"org_slug": org_a.slug})
    assert "Nobody matches" in alice_client.get(url + "?q=zzz").content.decode()
