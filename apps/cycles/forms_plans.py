"""Forms of an improvement plan: the plan itself, the person's acknowledgement, the review that
closes it. The services validate what the forms cannot (dates against each other, states)."""

from django import forms

from .models_plans import PlanStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    counselled_on = forms.DateField(
        label="Counselling meeting held on",
        widget=DATE,
        error_messages={"required": "Give the day of the counselling meeting."},
    )
    areas = forms.CharField(
        label="What must improve",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what must improve."},
        help_text="The shortfalls the result and the counselling found, concretely.",
    )
    actions = forms.CharField(
        label="What the person will do",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the person will do, and how progress will be seen."},
        help_text="The steps, and how progress will be seen at the review.",
    )
    support = forms.CharField(
        label="Support given",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Training, coaching, a mentor, time or resources the organisation provides.",
    )
    review_on = forms.DateField(
        label="Review on", widget=DATE, help_text="When progress is reviewed and the plan closes."
    )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label="Your comment (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything you want on record about the plan.",
    )


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label="At the review",
        choices=[(PlanStatus.IMPROVED, "The person improved"), (PlanStatus.NOT_IMPROVED, "The person did not improve")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the person improved."},
    )
    outcome = forms.CharField(
        label="What the review found",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the review found."},
    )
