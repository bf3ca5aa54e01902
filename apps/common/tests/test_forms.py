"""The shared form helpers: where a service's errors land, and what call_service hands back."""

from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError

from apps.common.forms import Outcome, add_service_errors, call_service, initial_choice, initial_from


class NameForm(forms.Form):
    name = forms.CharField()


def valid_form():
    form = NameForm({"name": "Ada"})
    assert form.is_valid()
    return form


def test_a_field_error_lands_on_its_field():
    form = valid_form()
    add_service_errors(form, ValidationError({"name": "Taken."}))
    assert form.errors == {"name": ["Taken."]}


def test_an_error_for_a_field_the_form_lacks_lands_above_the_form():
    form = valid_form()
    add_service_errors(form, ValidationError({"unit": "Closed."}))
    assert form.non_field_errors() == ["Closed."]
    assert "name" not in form.errors


def test_a_plain_error_lands_above_the_form():
    form = valid_form()
    add_service_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]


def test_call_service_passes_the_keywords_and_returns_the_value():
    form = valid_form()
    outcome = call_service(form, lambda *, name: name.upper(), name="ada")
    assert outcome == Outcome(ok=True, value="ADA")
    assert outcome
    assert form.errors == {}


def test_a_service_returning_none_still_succeeded():
    outcome = call_service(valid_form(), lambda: None)
    assert outcome.ok and outcome.value is None


def test_a_validation_error_is_a_failure_shown_on_the_form():
    def service(*, name):
        raise ValidationError({"name": f"{name} is taken."})

    form = valid_form()
    outcome = call_service(form, service, name="Ada")
    assert not outcome.ok and not outcome
    assert outcome.value is None
    assert form.errors == {"name": ["Ada is taken."]}


def test_other_exceptions_are_not_swallowed():
    def service():
        raise PermissionError("no")

    with pytest.raises(PermissionError):
        call_service(valid_form(), service)


def test_a_keyword_named_form_or_service_reaches_the_service():
    # Both leading parameters are positional-only, so a service may take keywords with these names.
    outcome = call_service(valid_form(), lambda *, form, service: (form, service), form=1, service=2)
    assert outcome.value == (1, 2)


def test_initial_from_reads_the_named_attributes():
    instance = SimpleNamespace(name="Ada", code="A1", other="x")
    assert initial_from(instance, ["name", "code"]) == {"name": "Ada", "code": "A1"}


def test_initial_choice_is_none_for_nothing_or_nonsense():
    field = forms.ChoiceField(choices=[("a", "A")])
    assert initial_choice(field, "") is None
    assert initial_choice(field, None) is None
    assert initial_choice(field, "zzz") is None
    assert initial_choice(field, "a") == "a"
