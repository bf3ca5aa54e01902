"""Form helpers every app's views share: filling a form from a model, reading a choice from the
query string, and showing a service's ValidationError on the form that asked for the write."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def initial_from(instance, fields) -> dict:
    """A form's initial values from a model instance (choice fields accept the objects)."""
    return {field: getattr(instance, field) for field in fields}


def initial_choice(field: forms.ModelChoiceField, value):
    """The object a query-string id names (?parent=<uuid>), or None when it names nothing valid."""
    if not value:
        return None
    try:
        return field.clean(value)
    except ValidationError:
        return None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the field it names when the form has
    that field, otherwise above the form, so no message is ever lost."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What call_service did. ``ok`` is the only test of success: a service may well return
    None (or 0) when it worked, so ``value`` says nothing about failure."""

    ok: bool
    value: Any = None

    def __bool__(self) -> bool:
        # Without this any instance would be truthy, and `if call_service(...)` would pass failures.
        return self.ok


def call_service(form: forms.Form, service, /, **kwargs) -> Outcome:
    """Run ``service(**kwargs)`` for a form that is already valid. A ValidationError it raises is
    shown on ``form`` (see add_service_errors) and comes back as ``Outcome(ok=False)``; what it
    returns comes back as ``Outcome(ok=True, value=...)``. Any other exception propagates."""
    try:
        value = service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
        return Outcome(ok=False)
    return Outcome(ok=True, value=value)
