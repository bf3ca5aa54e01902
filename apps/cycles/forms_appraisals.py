"""Forms of a cycle's appraisal list: its filters, and reassigning officers by staff number
(a select of thousands of people would be unusable)."""

from django import forms
from django.core.exceptions import ValidationError

from apps.people.forms import UnitChoiceField

from .models import AppraisalState


class AppraisalFilterForm(forms.Form):
    """The list's search and filters, read from the query string."""

    q = forms.CharField(
        required=False,
        label="Appraisee",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or staff number"}),
    )
    unit = UnitChoiceField(queryset=None, required=False, empty_label="All units", label="Unit (and sub-units)")
    state = forms.ChoiceField(choices=[("", "All states"), *AppraisalState.choices], required=False)
    officer = forms.CharField(
        required=False,
        label="Appraising officer",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or staff number"}),
    )
    without_officer = forms.BooleanField(required=False, label="Without an appraising officer")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def filters(self) -> dict:
        """The valid filters as keyword arguments of selectors_appraisals.appraisals_for_list; an
        invalid value (a stale unit id in a bookmarked URL) is ignored rather than an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q") or "",
            "unit": data.get("unit"),
            "state": data.get("state") or "",
            "officer": data.get("officer") or "",
            "without_officer": bool(data.get("without_officer")),
        }


class StaffNumberField(forms.CharField):
    """A person typed by staff number, resolved to an active employee of the tenant: the
    queryset is the scoped one the view passes in, so another tenant's staff number is unknown."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.queryset = None

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        matches = list(self.queryset.filter(staff_number__iexact=value)[:2])
        if len(matches) > 1:  # staff numbers differing only by case: take the exact one
            matches = [m for m in matches if m.staff_number == value]
        if len(matches) != 1:
            raise ValidationError(f"No active person has the staff number “{value}”.", code="unknown")
        return matches[0]


class OfficersForm(forms.Form):
    """New appraising and/or countersigning officer, by staff number, with a note for the record."""

    appraising_officer = StaffNumberField(
        label="New appraising officer",
        help_text="Staff number of the person who will appraise. Leave empty to keep the current one.",
        widget=forms.TextInput(attrs={"placeholder": "Staff number", "autocomplete": "off"}),
    )
    countersigning_officer = StaffNumberField(
        label="New countersigning officer",
        help_text="Staff number of the person who will countersign. Leave empty to keep the current one.",
        widget=forms.TextInput(attrs={"placeholder": "Staff number", "autocomplete": "off"}),
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        label="Note",
        help_text="Why the officers change; kept in each appraisal's history.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraising_officer"].queryset = employees
        self.fields["countersigning_officer"].queryset = employees

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("appraising_officer") and not data.get("countersigning_officer"):
            raise ValidationError(
                "Give the staff number of a new appraising officer, a new countersigning officer, or both."
            )
        return data
