"""Forms of the goal pages. Choice querysets are built by the views inside the tenant's scope
and passed in; nothing here queries at import time. Choices carry public ids."""

from django import forms

from apps.people.forms import INDENT, EmployeeChoiceField, PositionChoiceField, UnitChoiceField

from .models import Direction, GoalLevel, GoalStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERCENT_ERRORS = {
    "max_value": "A weight is a percentage from 0 to 100.",
    "min_value": "A weight is a percentage from 0 to 100.",
    "invalid": "Give the weight as a number, e.g. 25.",
}


class GoalChoiceField(forms.ModelChoiceField):
    """Goals in tree order, indented by depth and labelled with their level and unit, so a long
    select of a period's goals still reads as the cascade."""

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj):
        where = f" — {obj.unit.name}" if obj.unit_id else ""
        return f"{INDENT * obj.depth}{obj.get_level_display()}: {obj.title}{where}"


# --- Goals ---------------------------------------------------------------------------------------

# Which fields each level shows. What a goal belongs to (unit, post, person) is chosen when it
# is set and fixed afterwards; the period comes from the page (it scopes the parent choices).
LEVEL_FIELDS = {
    GoalLevel.STRATEGIC: ("title", "description", "measure", "owner"),
    GoalLevel.CORPORATE: ("title", "description", "measure", "parent", "weight", "owner"),
    GoalLevel.UNIT: ("unit", "title", "description", "measure", "parent", "weight", "owner"),
    GoalLevel.POSITION: ("position", "title", "description", "measure", "parent", "weight", "owner"),
    GoalLevel.INDIVIDUAL: ("employee", "title", "description", "measure", "parent", "weight"),
}
FIXED_AFTER_CREATE = ("unit", "position", "employee")

# The goals a new goal of each level may plausibly serve. The service accepts any level above;
# these keep the select short (nobody aligns a work target straight to the strategy).
PARENT_LEVELS = {
    GoalLevel.STRATEGIC: (),
    GoalLevel.CORPORATE: (GoalLevel.STRATEGIC,),
    GoalLevel.UNIT: (GoalLevel.STRATEGIC, GoalLevel.CORPORATE, GoalLevel.UNIT),
    GoalLevel.POSITION: (GoalLevel.CORPORATE, GoalLevel.UNIT),
    GoalLevel.INDIVIDUAL: (GoalLevel.CORPORATE, GoalLevel.UNIT, GoalLevel.POSITION),
}

PARENT_HELP = {
    GoalLevel.CORPORATE: "The strategic goal this serves.",
    GoalLevel.UNIT: "The strategic or corporate goal this serves, or a goal of a unit above this one.",
    GoalLevel.POSITION: "The unit goal this target serves.",
    GoalLevel.INDIVIDUAL: "The unit goal or position target this serves — it shows why the target exists. "
    "A target that serves nothing shows up as an alignment gap.",
}

WEIGHT_HELP = {
    GoalLevel.INDIVIDUAL: "Share of this person's targets, in percent.",
}


class GoalForm(forms.Form):
    unit = UnitChoiceField(
        queryset=None,
        empty_label="— Choose the unit —",
        help_text="The unit this goal belongs to.",
        error_messages={"required": "Choose the unit this goal belongs to."},
    )
    position = PositionChoiceField(
        queryset=None,
        empty_label="— Choose the post —",
        help_text="Everyone who holds this post carries the target; it is proposed to them as a work target.",
        error_messages={"required": "Choose the post whose holders carry this target."},
    )
    employee = EmployeeChoiceField(
        queryset=None,
        scope="team",  # the picker suggests the actor and the people under them, as the queryset holds
        empty_label="— Choose the person —",
        label="Person",
        help_text="Whose work target this is: your own, or someone in your team.",
        error_messages={
            "required": "Choose whose target this is.",
            "invalid_choice": "Choose yourself or someone in your team from the list.",
        },
    )
    title = forms.CharField(
        max_length=300,
        help_text="What is to be achieved, in a short sentence.",
        error_messages={"required": "Give the goal a title."},
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Context, scope or approach (optional)."
    )
    measure = forms.CharField(
        max_length=300,
        required=False,
        label="How achievement is judged",
        help_text="For example “customer satisfaction of 85% in the annual survey”. Add measurable key "
        "indicators after saving.",
    )
    parent = GoalChoiceField(queryset=None, label="Serves", empty_label="— Nothing above it —")
    weight = forms.DecimalField(
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=0,
        label="Weight (%)",
        error_messages=PERCENT_ERRORS,
        help_text="Share among the goals under the same parent, in percent; they should add up to 100.",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100"}),
    )
    owner = EmployeeChoiceField(
        queryset=None,
        required=False,
        empty_label="— Nobody in particular —",
        label="Owner",
        help_text="The person responsible for it, who records its progress.",
        error_messages={
            "invalid_choice": "The owner is yourself, the head of a unit or someone in the goal's unit: choose one "
            "of them from the suggestions.",
        },
    )

    def __init__(
        self,
        *args,
        level,
        period,
        parents,
        units=None,
        positions=None,
        employees=None,
        owners=None,
        editing=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.level = level
        keep = [name for name in LEVEL_FIELDS[level] if not (editing and name in FIXED_AFTER_CREATE)]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.order_fields(keep)
        querysets = {"parent": parents, "unit": units, "position": positions, "employee": employees, "owner": owners}
        for name, queryset in querysets.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        if "parent" in self.fields:
            parent = self.fields["parent"]
            parent.required = level in (GoalLevel.UNIT, GoalLevel.POSITION)
            parent.error_messages["required"] = f"Choose the goal this {GoalLevel(level).label.lower()} serves."
            parent.help_text = PARENT_HELP[level]
            # Only the period's goals are offered, so a goal of another period is "not in the list".
            parent.error_messages["invalid_choice"] = (
                f"Choose a goal of {period} from the list: a goal serves goals of its own period, and not "
                "one that was dropped."
            )
        if "weight" in self.fields and level in WEIGHT_HELP:
            self.fields["weight"].help_text = WEIGHT_HELP[level]

    def goal_values(self) -> dict:
        """The cleaned values as keyword arguments of the goal services."""
        return dict(self.cleaned_data)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(widget=forms.RadioSelect, label="New status")
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text="Required when a goal is dropped; kept in the goal's history.",
    )

    LABELS = {
        GoalStatus.ACTIVE: "Active — under way (reopen it)",
        GoalStatus.ACHIEVED: "Achieved",
        GoalStatus.MISSED: "Missed — the period ended without reaching it",
        GoalStatus.DROPPED: "Dropped — no longer pursued (it stops counting in the goal above)",
    }

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(status, self.LABELS[status]) for status in statuses]


# --- Key indicators ------------------------------------------------------------------------------


class IndicatorForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="What is measured, e.g. “Average waiting time”.")
    unit_of_measure = forms.CharField(max_length=40, required=False, label="Unit", help_text="%, days, customers, €…")
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.HIGHER, widget=forms.RadioSelect)
    baseline = forms.DecimalField(max_digits=14, decimal_places=2, help_text="Where you start from.")
    target = forms.DecimalField(max_digits=14, decimal_places=2, help_text="Where you aim to be by the due date.")
    actual = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        label="Current value",
        help_text="Leave empty until there is a first measurement; owners update it with check-ins.",
    )
    due_date = forms.DateField(required=False, label="Due date", widget=DATE_INPUT)

    FIELDS = ("name", "unit_of_measure", "direction", "baseline", "target", "actual", "due_date")


# --- Periods -------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="For example “2026” or “2026 – first half”.")
    starts_on = forms.DateField(label="First day", widget=DATE_INPUT)
    ends_on = forms.DateField(label="Last day", widget=DATE_INPUT)

    def clean_name(self):
        return self.cleaned_data["name"].strip()
