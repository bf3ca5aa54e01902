"""Forms of the appraisal screens. Every form carries the appraisal's version it was rendered
with, so a save over someone else's newer change is refused instead of overwriting it.
Rules (weights, goals, who may edit) live in the services; forms only parse input."""

from django import forms

from .workflow import ACTIONS


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StepForm(VersionedForm):
    action = forms.ChoiceField(choices=[(a, a) for a in sorted(ACTIONS)], widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class TargetForm(VersionedForm):
    title = forms.CharField(max_length=300)
    measure = forms.CharField(max_length=300, required=False, help_text="How achievement will be judged.")
    # Range checks are the service's, so the message is the same from the page and from code.
    weight = forms.DecimalField(max_digits=7, decimal_places=2, help_text="Share of the work targets, 0–100.")
    goal = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="— No goal —",
        help_text="The goal of the cascade this target serves.",
    )

    def __init__(self, *args, goals, require_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["goal"].label_from_instance = lambda goal: f"{goal.get_level_display()}: {goal.title}"
        if require_reason:
            self.fields["reason"] = forms.CharField(
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Why the target is revised; kept in its history.",
            )


class MidtermNoteForm(VersionedForm):
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Progress note"
    )


class MeetingForm(VersionedForm):
    midterm_meeting_on = forms.DateField(
        label="Mid-term review meeting held on", widget=forms.DateInput(attrs={"type": "date"})
    )
