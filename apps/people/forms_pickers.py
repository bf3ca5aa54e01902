"""Fields that choose people with the person picker (widgets.py) instead of a select of
everyone: one person (EmployeeChoiceField) or several (EmployeeMultipleChoiceField). Their
querysets are set by the views inside the tenant's scope, as for every choice field here."""

import contextlib
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from .widgets import (
    PeopleDisplay,
    PeoplePickerWidget,
    PersonPickerWidget,
    PickedPeople,
    PickedPerson,
    PickerDisplay,
    person_label,
    staff_number_in_label,
)


class _PersonPicking:
    """What both picker fields share: choices are named by public id, the widget's suggestions come
    from the named `scope`, people read as in the picker, and what a bound form posted (`_picked`)
    is not carried into the copy a new form makes of its fields."""

    def __init__(self, queryset=None, *, scope: str = "active", **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset=queryset, **kwargs)
        self.widget.scope = scope

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._picked = None
        return result

    def label_from_instance(self, obj):
        return person_label(obj)


class EmployeeChoiceField(_PersonPicking, forms.ModelChoiceField):
    """One person, chosen with the person picker (widgets.py) rather than a select of everyone.

    The picker posts the chosen person's public id, validated against the queryset as any
    ModelChoiceField does (a forged or another tenant's id is a field error). When the visible
    text is no longer the chosen person's label (typed without JavaScript, or typed and not
    chosen), the text is resolved within the queryset as a staff number ("E042", or a label
    ending in one) or an e-mail address, case-insensitively. An empty box clears the field.

    `scope` names the people the suggestions come from (selectors.PERSON_SCOPES); the queryset
    still decides what is valid.
    """

    widget = PersonPickerWidget
    default_error_messages = {
        "invalid_choice": "That person cannot be chosen here: type part of a name and choose from the suggestions.",
        "no_match": "No one to choose here has the staff number or e-mail address “%(value)s”. Type part of "
        "the name and choose from the suggestions, or give the staff number.",
        "ambiguous": "More than one person matches “%(value)s”: give the staff number.",
    }

    def __init__(self, queryset=None, *, scope: str = "active", **kwargs):
        super().__init__(queryset, scope=scope, **kwargs)
        if self.empty_label and not self.required:
            self.widget.placeholder = f"{self.empty_label.strip('— ')}. Type a name to choose someone."
        else:
            self.widget.placeholder = "Type a name or staff number"

    # --- Reading what was posted --------------------------------------------------------------

    def to_python(self, value):
        if not isinstance(value, PickedPerson):
            return self._by_public_id(value)  # a plain id: a query string, or a post without the box
        person = self._resolve(value)
        self._picked = (value, person)  # what the widget shows if the form comes back
        return person

    def _resolve(self, picked: PickedPerson):
        text = None if picked.text is None else picked.text.strip()
        if text == "":
            return None  # the box was emptied: nobody
        if picked.public_id:
            person = self._by_public_id(picked.public_id)
            if text is None or text == person_label(person):
                return person
        if text is None:
            return None
        return self._by_text(text)

    def _by_public_id(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "_meta"):
            value = value.public_id  # a person object (a disabled field's initial value)
        self.validate_no_null_characters(value)
        try:
            uuid.UUID(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
        return super().to_python(value)

    def _by_text(self, text: str):
        self.validate_no_null_characters(text)
        staff_number = staff_number_in_label(text) or text
        found = list(self.queryset.filter(Q(staff_number__iexact=staff_number) | Q(email__iexact=text))[:2])
        if len(found) > 1:
            exact = [person for person in found if person.staff_number == staff_number]
            if len(exact) != 1:
                raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": text})
            found = exact
        if not found:
            raise ValidationError(self.error_messages["no_match"], code="no_match", params={"value": text})
        return found[0]

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        if isinstance(data, PickedPerson):
            emptied = data.text is not None and not data.text.strip()
            data = "" if emptied else data.public_id
        if hasattr(initial, "_meta"):
            initial = initial.public_id
        return str(initial or "") != str(data or "")

    # --- What the widget shows ----------------------------------------------------------------

    def prepare_value(self, value):
        """The chosen person's id and label for the widget: no query for a person object or for
        what was just validated, one for a bare public id (the label needs the name)."""
        picked = getattr(self, "_picked", None)
        if isinstance(value, PickedPerson):
            if picked is not None and picked[0] == value:
                value = picked[1]  # validated: show whom it resolved to
            elif value.text is not None:
                return PickerDisplay(public_id="", label=value.text)  # not valid: as typed, nobody chosen
            else:
                value = value.public_id
        if value in self.empty_values:
            return PickerDisplay(public_id="", label="")
        if hasattr(value, "_meta"):
            return PickerDisplay(public_id=str(value.public_id), label=person_label(value))
        try:
            person = self._by_public_id(value)
        except ValidationError:
            person = None
        return PickerDisplay(public_id=str(value), label=person_label(person) if person else "")


class EmployeeMultipleChoiceField(_PersonPicking, forms.ModelMultipleChoiceField):
    """Several people, with the several-people picker (widgets.PeoplePickerWidget): a ticked box
    per chosen person and a search box that adds more. The ticked public ids are validated
    against the queryset as ModelMultipleChoiceField does; staff numbers or e-mail addresses
    typed in the box (without JavaScript), separated by commas or spaces, are added."""

    widget = PeoplePickerWidget
    default_error_messages = {
        "invalid_choice": "Someone chosen cannot be chosen here: untick them, or choose from the suggestions.",
        "no_match": "No one to choose here has the staff number or e-mail address %(value)s. Type part of a "
        "name and choose from the suggestions, or give staff numbers.",
    }

    def __init__(self, queryset=None, *, scope: str = "active", **kwargs):
        super().__init__(queryset, scope=scope, **kwargs)
        self.widget.placeholder = "Type a name or staff number to add someone"

    def clean(self, value):
        if isinstance(value, PickedPeople):
            ids, typed = list(value.public_ids), [word for word in re.split(r"[\s,;]+", value.text or "") if word]
        else:
            ids, typed = [] if value in self.empty_values else list(value), []
        if typed:
            ids += [str(person.public_id) for person in self._by_text(typed)]
        if not ids:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            people = self.queryset.none()
        else:
            people = self._check_values(ids)
        self._picked = (value, list(people))  # evaluated once: the caller reuses the rows
        return people

    def _by_text(self, words: list[str]) -> list:
        for word in words:
            self.validate_no_null_characters(word)
        match = Q()
        for word in words:
            match |= Q(staff_number__iexact=word) | Q(email__iexact=word)
        found = list(self.queryset.filter(match))
        known = {person.staff_number.upper() for person in found} | {person.email.upper() for person in found}
        unknown = [word for word in words if word.upper() not in known]
        if unknown:
            raise ValidationError(
                self.error_messages["no_match"],
                code="no_match",
                params={"value": ", ".join(f"“{word}”" for word in unknown)},
            )
        return found

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        if isinstance(data, PickedPeople):
            if (data.text or "").strip():
                return True
            data = data.public_ids
        chosen = {str(getattr(item, "public_id", item)) for item in initial or []}
        return chosen != {str(item) for item in data or []}

    def prepare_value(self, value):
        """The chosen people with their labels for the widget: no query for person objects or
        for what was just validated, one for public ids."""
        picked = getattr(self, "_picked", None)
        text = ""
        if picked is not None and picked[0] == value:
            value = picked[1]
        elif isinstance(value, PickedPeople):
            value, text = value.public_ids, value.text or ""
        items = [] if value in self.empty_values else list(value)
        wanted = [item for item in items if not hasattr(item, "_meta")]
        if wanted:
            known = {str(person.public_id): person for person in self._people_with_ids(wanted)}
            items = [item if hasattr(item, "_meta") else known.get(str(item)) for item in items]
        chosen = tuple(
            PickerDisplay(public_id=str(person.public_id), label=person_label(person))
            for person in items
            if person is not None
        )
        return PeopleDisplay(chosen=chosen, text=text)

    def _people_with_ids(self, ids):
        valid = []
        for value in ids:
            with contextlib.suppress(ValueError):
                valid.append(uuid.UUID(str(value)))
        return list(self.queryset.filter(public_id__in=valid)) if valid else []
