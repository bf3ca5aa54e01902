"""The several-people picker (training attendees): a ticked box per chosen person, a search box
to add more; staff numbers typed in the box are added without JavaScript."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.committees.models import TrainingSession
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def trio(org_a, unit_a):
    make = factories.EmployeeFactory
    return [
        make(
            organization=org_a,
            unit=unit_a,
            first_name="Ada",
            last_name="Lovelace",
            staff_number="T1",
            email="ada@alpha.test",
        ),
        make(organization=org_a, unit=unit_a, first_name="Alan", last_name="Turing", staff_number="T2"),
        make(organization=org_a, unit=unit_a, first_name="Grace", last_name="Hopper", staff_number="T3"),
    ]


def _url(org, name, **kwargs):
    return reverse(f"committees:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _attendees(org):
    with tenant_scope(org):
        session = TrainingSession.objects.get(title="Rating well")
        return sorted(a.employee.staff_number for a in session.attendance.select_related("employee"))


def test_the_training_form_lists_no_one_and_costs_the_same_for_many_people(alice_client, org_a, unit_a, trio):
    url = _url(org_a, "training_create")
    alice_client.get(url)

    def measure():
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(url)
        return len(captured), len(response.content), response.content.decode()

    few, size, html = measure()
    assert "<option" not in html.split('id="id_attendees"')[1].split("</div>")[0]
    assert 'name="attendees_search"' in html and 'role="combobox"' in html
    with tenant_scope(org_a):
        for _ in range(50):
            factories.EmployeeFactory(organization=org_a, unit=unit_a)
    assert measure()[:2] == (few, size)


def test_ticked_ids_and_typed_staff_numbers_are_the_attendees(alice_client, org_a, trio):
    ada, alan, grace = trio
    response = alice_client.post(
        _url(org_a, "training_create"),
        {
            "title": "Rating well",
            "held_on": "2026-03-01",
            "attendees": [str(ada.public_id), str(alan.public_id)],
            "attendees_search": "t3, ada@alpha.test",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _attendees(org_a) == ["T1", "T2", "T3"]


def test_the_edit_form_shows_the_attendees_ticked_and_unticking_removes_them(alice_client, org_a, trio):
    ada, alan, grace = trio
    alice_client.post(
        _url(org_a, "training_create"),
        {
            "title": "Rating well",
            "held_on": "2026-03-01",
            "attendees": [str(ada.public_id), str(grace.public_id)],
        },
    )
    with tenant_scope(org_a):
        session = TrainingSession.objects.get(title="Rating well")
    url = _url(org_a, "training_edit", trainingsession_id=session.public_id)
    html = alice_client.get(url).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="attendees" value="([^"]+)" checked> ([^<]+)</label>', html)
    assert sorted(label for _, label in ticked) == ["Hopper, Grace · T3", "Lovelace, Ada · T1"]
    response = alice_client.post(
        url,
        {"title": "Rating well", "held_on": "2026-03-01", "attendees": [str(grace.public_id)], "attendees_search": ""},
    )
    assert response.status_code == 302
    assert _attendees(org_a) == ["T3"]


def test_an_unknown_staff_number_or_another_tenants_person_is_a_field_error(alice_client, org_a, org_b, unit_b, trio):
    with tenant_scope(org_b):
        stranger = factories.EmployeeFactory(organization=org_b, unit=unit_b, staff_number="Z9")
    ada = trio[0]
    for data in (
        {"attendees": [str(ada.public_id)], "attendees_search": "T2 nobody Z9"},
        {"attendees": [str(ada.public_id), str(stranger.public_id)]},
        {"attendees": ["not-a-uuid"]},
    ):
        response = alice_client.post(
            _url(org_a, "training_create"), {"title": "Rating well", "held_on": "2026-03-01", **data}
        )
        assert response.status_code == 200, data
        form = response.context["form"]
        assert list(form.errors) == ["attendees"], data
    response = alice_client.post(
        _url(org_a, "training_create"),
        {
            "title": "Rating well",
            "held_on": "2026-03-01",
            "attendees": [str(ada.public_id)],
            "attendees_search": "T2 nobody Z9",
        },
    )
    html = response.content.decode()
    assert "No one to choose here has the staff number or e-mail address “nobody”, “Z9”" in html
    # What was ticked stays ticked and what was typed stays typed.
    assert f'name="attendees" value="{ada.public_id}" checked> Lovelace, Ada · T1' in html
    assert 'value="T2 nobody Z9"' in html
    assert 'aria-describedby="id_attendees_error"' in html
    with tenant_scope(org_a):
        assert not TrainingSession.objects.filter(title="Rating well").exists()
