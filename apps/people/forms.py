"""Forms of the people directory. Choice querysets are built by the view inside the tenant's
scope and passed in; nothing here queries at import time. Choices carry public ids."""

from django import forms

from .forms_pickers import EmployeeChoiceField, EmployeeMultipleChoiceField  # noqa: F401  (shared)
from .models import Employee, UnitKind

INDENT = "\u2003"  # an em space per tree level in unit selects

STATUS_CHOICES = [("active", "Active"), ("inactive", "Inactive"), ("all", "All")]


# --- Choice fields that label their options helpfully ---------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by depth, so a long select still reads as a tree."""

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj):
        inactive = " (inactive)" if not obj.is_active else ""
        return f"{INDENT * obj.depth}{obj.name} · {obj.code}{inactive}"


class PositionChoiceField(forms.ModelChoiceField):
    """Post titles repeat across units: show the unit too (the queryset selects it)."""

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.title} — {obj.unit.name}"


class GradeChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset=queryset, **kwargs)


class StaffClassChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset=queryset, **kwargs)


# --- Units ----------------------------------------------------------------------------------


class UnitForm(forms.Form):
    code = forms.CharField(max_length=40, help_text="Short and unique in the organisation, e.g. FIN-AP.")
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=UnitKind.choices, initial=UnitKind.DEPARTMENT)
    parent = UnitChoiceField(
        required=False,
        empty_label="— None: a top-level unit —",
        label="Parent unit",
        help_text="The unit this one sits under. Moving a unit moves its sub-units with it.",
    )
    head = EmployeeChoiceField(
        required=False,
        empty_label="— No head —",
        label="Head of unit",
        help_text="Shown on the org chart.",
    )
    is_active = forms.BooleanField(
        required=False,
        initial=True,
        label="Active",
        help_text="Inactive units are hidden from the org chart and can no longer be chosen.",
    )

    FIELDS = ("code", "name", "kind", "parent", "head", "is_active")

    def __init__(self, *args, units, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units
        self.fields["head"].queryset = employees


# --- Staff classes and grades ---------------------------------------------------------------


class StaffClassForm(forms.Form):
    code = forms.CharField(max_length=40, help_text="Unique in the organisation, e.g. MGR.")
    name = forms.CharField(max_length=120, help_text="For example Managers, Professionals, Support staff.")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who belongs to this class. Appraisal templates are chosen per staff class.",
    )
    is_senior_management = forms.BooleanField(
        required=False,
        label="Senior management",
        help_text="People of this class are the organisation's senior management: they set and edit its "
        "strategic and corporate goals.",
    )

    FIELDS = ("code", "name", "description", "is_senior_management")


class GradeForm(forms.Form):
    code = forms.CharField(max_length=40, help_text="Unique in the organisation, e.g. G7.")
    name = forms.CharField(max_length=120)
    staff_class = StaffClassChoiceField(queryset=None, label="Staff class", empty_label="— Choose —")
    rank = forms.IntegerField(min_value=0, max_value=32767, initial=0, help_text="Higher ranks are more senior.")

    FIELDS = ("code", "name", "staff_class", "rank")

    def __init__(self, *args, staff_classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_class"].queryset = staff_classes


# --- Positions ------------------------------------------------------------------------------


class PositionForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="The post title, e.g. Accounts Officer.")
    code = forms.CharField(max_length=40, required=False, help_text="Optional; unique in the organisation.")
    unit = UnitChoiceField(queryset=None, empty_label="— Choose —")
    grade = GradeChoiceField(
        queryset=None,
        required=False,
        empty_label="— No grade —",
        help_text="New holders of this post get this grade unless you choose another.",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    FIELDS = ("title", "code", "unit", "grade", "is_active")

    def __init__(self, *args, units, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["grade"].queryset = grades


class PositionFilterForm(forms.Form):
    unit = UnitChoiceField(queryset=None, required=False, empty_label="All units", label="Unit (and sub-units)")
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, initial="active")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


# --- Employees ------------------------------------------------------------------------------


class EmployeeForm(forms.Form):
    staff_number = forms.CharField(max_length=40, help_text="Unique in the organisation.")
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    email = forms.EmailField(
        max_length=254,
        label="E-mail address",
        help_text="The person signs in with this address. New people set their password with "
        "“Forgot your password?” on the sign-in page.",
    )
    unit = UnitChoiceField(queryset=None, empty_label="— Choose —")
    position = PositionChoiceField(queryset=None, required=False, empty_label="— No position —")
    grade = GradeChoiceField(
        queryset=None,
        required=False,
        empty_label="— The position's grade —",
        help_text="Leave empty to use the grade of the position.",
    )
    manager = EmployeeChoiceField(
        queryset=None,
        required=False,
        empty_label="— No manager —",
        help_text="The line manager is the default appraising officer.",
    )
    appraising_officer_override = EmployeeChoiceField(
        queryset=None,
        required=False,
        empty_label="— The manager (default) —",
        label="Appraising officer",
        help_text="Only when someone other than the manager appraises this person.",
    )
    countersigning_officer_override = EmployeeChoiceField(
        queryset=None,
        required=False,
        empty_label="— The appraising officer's manager (default) —",
        label="Countersigning officer",
        help_text="Only when someone other than the appraising officer's manager countersigns.",
    )
    hire_date = forms.DateField(
        required=False,
        label="Hire date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    is_hr_admin = forms.BooleanField(
        required=False,
        label="HR admin",
        help_text="HR admins manage people, units, posts and grades for the whole organisation.",
    )

    FIELDS = (
        "staff_number",
        "first_name",
        "last_name",
        "email",
        "unit",
        "position",
        "grade",
        "manager",
        "appraising_officer_override",
        "countersigning_officer_override",
        "hire_date",
    )

    def __init__(self, *args, units, positions, grades, employees, person=None, **kwargs):
        """`person`: the employee being edited, never suggested as their own manager or officer."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["position"].queryset = positions
        self.fields["grade"].queryset = grades
        for name in ("manager", "appraising_officer_override", "countersigning_officer_override"):
            self.fields[name].queryset = employees
            self.fields[name].widget.exclude = person.public_id if person is not None else None

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class EmployeeFilterForm(forms.Form):
    """The people list's search and filters, read from the query string."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, staff number or e-mail"}),
    )
    unit = UnitChoiceField(queryset=None, required=False, empty_label="All units", label="Unit (and sub-units)")
    staff_class = StaffClassChoiceField(
        queryset=None, required=False, empty_label="All staff classes", label="Staff class"
    )
    grade = GradeChoiceField(queryset=None, required=False, empty_label="All grades")
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, initial="active")
    missing = forms.ChoiceField(
        required=False,
        label="Missing",
        choices=[("", "—"), ("manager", "No manager"), ("position", "No position")],
    )

    def __init__(self, *args, units, staff_classes, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["staff_class"].queryset = staff_classes
        self.fields["grade"].queryset = grades

    def filters(self) -> dict:
        """The valid filters as keyword arguments of selectors.employee_directory; an invalid
        value (a stale or foreign id in a bookmarked URL) is ignored rather than an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q") or "",
            "unit": data.get("unit"),
            "staff_class": data.get("staff_class"),
            "grade": data.get("grade"),
            "status": data.get("status") or "active",
            "missing": data.get("missing") or "",
        }


class ConfirmForm(forms.Form):
    """A confirmation step with no fields: it only carries the non-field errors of the action."""


class DeactivateForm(ConfirmForm):
    """Deactivating someone, optionally handing what they were responsible for to a successor
    (their manager by default): reports, units headed, officer overrides, open appraisals."""

    successor = EmployeeChoiceField(
        queryset=None,
        required=False,
        empty_label="— Nobody: I will reassign by hand —",
        label="Hand over to",
        help_text="Their direct reports, the units they head and their open appraisals as appraising or "
        "countersigning officer move to this person.",
    )

    def __init__(self, *args, employee: Employee, **kwargs):
        manager = employee.manager if employee.manager_id and employee.manager.is_active else None
        kwargs.setdefault("initial", {"successor": manager})
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = Employee.objects.filter(is_active=True).exclude(pk=employee.pk)
        self.fields["successor"].widget.exclude = employee.public_id
