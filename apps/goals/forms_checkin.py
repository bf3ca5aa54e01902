"""The check-in form: a new value for one of the goal's indicators, or a percentage when the
goal has none, with a comment and an optional confidence.

The indicators to choose from are the goal's own, passed in by the view (already fetched with
the goal, so a page of many target cards does not query once per card). Their public ids are
the choice values. The business rules (range, closed goals, which fields go together) live
in services.checkins; the form only parses, so every rule has one source and one message.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import forms

CONFIDENCE_CHOICES = [
    ("", "Not stated"),
    (1, "1 — unlikely to be met"),
    (2, "2 — at risk"),
    (3, "3 — could go either way"),
    (4, "4 — likely to be met"),
    (5, "5 — sure to be met"),
]


def _indicator_label(indicator) -> str:
    unit = f" {indicator.unit_of_measure}" if indicator.unit_of_measure else ""
    return f"{indicator.name} (target {indicator.target.normalize():f}{unit})"


class CheckInForm(forms.Form):
    indicator = forms.ChoiceField(label="Indicator", required=False)
    actual = forms.DecimalField(
        label="New value",
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    percentage = forms.DecimalField(
        label="Progress (%)",
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "max": "100", "inputmode": "decimal"}),
    )
    confidence = forms.TypedChoiceField(
        label="Confidence", choices=CONFIDENCE_CHOICES, coerce=int, empty_value=None, required=False
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What moved, what is in the way"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicators=(), rolls_up=False, **kwargs):
        """`rolls_up`: goals are aligned under this one, so its progress comes from them and a
        check-in here gives indicator values or a comment, never a percentage."""
        super().__init__(*args, **kwargs)
        self.indicators = {str(indicator.public_id): indicator for indicator in indicators}
        if rolls_up and not self.indicators:
            del self.fields["indicator"]
            del self.fields["actual"]
            del self.fields["percentage"]
            self.fields["comment"].help_text = "Its progress comes from the goals under it: say how things stand."
        elif self.indicators:
            # The goal's progress comes from its indicators: a percentage would be refused.
            del self.fields["percentage"]
            choices = [(key, _indicator_label(indicator)) for key, indicator in self.indicators.items()]
            if len(choices) > 1:
                choices.insert(0, ("", "Only a comment"))
            else:
                self.fields["indicator"].initial = choices[0][0]
            self.fields["indicator"].choices = choices
        else:
            del self.fields["indicator"]
            del self.fields["actual"]
            self.fields["percentage"].help_text = "How far the goal is now, from 0 to 100."

    def clean_indicator(self):
        key = self.cleaned_data.get("indicator")
        if not key:
            return None
        indicator = self.indicators.get(key)
        if indicator is None:
            raise forms.ValidationError("Choose one of this goal's indicators.")
        return indicator

    def clean_percentage(self):
        value = self.cleaned_data.get("percentage")
        if value is None or abs(value) > 1000:
            return value  # out of range: the service says so; quantizing a huge number would fail
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def service_kwargs(self) -> dict:
        """The cleaned values, named as checkin_record() takes them."""
        data = self.cleaned_data
        return {
            "indicator": data.get("indicator"),
            "actual": data.get("actual"),
            "percentage": data.get("percentage"),
            "comment": data.get("comment", ""),
            "confidence": data.get("confidence"),
        }
