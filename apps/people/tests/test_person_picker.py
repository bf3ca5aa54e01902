"""The person picker in place of a select of everyone: what it renders, what it costs, and how
EmployeeChoiceField reads what it posts (the hidden public id, or the text typed without
JavaScript)."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.people.forms import EmployeeChoiceField
from apps.people.models import Employee
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


class OnePersonForm(forms.Form):
    person = EmployeeChoiceField(required=False, empty_label="— Nobody —")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


def _form(org, data):
    return OnePersonForm(data, people=Employee.objects.filter(is_active=True).order_by("last_name"))


@pytest.fixture
def dana(org_a, unit_a):
    return factories.EmployeeFactory(
        organization=org_a,
        unit=unit_a,
        first_name="Dana",
        last_name="Scully",
        staff_number="X-51",
        email="dana.scully@alpha.test",
    )


def _edit_url(org, employee):
    return reverse("people:employee_edit", kwargs={"org_slug": org.slug, "employee_id": employee.public_id})


def _field_html(html, name):
    start = html.index(f'<label for="id_{name}"')
    return html[start : html.index("</div>\n", html.index('class="person-picker"', start))]


# --- Rendering ----------------------------------------------------------------------------------


def test_the_employee_form_renders_a_picker_per_person_field_and_no_options_of_people(
    alice_client, org_a, alice, bob, dana
):
    with tenant_scope(org_a):
        bob_e = bob.employments.get()
        bob_e.countersigning_officer_override = dana
        bob_e.save()
    html = alice_client.get(_edit_url(org_a, bob_e)).content.decode()
    assert not [
        option for option in re.findall(r"<option[^>]*>[^<]*", html) if "Scully" in option or "Example" in option
    ]
    manager = _field_html(html, "manager")
    # The label points at the visible box, which is the combobox and shows the chosen person.
    assert 'type="search" name="manager_search" value="Example, Alice · ' in manager
    assert 'id="id_manager"' in manager
    assert 'role="combobox"' in manager and 'aria-expanded="false"' in manager
    assert 'aria-controls="id_manager_listbox"' in manager and 'id="id_manager_listbox"' in manager
    assert 'aria-describedby="id_manager_helptext"' in manager
    assert 'hx-trigger="input changed delay:250ms, search"' in manager
    assert f'hx-get="/o/{org_a.slug}/people/person-search/?scope=active&amp;exclude={bob_e.public_id}"' in manager
    # The hidden input carries the public id.
    with tenant_scope(org_a):
        alice_e = alice.employments.get()
    assert f'<input type="hidden" name="manager" value="{alice_e.public_id}"' in manager
    officer = _field_html(html, "countersigning_officer_override")
    assert 'value="Scully, Dana · X-51"' in officer and f'value="{dana.public_id}"' in officer
    assert "<option" not in manager and "<option" not in officer


def test_an_error_stays_at_the_field_and_the_box_points_at_it(alice_client, org_a, unit_a, bob):
    with tenant_scope(org_a):
        bob_e = bob.employments.get()
    response = alice_client.post(
        _edit_url(org_a, bob_e),
        {
            "staff_number": bob_e.staff_number,
            "first_name": "Bob",
            "last_name": "Example",
            "email": bob_e.email,
            "unit": unit_a.public_id,
            "manager": "",
            "manager_search": "Nobody by this name",
        },
    )
    assert response.status_code == 200
    manager = _field_html(response.content.decode(), "manager")
    assert 'aria-describedby="id_manager_helptext id_manager_error"' in manager
    assert 'aria-invalid="true"' in manager
    assert 'value="Nobody by this name"' in manager  # what was typed comes back
    page = response.content.decode()
    assert '<ul class="field-errors" id="id_manager_error"><li>No one to choose here has the staff number' in page


def test_the_edit_page_runs_the_same_queries_however_many_people_there_are(alice_client, org_a, unit_a, bob, dana):
    with tenant_scope(org_a):
        bob_e = bob.employments.get()
        bob_e.appraising_officer_override = dana
        bob_e.save()
    url = _edit_url(org_a, bob_e)
    alice_client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(url)
        assert response.status_code == 200
        return len(captured), len(response.content)

    few, size = queries()
    with tenant_scope(org_a):
        for _ in range(50):
            factories.EmployeeFactory(organization=org_a, unit=unit_a)
    assert queries() == (few, size)  # neither more queries nor more bytes


def test_a_bare_public_id_costs_one_query_for_its_label(org_a, dana):
    with tenant_scope(org_a):
        form = OnePersonForm(initial={"person": str(dana.public_id)}, people=Employee.objects.all())
        with CaptureQueriesContext(connection) as captured:
            html = str(form["person"])
    assert len(captured) == 1
    assert 'value="Scully, Dana · X-51"' in html


def test_a_person_object_costs_no_query(org_a, dana):
    with tenant_scope(org_a):
        form = OnePersonForm(initial={"person": dana}, people=Employee.objects.all())
        with CaptureQueriesContext(connection) as captured:
            html = str(form["person"])
    assert len(captured) == 0
    assert 'value="Scully, Dana · X-51"' in html and f'value="{dana.public_id}"' in html


# --- Reading what was posted ------------------------------------------------------------------


def test_the_hidden_public_id_chooses_the_person(org_a, dana):
    with tenant_scope(org_a):
        form = _form(org_a, {"person": str(dana.public_id), "person_search": "Scully, Dana · X-51"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["person"] == dana
        # Without the text box (an older client, a test): the id alone.
        form = _form(org_a, {"person": str(dana.public_id)})
        assert form.is_valid() and form.cleaned_data["person"] == dana


def test_a_disabled_field_keeps_its_initial_person(org_a, dana):
    with tenant_scope(org_a):
        form = OnePersonForm({}, initial={"person": dana}, people=Employee.objects.all())
        form.fields["person"].disabled = True
        assert form.is_valid(), form.errors
        assert form.cleaned_data["person"] == dana


def test_another_tenants_id_is_a_field_error(org_a, org_b, unit_b):
    with tenant_scope(org_b):
        stranger = factories.EmployeeFactory(organization=org_b, unit=unit_b, last_name="Stranger")
        label = f"Stranger, {stranger.first_name} · {stranger.staff_number}"
    with tenant_scope(org_a):
        for data in (
            {"person": str(stranger.public_id)},
            {"person": str(stranger.public_id), "person_search": label},
            {"person": "", "person_search": stranger.staff_number},
            {"person": "not-a-uuid", "person_search": "x"},
            {"person": "\x00", "person_search": "x"},
        ):
            form = _form(org_a, data)
            assert not form.is_valid()
            assert list(form.errors) == ["person"], data


def test_a_person_outside_the_fields_queryset_is_a_field_error(org_a, unit_a, dana):
    with tenant_scope(org_a):
        dana.is_active = False
        dana.save()
        form = _form(org_a, {"person": str(dana.public_id), "person_search": "Scully, Dana · X-51 (inactive)"})
        assert not form.is_valid()
        assert "cannot be chosen here" in form.errors["person"][0]


def test_without_javascript_a_staff_number_or_email_typed_in_the_box_resolves(org_a, bob, dana):
    with tenant_scope(org_a):
        bob_e = bob.employments.get()
        for typed in (
            "X-51",
            "x-51",
            "  X-51 ",
            "dana.scully@alpha.test",
            "DANA.SCULLY@alpha.test",
            "Scully, Dana · X-51",
            "Whatever it said · X-51",
        ):
            # The hidden input still holds the person shown when the page was rendered.
            form = _form(org_a, {"person": str(bob_e.public_id), "person_search": typed})
            assert form.is_valid(), (typed, form.errors)
            assert form.cleaned_data["person"] == dana, typed


def test_the_unchanged_label_keeps_the_chosen_person(org_a, dana):
    with tenant_scope(org_a):
        form = _form(org_a, {"person": str(dana.public_id), "person_search": " Scully, Dana · X-51 "})
        assert form.is_valid() and form.cleaned_data["person"] == dana


def test_an_emptied_box_clears_an_optional_field_and_a_required_one_says_so(org_a, dana):
    with tenant_scope(org_a):
        form = _form(org_a, {"person": str(dana.public_id), "person_search": "  "})
        assert form.is_valid() and form.cleaned_data["person"] is None
        form = _form(org_a, {})
        assert form.is_valid() and form.cleaned_data["person"] is None
        form = _form(org_a, {"person": "", "person_search": ""})
        form.fields["person"].required = True
        assert not form.is_valid() and form.errors["person"] == ["This field is required."]


def test_a_name_typed_and_not_chosen_asks_to_choose(org_a, dana):
    with tenant_scope(org_a):
        form = _form(org_a, {"person": "", "person_search": "Scully"})
        assert not form.is_valid()
        assert "Type part of the name and choose from the suggestions" in form.errors["person"][0]


def test_a_resolved_person_shows_as_their_label_when_the_form_comes_back(org_a, dana):
    with tenant_scope(org_a):
        form = _form(org_a, {"person": "", "person_search": "x-51"})
        assert form.is_valid()
        with CaptureQueriesContext(connection) as captured:
            html = str(form["person"])
    assert len(captured) == 0
    assert 'value="Scully, Dana · X-51"' in html and f'value="{dana.public_id}"' in html


# --- Every form that chooses a person uses it ---------------------------------------------------


def test_every_person_field_of_people_goals_and_committees_is_a_picker():
    from apps.committees import forms as committee_forms
    from apps.goals import forms as goal_forms
    from apps.people import forms as people_forms
    from apps.people.widgets import PeoplePickerWidget, PersonPickerWidget

    found = []
    for module in (people_forms, goal_forms, committee_forms):
        for form_class in vars(module).values():
            if isinstance(form_class, type) and hasattr(form_class, "base_fields"):
                for name, field in form_class.base_fields.items():
                    if isinstance(field, EmployeeChoiceField):
                        assert isinstance(field.widget, PersonPickerWidget), (form_class, name)
                        found.append(f"{form_class.__name__}.{name}")
    assert set(found) >= {
        "UnitForm.head",
        "EmployeeForm.manager",
        "EmployeeForm.appraising_officer_override",
        "EmployeeForm.countersigning_officer_override",
        "GoalForm.employee",
        "GoalForm.owner",
        "MemberForm.employee",
        "GrantForm.employee",
        "IssueForm.owner",
        "TrainingForm.trainer",
    }
    assert isinstance(committee_forms.TrainingForm.base_fields["attendees"].widget, PeoplePickerWidget)
    assert goal_forms.GoalForm.base_fields["employee"].widget.scope == "team"
    assert committee_forms.GrantForm.base_fields["employee"].widget.scope == "users"


def test_the_pickers_ask_for_their_scope_and_the_committee_pages_two_forms_keep_apart(org_a):
    from apps.committees.forms import GrantForm, MemberForm
    from apps.goals.forms import GoalForm
    from apps.goals.models import GoalLevel

    with tenant_scope(org_a):
        goal_form = GoalForm(level=GoalLevel.INDIVIDUAL, period=None, parents=None, employees=Employee.objects.all())
        assert f"/o/{org_a.slug}/people/person-search/?scope=team" in str(goal_form["employee"])
        member, grant = str(MemberForm()["employee"]), str(GrantForm()["employee"])
    assert 'id="id_employee"' in member and "scope=active" in member
    assert 'id="id_grant_employee"' in grant and 'aria-controls="id_grant_employee_listbox"' in grant
    assert "scope=users" in grant
