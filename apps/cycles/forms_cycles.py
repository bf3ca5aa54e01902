"""Forms of the cycle pages: a cycle's set-up and its dated phases. Choice querysets are built
by the view inside the tenant's scope and passed in; choices carry public ids."""

import re

from django import forms
from django.db.models.functions import Upper

from apps.people.forms import INDENT

from .models import PhaseKind

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Units indented by depth, so the multi-select still reads as the unit tree."""

    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj):
        return f"{INDENT * obj.depth}{obj.name} · {obj.code}"


class GradeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="public_id", widget=forms.CheckboxSelectMultiple, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name} · {obj.staff_class.name}"


class TemplateMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="public_id", widget=forms.CheckboxSelectMultiple, **kwargs)

    def label_from_instance(self, obj):
        return obj.name if obj.is_active else f"{obj.name} (inactive)"


def split_staff_numbers(text: str) -> list[str]:
    """Staff numbers typed one a line, or separated by commas, semicolons or spaces."""
    seen, numbers = set(), []
    for number in re.split(r"[\s,;]+", text or ""):
        if number and number.casefold() not in seen:
            seen.add(number.casefold())
            numbers.append(number)
    return numbers


class CycleForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="For example “Performance appraisal 2026”.")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the cycle is for; shown to HR only.",
    )
    period = forms.ModelChoiceField(
        queryset=None,
        to_field_name="public_id",
        empty_label="— Choose —",
        label="Goal period",
        help_text="The period whose goals become the appraisees' work targets.",
    )
    templates = TemplateMultipleChoiceField(
        label="Appraisal templates",
        help_text="Each participant is appraised on the template of their grade, or else of their staff class.",
    )
    units = UnitMultipleChoiceField(
        required=False,
        label="Units taking part",
        help_text="A unit includes its sub-units. Choose none to include the whole organisation. "
        "Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    grades = GradeMultipleChoiceField(
        required=False, label="Grades taking part", help_text="Choose none to include every grade."
    )
    hired_on_or_before = forms.DateField(
        required=False,
        label="Hired on or before",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave out people who joined after this date (too new to appraise). Empty: no cut-off.",
    )
    excluded = forms.CharField(
        required=False,
        label="Leave out (staff numbers)",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "off"}),
        help_text="Staff numbers of people not to appraise in this cycle (on long leave, for example), "
        "one a line or separated by commas.",
    )
    appeal_window_days = forms.IntegerField(
        min_value=0,
        max_value=365,
        initial=14,
        label="Appeal window (days)",
        help_text="How long an appraisee may appeal after acknowledging the result.",
    )

    FIELDS = ("name", "description", "period", "hired_on_or_before", "appeal_window_days")
    CHOICE_GROUPS = ("templates", "grades")

    def __init__(self, *args, periods, templates, units, grades, employees, template_problems=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["templates"].queryset = templates
        self.fields["units"].queryset = units
        self.fields["units"].widget.attrs["size"] = min(max(units.count(), 4), 12)
        self.fields["grades"].queryset = grades
        self.employees = employees
        self.template_problems = template_problems or {}

    def template_choices(self):
        """Each template checkbox with the problems that would keep the cycle from launching."""
        return [(choice, self.template_problems.get(str(choice.data["value"]), [])) for choice in self["templates"]]

    def clean_excluded(self):
        """The staff numbers as employees; numbers nobody has are named in the error."""
        numbers = split_staff_numbers(self.cleaned_data.get("excluded", ""))
        if not numbers:
            return []
        # Staff numbers match whatever case they were typed in: one query for them all.
        matches = self.employees.annotate(number=Upper("staff_number")).filter(number__in=[n.upper() for n in numbers])
        found = {e.staff_number.casefold(): e for e in matches}
        unknown = [n for n in numbers if n.casefold() not in found]
        if unknown:
            raise forms.ValidationError(
                f"No employee has the staff number{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}."
            )
        return list(found.values())


class PhasesForm(forms.Form):
    """Start and end of each of the seven phases, as datetime-local inputs read in the
    organisation's time zone (the request runs inside it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in PhaseKind.choices:
            for edge, edge_label in (("starts_at", "starts"), ("ends_at", "ends")):
                self.fields[f"{kind}-{edge}"] = forms.DateTimeField(
                    label=f"{label} {edge_label}",
                    input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
                )

    def rows(self):
        return [(kind, label, self[f"{kind}-starts_at"], self[f"{kind}-ends_at"]) for kind, label in PhaseKind.choices]

    def phases(self) -> list[dict]:
        return [
            {
                "kind": kind,
                "starts_at": self.cleaned_data[f"{kind}-starts_at"],
                "ends_at": self.cleaned_data[f"{kind}-ends_at"],
            }
            for kind in PhaseKind.values
        ]
