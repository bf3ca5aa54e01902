"""The person picker's suggestions (people:person_search): prefix matches on names and staff
numbers, active people first, ten at most, within the organisation and the picker's scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.people.selectors import person_search
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def _url(org, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("people:person_search", kwargs={"org_slug": org.slug}) + (f"?{query}" if query else "")


def _labels(response):
    assert response.status_code == 200
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


@pytest.fixture
def people(org_a, unit_a):
    make = factories.EmployeeFactory
    return {
        "jane": make(
            organization=org_a,
            unit=unit_a,
            first_name="Jane",
            last_name="Smith",
            staff_number="E100",
            email="j.smith@alpha.test",
        ),
        "john": make(
            organization=org_a,
            unit=unit_a,
            first_name="John",
            last_name="Smithers",
            staff_number="E101",
            email="johnny@alpha.test",
        ),
        "gone": make(
            organization=org_a,
            unit=unit_a,
            first_name="Adam",
            last_name="Smirnov",
            staff_number="E102",
            email="adam.s@alpha.test",
            is_active=False,
        ),
        "mary": make(
            organization=org_a,
            unit=unit_a,
            first_name="Mary",
            last_name="Jones",
            staff_number="E200",
            email="smile@alpha.test",
        ),
    }


def test_it_matches_the_start_of_last_name_first_name_and_staff_number_ignoring_case(bob_client, org_a, people):
    assert _labels(bob_client.get(_url(org_a, q="smi"))) == ["Smith, Jane · E100", "Smithers, John · E101"]
    assert _labels(bob_client.get(_url(org_a, q="JOH"))) == ["Smithers, John · E101"]
    assert _labels(bob_client.get(_url(org_a, q="e10"))) == ["Smith, Jane · E100", "Smithers, John · E101"]
    assert _labels(bob_client.get(_url(org_a, q="ith"))) == []  # prefixes, not anywhere in the name


def test_every_word_must_match(bob_client, org_a, people):
    assert _labels(bob_client.get(_url(org_a, q="jane+smi"))) == ["Smith, Jane · E100"]
    assert _labels(bob_client.get(_url(org_a, q="Smith,+Jane"))) == ["Smith, Jane · E100"]
    assert _labels(bob_client.get(_url(org_a, q="jane+jones"))) == []


def test_it_shows_name_staff_number_and_unit_but_no_email(bob_client, org_a, unit_a, people):
    html = bob_client.get(_url(org_a, q="jane")).content.decode()
    assert "Smith, Jane · E100" in html and unit_a.name in html
    assert f'data-value="{people["jane"].public_id}"' in html
    assert 'role="option"' in html
    assert "@" not in html


def test_only_hr_finds_people_by_email(alice_client, bob_client, org_a, people):
    assert _labels(alice_client.get(_url(org_a, q="johnny"))) == ["Smithers, John · E101"]
    assert _labels(bob_client.get(_url(org_a, q="johnny"))) == []
    assert _labels(alice_client.get(_url(org_a, q="smi"))) == [
        "Jones, Mary · E200",
        "Smith, Jane · E100",
        "Smithers, John · E101",  # Mary is smile@…
    ]


def test_the_scope_decides_who_is_suggested_and_active_people_come_first(bob_client, org_a, people):
    assert _labels(bob_client.get(_url(org_a, q="sm", scope="active"))) == [
        "Smith, Jane · E100",
        "Smithers, John · E101",
    ]
    assert _labels(bob_client.get(_url(org_a, q="sm", scope="all"))) == [
        "Smith, Jane · E100",
        "Smithers, John · E101",
        "Smirnov, Adam · E102 (inactive)",
    ]
    with tenant_scope(org_a):
        people["john"].user = factories.UserFactory(email="john@alpha.test")
        people["john"].save()
    assert _labels(bob_client.get(_url(org_a, q="sm", scope="users"))) == ["Smithers, John · E101"]
    assert bob_client.get(_url(org_a, q="sm", scope="everyone")).status_code == 400


def test_the_team_scope_is_the_searcher_and_everyone_below_them(bob_client, org_a, unit_a, alice, bob, people):
    with tenant_scope(org_a):
        bob_e = bob.employments.get()
        people["jane"].manager = bob_e
        people["jane"].save()
        people["mary"].manager = people["jane"]
        people["mary"].save()
    assert _labels(bob_client.get(_url(org_a, q="smi", scope="team"))) == ["Smith, Jane · E100"]
    assert _labels(bob_client.get(_url(org_a, q="jones", scope="team"))) == ["Jones, Mary · E200"]
    assert _labels(bob_client.get(_url(org_a, q="example", scope="team"))) == [f"Example, Bob · {bob_e.staff_number}"]


def test_it_leaves_out_the_excluded_person(bob_client, org_a, people):
    url = _url(org_a, q="smi", exclude=people["jane"].public_id)
    assert _labels(bob_client.get(url)) == ["Smithers, John · E101"]
    assert _labels(bob_client.get(_url(org_a, q="smi", exclude="junk"))) == [
        "Smith, Jane · E100",
        "Smithers, John · E101",
    ]


def test_it_suggests_ten_at_most_and_says_when_there_are_more(bob_client, org_a, unit_a):
    with tenant_scope(org_a):
        for n in range(12):
            factories.EmployeeFactory(organization=org_a, unit=unit_a, last_name=f"Nolan{n:02d}")
    response = bob_client.get(_url(org_a, q="nolan"))
    assert [label.split(",")[0] for label in _labels(response)] == [f"Nolan{n:02d}" for n in range(10)]
    assert "More people match" in response.content.decode()
    response = bob_client.get(_url(org_a, q="nolan0"))
    assert len(_labels(response)) == 10 and "More people match" not in response.content.decode()


def test_nothing_typed_suggests_nobody_and_nothing_found_says_so(bob_client, org_a, people):
    assert bob_client.get(_url(org_a)).content.decode().strip() == ""
    assert bob_client.get(_url(org_a, q="+++")).content.decode().strip() == ""
    html = bob_client.get(_url(org_a, q="zzz")).content.decode()
    assert "No one matches “zzz”" in html and 'aria-disabled="true"' in html


def test_odd_input_is_no_error(bob_client, org_a, people):
    for q in ("%25", "_", "%00", "a%00b", "x" * 500, "'; drop table people_employee; --"):
        assert bob_client.get(_url(org_a, q=q)).status_code == 200
    assert _labels(bob_client.get(_url(org_a, q="%25"))) == []  # % is a character, not a wildcard


# --- Tenancy and access ---------------------------------------------------------------------------


def test_another_organisations_people_never_appear(alice_client, org_a, org_b, unit_b, people):
    with tenant_scope(org_b):
        factories.EmployeeFactory(
            organization=org_b,
            unit=unit_b,
            first_name="Jane",
            last_name="Smith",
            staff_number="E100",
            email="jane@beta.test",
        )
    for scope in ("active", "all", "users", "team"):
        labels = _labels(alice_client.get(_url(org_a, q="jane+smith", scope=scope)))
        assert labels in ([], ["Smith, Jane · E100"]), scope
    html = alice_client.get(_url(org_a, q="jane+smith", scope="all")).content.decode()
    assert html.count('role="option"') == 1 and str(people["jane"].public_id) in html


def test_an_organisation_the_user_is_not_a_member_of_is_a_404(charlie_client, org_a, people):
    assert charlie_client.get(_url(org_a, q="smi")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, org_a, people):
    response = client.get(_url(org_a, q="smi"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_answer_costs_the_same_queries_however_many_match(bob_client, org_a, unit_a, people):
    def queries(q, scope):
        bob_client.get(_url(org_a, q=q, scope=scope))
        with CaptureQueriesContext(connection) as captured:
            assert bob_client.get(_url(org_a, q=q, scope=scope)).status_code == 200
        return len(captured)

    few = {scope: queries("smi", scope) for scope in ("active", "team")}
    with tenant_scope(org_a):
        for _ in range(30):
            factories.EmployeeFactory(
                organization=org_a, unit=factories.OrgUnitFactory(organization=org_a), last_name="Smithson"
            )
    assert {scope: queries("smi", scope) for scope in ("active", "team")} == few


def test_the_selector_searches_with_one_query(org_a, people):
    with tenant_scope(org_a), CaptureQueriesContext(connection) as captured:
        found, more = person_search(query="smi", scope="team", searcher=people["jane"])
    assert len(captured) == 1
    assert found == [people["jane"]] and more is False
