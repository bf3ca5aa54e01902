"""Forms of the moderation pages; the rules live in services_moderation."""

from django import forms

from .services_moderation import share_field

REASON_HELP = "Required. Kept with the appraisal and shown on its report: say what the panel weighed."


class OpenSessionForm(forms.Form):
    cycle = forms.ChoiceField(label="Cycle", help_text="Cycles under way with countersigned appraisals in scope.")

    def __init__(self, *args, cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cycles = {str(cycle.public_id): cycle for cycle in cycles}
        self.fields["cycle"].choices = [("", "— Choose a cycle —")] + [
            (key, cycle.name) for key, cycle in self.cycles.items()
        ]

    def clean_cycle(self):
        return self.cycles[self.cleaned_data["cycle"]]


class CloseSessionForm(forms.Form):
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the panel found and decided. Closing lets HR release the results of its scope.",
    )


class AdjustForm(forms.Form):
    new_level = forms.ChoiceField(label="New overall level")
    reason = forms.CharField(label="Justification", widget=forms.Textarea(attrs={"rows": 4}), help_text=REASON_HELP)

    def __init__(self, *args, levels=(), current="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_level"].choices = [("", "— Choose a level —")] + [
            (label, f"{label} (current)" if label == current else label) for label in levels
        ]


class GuidelineForm(forms.Form):
    """One share per level of the cycle's scale; field names by position (share_0, share_1…)."""

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(levels)
        for index, label in enumerate(self.levels):
            self.fields[share_field(index)] = forms.CharField(
                label=f"Level {label} (%)",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )

    def shares(self) -> dict:
        return {label: self.data.get(share_field(index), "") for index, label in enumerate(self.levels)}
