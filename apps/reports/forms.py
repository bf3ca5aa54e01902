"""The reports' filters, read from the query string."""

from django import forms

from apps.people.forms import UnitChoiceField


class UnitFilterForm(forms.Form):
    unit = UnitChoiceField(
        queryset=None, required=False, empty_label="The whole organisation", label="Unit (and sub-units)"
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def chosen_unit(self):
        """The chosen unit, or None: an unknown or stale id in a bookmarked URL filters nothing."""
        return self.cleaned_data.get("unit") if self.is_valid() else None
