"""Forms of the appraisal template pages. Choice querysets are built by the view inside the
tenant's scope and passed in; choices carry public ids."""

from decimal import Decimal

from django import forms

from .models import SectionKind


class ScaleChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj):
        return obj.name if obj.is_active else f"{obj.name} (inactive)"


class GradeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="public_id", widget=forms.CheckboxSelectMultiple, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name} · {obj.staff_class.name}"


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example “Managers” or “Front-line staff”.")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who this scheme is for and how it assesses them.",
    )
    scale = ScaleChoiceField(
        label="Rating scale", empty_label="— Choose —", help_text="Every rating on this template uses this scale."
    )
    staff_classes = forms.ModelMultipleChoiceField(
        queryset=None,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Staff classes assessed",
        help_text="Everyone in these staff classes is appraised on this template.",
    )
    grades = GradeMultipleChoiceField(
        required=False,
        label="Grades assessed",
        help_text="Name a grade to give it this template even when its staff class has another: a grade wins over "
        "its class.",
    )
    is_active = forms.BooleanField(
        required=False,
        initial=True,
        label="Active",
        help_text="Only active templates can be used by a new cycle; a staff class or grade has one active template.",
    )

    appraisee_sees_countersigning = forms.BooleanField(
        required=False,
        initial=True,
        label="The appraisee reads the countersigning officer's remarks",
        help_text="Shown in the released report. Clear it to keep the countersigning officer's view between the "
        "officers and HR.",
    )

    FIELDS = ("name", "description", "scale", "staff_classes", "grades", "appraisee_sees_countersigning", "is_active")
    # Rendered as fieldsets of checkboxes rather than through components/field.html.
    CHOICE_GROUPS = ("staff_classes", "grades")

    def __init__(self, *args, scales, staff_classes, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale"].queryset = scales
        self.fields["staff_classes"].queryset = staff_classes
        self.fields["grades"].queryset = grades


class SectionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=SectionKind.choices,
        help_text="Work targets and core competencies are rated and scored; the other kinds are written only. "
        "A template has at most one work-targets section.",
    )
    title = forms.CharField(max_length=200, help_text="The heading the appraisee and officers see.")
    guidance = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Instructions shown to whoever fills or rates the section.",
    )
    weight = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("0"),
        label="Weight (%)",
        help_text="Share of the overall score. Only scored sections carry weight; their weights add up to 100.",
    )
    appraisee_fills = forms.BooleanField(
        required=False, initial=True, label="Appraisee fills", help_text="The appraisee writes in this section."
    )
    appraisee_self_rates = forms.BooleanField(
        required=False,
        label="Self-rating",
        help_text="The appraisee rates themselves on the scale before the appraising officer does (scored sections).",
    )
    officer_rates = forms.BooleanField(
        required=False,
        initial=True,
        label="Appraising officer rates or writes",
        help_text="Scored sections: the appraising officer rates each target or competency (required). "
        "Written sections: the officer writes their own view beside the appraisee's.",
    )
    countersigning_sees = forms.BooleanField(
        required=False,
        initial=True,
        label="Countersigning officer sees",
        help_text="The countersigning officer reads this section when reviewing the ratings.",
    )
    targets_need_goal = forms.BooleanField(
        required=False,
        initial=True,
        label="Targets must serve a goal",
        help_text="Work-target sections: each target must be linked to a goal of the cascade.",
    )

    FIELDS = (
        "kind",
        "title",
        "guidance",
        "weight",
        "appraisee_fills",
        "appraisee_self_rates",
        "officer_rates",
        "countersigning_sees",
        "targets_need_goal",
    )

    def clean_weight(self):
        # An empty weight means "not scored": the service decides whether that is allowed.
        return self.cleaned_data["weight"] if self.cleaned_data["weight"] is not None else Decimal("0")


class CompetencyForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example “Leadership” or “Customer focus”.")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What the competency covers."
    )

    def __init__(self, *args, levels, **kwargs):
        """One descriptor field per level of the template's scale, highest first."""
        super().__init__(*args, **kwargs)
        self.levels = list(levels)
        for level in self.levels:
            self.fields[self.level_field(level)] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=f"{level.label} {level.name}".strip(),
                help_text="What someone shows at this level (a behavioural descriptor). Leave empty for none.",
            )

    @staticmethod
    def level_field(level) -> str:
        return f"level_{level.public_id.hex}"

    def descriptor_fields(self) -> list:
        return [self[self.level_field(level)] for level in self.levels]

    def descriptors(self) -> dict:
        """{ScaleLevel: text} for competency_save()."""
        return {level: self.cleaned_data.get(self.level_field(level), "") for level in self.levels}
