"""Forms of the reminder pages: a cycle's reminder rule, the organisation's quiet hours, and
the reminder log's filter."""

from django import forms

from .models_reminders import ReminderKind, ReminderRule
from .quiet_hours import WEEKDAYS

STEPS = [
    (0, "No escalation"),
    (1, "One step: the appraising officer (for an appraisee's action)"),
    (2, "Two steps: then the countersigning officer"),
    (3, "Three steps: then HR"),
]
DAYS_WIDGET = forms.NumberInput(attrs={"min": 0, "max": 365, "inputmode": "numeric"})


def _days(name, label):
    help_text = ReminderRule._meta.get_field(name).help_text
    return forms.IntegerField(label=label, min_value=0, max_value=365, widget=DAYS_WIDGET, help_text=help_text)


class ReminderRuleForm(forms.Form):
    FIELDS = (
        "days_before",
        "overdue_every_days",
        "escalate_after_days",
        "escalation_every_days",
        "escalation_steps",
        "active",
    )

    active = forms.BooleanField(required=False, label="Send reminders for this cycle")
    days_before = _days("days_before", "Days before a deadline")
    overdue_every_days = _days("overdue_every_days", "Repeat while overdue, every (days)")
    escalate_after_days = _days("escalate_after_days", "Escalate after (days overdue)")
    escalation_every_days = _days("escalation_every_days", "Days between escalation steps")
    escalation_steps = forms.TypedChoiceField(
        choices=STEPS,
        coerce=int,
        label="How far up it goes",
        help_text="An appraisee's late action goes to their appraising officer, then the countersigning "
        "officer, then HR; an officer's starts one step higher. People missing from the chain are skipped.",
    )


class QuietHoursForm(forms.Form):
    quiet_from = forms.TimeField(
        label="Quiet from",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="For example 19:00.",
    )
    quiet_until = forms.TimeField(
        label="Quiet until",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="The working morning: reminders held overnight go out from this time. Equal times: no quiet hours.",
    )
    working_days = forms.MultipleChoiceField(
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        label="Working days",
        help_text="Reminders due on other days wait for the next working day.",
    )


class LogFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *ReminderKind.choices], required=False, label="Kind")
