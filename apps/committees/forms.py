"""Forms of the committee pages. Querysets are set by the view inside the tenant's scope;
choices carry public ids."""

from django import forms

from apps.cycles.models import Cycle
from apps.people.forms import EmployeeChoiceField, EmployeeMultipleChoiceField, UnitChoiceField
from apps.people.models import Employee, OrgUnit

from .models import Committee, CommitteeKind, IssueStatus, MemberRole
from .services.committees import GRANTS


class PublicIdChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset=queryset, **kwargs)


class UnitsField(forms.ModelMultipleChoiceField):
    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        kwargs.setdefault("required", False)
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj):
        return UnitChoiceField.label_from_instance(self, obj)


class EmployeesField(EmployeeMultipleChoiceField):
    """Several people with the person picker: a ticked box per person, a search box to add more."""

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=queryset, **kwargs)


def _units():
    return OrgUnit.objects.filter(is_active=True).order_by("path")


def _people():
    return Employee.objects.filter(is_active=True).order_by("last_name", "first_name")


def _cycles():
    return Cycle.objects.order_by("-created_at")


DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CommitteeForm(forms.Form):
    name = forms.CharField(max_length=150)
    kind = forms.ChoiceField(choices=CommitteeKind.choices)
    responsibilities = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    reports_to = PublicIdChoiceField(
        required=False, empty_label="— Nobody —", help_text="Progress reports of this group go to this committee."
    )
    units = UnitsField(
        label="Scope", help_text="The units it covers, with their sub-units. None chosen: the whole organisation."
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Committee.objects.order_by("name")
        if committee is not None:
            others = others.exclude(pk=committee.pk)
        self.fields["reports_to"].queryset = others
        self.fields["units"].queryset = _units()


class MemberForm(forms.Form):
    employee = EmployeeChoiceField(label="Person", empty_label="— Choose —")
    role = forms.ChoiceField(choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = _people()


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=MemberRole.choices)


class GrantForm(forms.Form):
    employee = EmployeeChoiceField(label="Person", empty_label="— Choose —", scope="users")
    permission = forms.ChoiceField(choices=list(GRANTS.items()), label="Access")

    def __init__(self, *args, **kwargs):
        # The committee page shows this form beside MemberForm: ids of its own, so each label
        # and each person picker's list belong to their field.
        kwargs.setdefault("auto_id", "id_grant_%s")
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = _people().filter(user__isnull=False)


class ReportCreateForm(forms.Form):
    cycle = PublicIdChoiceField(empty_label="— Choose —")
    period_label = forms.CharField(max_length=60, label="Period", help_text="Which report this is, e.g. “March”.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = _cycles()


class ReportTextForm(forms.Form):
    went_well = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="What went well")
    problems = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Problems found")
    needs = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="What the group needs")


class CycleChoiceForm(forms.Form):
    cycle = PublicIdChoiceField(empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = _cycles()


class IssueForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    cycle = PublicIdChoiceField(required=False, empty_label="— No particular cycle —")
    owner = EmployeeChoiceField(required=False, empty_label="— Nobody yet —", help_text="Who sees it through.")
    status = forms.ChoiceField(choices=IssueStatus.choices, initial=IssueStatus.OPEN, required=False)
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    resolved_on = forms.DateField(required=False, widget=DATE, help_text="Left empty: today, when resolved.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = _cycles()
        self.fields["owner"].queryset = _people()


class IssueFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Not resolved"), ("all", "All"), *IssueStatus.choices], required=False)
    committee = PublicIdChoiceField(required=False, empty_label="All committees")
    cycle = PublicIdChoiceField(required=False, empty_label="All cycles")
    q = forms.CharField(required=False, label="Search", max_length=100)

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees if committees is not None else Committee.objects.all()
        self.fields["cycle"].queryset = _cycles()


class LessonForm(forms.Form):
    cycle = PublicIdChoiceField(empty_label="— Choose —")
    title = forms.CharField(max_length=200, label="What to change next time")
    detail = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = _cycles()


class TrainingForm(forms.Form):
    title = forms.CharField(max_length=200)
    held_on = forms.DateField(widget=DATE, label="Held on")
    covered = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What was covered")
    trainer = EmployeeChoiceField(required=False, empty_label="— Not recorded —")
    committee = PublicIdChoiceField(required=False, empty_label="— None —", label="Run by")
    attendees = EmployeesField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = _people()
        self.fields["attendees"].queryset = _people()
        self.fields["committee"].queryset = Committee.objects.order_by("name")


class AnnouncementForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    committee = PublicIdChoiceField(required=False, label="Published by", empty_label="HR")
    units = UnitsField(help_text="Who sees it: these units with their sub-units. None chosen: all staff.")
    published_from = forms.DateTimeField(required=False, widget=DATETIME, help_text="Left empty: now.")
    published_until = forms.DateTimeField(required=False, widget=DATETIME, help_text="Left empty: until withdrawn.")

    def __init__(self, *args, committees=(), allow_hr=True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["committee"]
        field.queryset = Committee.objects.filter(pk__in=[c.pk for c in committees]).order_by("name")
        if not allow_hr:
            field.required, field.empty_label = True, "— Choose —"
        self.fields["units"].queryset = _units()
