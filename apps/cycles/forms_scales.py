"""Forms of the rating-scale pages: the scale's own fields, and its levels as rows of a formset.

Every level field is optional here: blank rows are simply ignored, and the rules about what a
level needs (value, label, rising bands) live in services.scales, which names the row at fault.
"""

from decimal import Decimal

from django import forms

from .services.scales import LEVEL_FIELDS

LEVELS_PREFIX = "levels"
BLANK_ROWS_ON_CREATE = 5

# "Start from the usual five levels": (value, name, band_from, descriptor).
FIVE_LEVELS = [
    ("5", "Outstanding", "4.50", "Performance far exceeds what the role requires, in every respect."),
    ("4", "Very good", "3.50", "Performance exceeds what the role requires in most respects."),
    ("3", "Good", "2.50", "Performance fully meets what the role requires."),
    ("2", "Fair", "1.50", "Performance meets some of what the role requires; improvement is needed."),
    ("1", "Unsatisfactory", "0.00", "Performance falls well short of what the role requires."),
]


def five_level_rows() -> list[dict]:
    return [
        {"value": Decimal(v), "label": v, "name": name, "descriptor": text, "band_from": Decimal(band)}
        for v, name, band, text in FIVE_LEVELS
    ]


class ScaleForm(forms.Form):
    FIELDS = ("name", "description", "is_active")

    name = forms.CharField(max_length=120, help_text="For example “Five-level performance scale”.")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When to use this scale; shown to HR only.",
    )
    is_active = forms.BooleanField(
        required=False,
        initial=True,
        label="Active",
        help_text="Only active scales can be chosen for new templates.",
    )


class LevelForm(forms.Form):
    value = forms.DecimalField(
        required=False, max_digits=6, decimal_places=2, widget=forms.NumberInput(attrs={"step": "any"})
    )
    label = forms.CharField(required=False, max_length=40)
    name = forms.CharField(required=False, max_length=80)
    descriptor = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 1}))
    band_from = forms.DecimalField(
        required=False,
        max_digits=6,
        decimal_places=2,
        label="Band from",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    def row(self) -> dict | None:
        """The cleaned level, or None for a row left blank."""
        data = getattr(self, "cleaned_data", {}) or {}
        if all(data.get(field) in (None, "") for field in LEVEL_FIELDS):
            return None
        return {field: data.get(field) for field in LEVEL_FIELDS}


def level_formset(data=None, *, initial=(), blank_rows=1):
    """A formset of the given level rows followed by `blank_rows` empty ones.

    INITIAL_FORMS counts no rows as saved objects, so every row (even a pre-filled one the
    person empties) may be left blank without an error."""
    factory = forms.formset_factory(LevelForm, extra=blank_rows, max_num=50, absolute_max=50)
    formset = factory(data, initial=list(initial) or None, prefix=LEVELS_PREFIX)
    return formset


def rows_as_posted(data, prefix: str = LEVELS_PREFIX) -> list[dict]:
    """The level rows exactly as typed (unvalidated), to re-show them with one more row."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 50)
    except (TypeError, ValueError):
        total = 0
    rows = [{field: data.get(f"{prefix}-{i}-{field}", "") for field in LEVEL_FIELDS} for i in range(total)]
    return [row for row in rows if any((value or "").strip() for value in row.values())]
