"""Forms of a launched cycle's schedule: moving on now, and extending the current phase. The
new end is read in the organisation's time zone (the request runs inside it)."""

from django import forms

from .forms_cycles import DATETIME_LOCAL
from .models import PhaseKind

REASON_HELP = "Recorded in the cycle's history and the audit trail."


class AdvanceForm(forms.Form):
    expected_phase = forms.ChoiceField(choices=PhaseKind.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
        error_messages={"required": "Say why the phase ends early."},
    )
    confirm = forms.BooleanField(
        error_messages={"required": "Tick this box to confirm: the step cannot be undone."},
    )

    def __init__(self, *args, target_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = (
            f"Yes, end the current phase now and open {target_label.lower()} for everyone in the cycle"
            if target_label
            else "Yes, end the last phase now and close the cycle"
        )


class ExtendForm(forms.Form):
    phase_kind = forms.ChoiceField(choices=PhaseKind.choices, widget=forms.HiddenInput)
    ends_at = forms.DateTimeField(
        label="New end",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text="In the organisation's time zone. Later phases move only as far as they must not to overlap.",
        error_messages={"required": "Give the new end date and time.", "invalid": "Give a date and time."},
    )
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
        error_messages={"required": "Say why the phase is extended."},
    )
