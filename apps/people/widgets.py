"""The person picker: a search box that suggests people as you type, in place of a <select> of
every employee (10,000 options, three times on the employee form, at the size we benchmark).

What it renders: a visible text input (type=search, an ARIA 1.2 combobox) showing the chosen
person's label, a hidden input carrying their public id, and an empty listbox that htmx fills
from `people:person_search` as the user types (static/js/person-picker.js does the keyboard and
the choosing). It never iterates the field's choices: rendering costs no query for an initial
person object, at most one for a bare public id.

What it posts: the hidden public id under the field's name and the visible text under
`<name>_search`. EmployeeChoiceField (forms.py) validates the id against its queryset, and when
the text no longer is the chosen person's label (typed without JavaScript, or typed and not
chosen) resolves the text as a staff number or an e-mail address instead.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from apps.tenancy.scoping import current_organization
from apps.tenancy.urls_helpers import org_reverse

TEXT_SUFFIX = "_search"
INACTIVE_SUFFIX = " (inactive)"
LABEL_SEPARATOR = " · "


def person_label(employee) -> str:
    """How a person reads in pickers and their suggestions: "Last, First · staff number"."""
    inactive = INACTIVE_SUFFIX if not employee.is_active else ""
    return f"{employee.last_name}, {employee.first_name}{LABEL_SEPARATOR}{employee.staff_number}{inactive}"


def staff_number_in_label(text: str) -> str | None:
    """The staff number at the end of a label typed or kept in the box, or None."""
    if LABEL_SEPARATOR not in text:
        return None
    return text.rsplit(LABEL_SEPARATOR, 1)[1].removesuffix(INACTIVE_SUFFIX).strip() or None


@dataclass(frozen=True, slots=True)
class PickedPerson:
    """What a picker posted: the hidden public id ("" when none is chosen) and the visible
    text (None when the form posted no text box, e.g. a client that sends the id alone)."""

    public_id: str
    text: str | None


@dataclass(frozen=True, slots=True)
class PickerDisplay:
    """What a picker shows: the chosen person's public id and the text of the box."""

    public_id: str
    label: str


class PersonPickerWidget(forms.Widget):
    """See the module's docstring. `scope` names the people the suggestions come from (one of
    selectors.PERSON_SCOPES, matching the field's queryset as closely as a name can); `exclude`
    is a public id never suggested (the person whose form it is, who cannot manage themself)."""

    template_name = "people/widgets/person_picker.html"
    input_type = "search"

    def __init__(self, attrs=None, *, scope: str = "active", exclude=None, placeholder: str = ""):
        super().__init__(attrs)
        self.scope = scope
        self.exclude = exclude
        self.placeholder = placeholder

    # --- Reading the post ---------------------------------------------------------------------

    def value_from_datadict(self, data, files, name):
        public_id = data.get(name)
        text = data.get(name + TEXT_SUFFIX)
        if public_id is None and text is None:
            return None
        return PickedPerson(public_id=(public_id or "").strip(), text=text)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    # --- Rendering ----------------------------------------------------------------------------

    def format_value(self, value):
        if isinstance(value, PickerDisplay):
            return value
        # A bare value the field did not prepare (the widget used on its own): no label to show.
        return PickerDisplay(public_id="" if value is None else str(value), label="")

    def search_url(self) -> str:
        """The suggestions' URL in the active organisation; "" outside one (then the box is a
        plain text input that takes a staff number or an e-mail address)."""
        organization = current_organization()
        if organization is None:
            return ""
        params = {"scope": self.scope}
        if self.exclude:
            params["exclude"] = str(self.exclude)
        return f"{org_reverse('people:person_search', organization)}?{urlencode(params)}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        input_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["id"] = input_id
        if self.placeholder and "placeholder" not in widget["attrs"]:
            widget["attrs"]["placeholder"] = self.placeholder
        widget.update(
            text_name=name + TEXT_SUFFIX,
            value_id=f"{input_id}_value",
            listbox_id=f"{input_id}_listbox",
            status_id=f"{input_id}_status",
            search_url=self.search_url(),
        )
        display = widget["value"]
        if isinstance(display, PickerDisplay):
            widget.update(
                public_id=display.public_id,
                label=display.label,
                # The label the hidden id stands for: typing anything else clears the id (the JS).
                chosen_label=display.label if display.public_id else "",
            )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine (templates/), not the form renderer's: the picker's
        # template lives with the other templates.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


# --- Several people ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PickedPeople:
    """What a several-people picker posted: the public ids of the ticked boxes and the text of
    the search box (None when not posted)."""

    public_ids: tuple[str, ...]
    text: str | None


@dataclass(frozen=True, slots=True)
class PeopleDisplay:
    """What a several-people picker shows: the chosen people and the text left in the box."""

    chosen: tuple[PickerDisplay, ...]
    text: str = ""


class PeoplePickerWidget(PersonPickerWidget):
    """Several people: each chosen person is a ticked checkbox (untick to remove: no JavaScript
    needed), and the same search box adds more (the JS ticks a new box for each person chosen;
    without it, staff numbers or e-mail addresses typed in the box are added)."""

    template_name = "people/widgets/people_picker.html"
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        ids = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(ids, str):
            ids = [ids]
        return PickedPeople(
            public_ids=tuple(value.strip() for value in ids if value and value.strip()),
            text=data.get(name + TEXT_SUFFIX),
        )

    def value_omitted_from_data(self, data, files, name):
        return False  # unticked boxes post nothing: no one chosen is a value too

    def use_required_attribute(self, initial):
        return False  # ticked boxes are the value: the box may stay empty

    def format_value(self, value):
        return value if isinstance(value, PeopleDisplay) else PeopleDisplay(chosen=())

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        display = context["widget"]["value"]
        widget = context["widget"]
        widget.update(chosen=display.chosen, text=display.text, chosen_id=f"{widget['attrs']['id']}_chosen")
        return context
