"""The reports' filters: the page reads the query string itself (views_training), so a stale
or foreign unit id shows the default rather than an error; the form draws the choice."""

from django import forms

from apps.people.forms import UnitChoiceField


class UnitFilterForm(forms.Form):
    unit = UnitChoiceField(
        queryset=None, required=False, empty_label="The whole organisation", label="Unit (and sub-units)"
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
