"""The organisation's structure and people: the unit tree, staff classes and grades,
positions, employees and their reporting lines."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Collate, Lower, Upper

from apps.tenancy.models import TenantModel


class UnitKind(models.TextChoices):
    ORGANISATION = "organisation", "Organisation"
    DIVISION = "division", "Division"
    DEPARTMENT = "department", "Department"
    SECTION = "section", "Section"
    TEAM = "team", "Team"
    OTHER = "other", "Other"


class OrgUnit(TenantModel):
    """A node of the unit tree.

    `path` is a materialised path of zero-padded ids ("000012/000040/"), maintained by
    the services, so a whole subtree is one indexed prefix query and the tree sorts in
    order without recursion.
    """

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    head = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_units"
    )
    path = models.CharField(max_length=400, default="", editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="people_orgunit_code_unique"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "path"],
                name="people_unit_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["organization", "parent"], name="people_unit_parent_idx"),
        ]

    def __str__(self):
        return self.name


class StaffClass(TenantModel):
    """A class of staff assessed on the same criteria (managers, professionals, front line)."""

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_senior_management = models.BooleanField(
        default=False,
        help_text="People of this class are the organisation's senior management: they set its strategic goals.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "staff classes"
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="people_staffclass_code_unique"),
        ]

    def __str__(self):
        return self.name


class Grade(TenantModel):
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    staff_class = models.ForeignKey(StaffClass, on_delete=models.PROTECT, related_name="grades")
    rank = models.PositiveSmallIntegerField(default=0, help_text="Higher ranks are more senior.")

    class Meta:
        ordering = ["-rank", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="people_grade_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Position(TenantModel):
    """A post: title in a unit at a grade. Several employees may hold the same post."""

    title = models.CharField(max_length=200)
    code = models.CharField(max_length=40, blank=True)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="positions")
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT, related_name="positions")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "unit", "title"], name="people_position_title_unique_in_unit"
            ),
        ]
        indexes = [models.Index(fields=["organization", "unit"], name="people_position_unit_idx")]

    def __str__(self):
        return self.title


def _prefix(column: str) -> Collate:
    """UPPER(column) in the "C" collation: `istartswith` compiles to UPPER(column) LIKE 'ABC%',
    which PostgreSQL answers as an index range only from a "C" (or text_pattern_ops) index,
    whatever the database's own collation. (OpClass would need django.contrib.postgres.)"""
    return Collate(Upper(column), "C")


class Employee(TenantModel):
    """A person employed by the organisation. Never hard-deleted: deactivated instead.

    The default appraising officer (AO) is the manager; the default countersigning officer
    (CO) is the AO's own manager. HR may override either per employee.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="employments"
    )
    staff_number = models.CharField(max_length=40)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="employees")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, related_name="holders")
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT, related_name="employees")
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="direct_reports")
    appraising_officer_override = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to use the manager.",
    )
    countersigning_officer_override = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to use the appraising officer's manager.",
    )
    hire_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "staff_number"], name="people_employee_staffno_unique"),
            models.UniqueConstraint(fields=["organization", "user"], name="people_employee_user_unique"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("id")), name="people_employee_not_own_manager"),
        ]
        indexes = [
            models.Index(fields=["organization", "unit"], name="people_employee_unit_idx"),
            models.Index(fields=["organization", "manager"], name="people_employee_manager_idx"),
            models.Index(
                fields=["organization", "is_active", "last_name", "first_name"], name="people_employee_list_idx"
            ),
            models.Index("organization", Lower("email"), name="people_employee_email_idx"),
            # The person picker's prefix search (selectors.person_search).
            models.Index("organization", _prefix("last_name"), name="people_emp_last_prefix_idx"),
            models.Index("organization", _prefix("first_name"), name="people_emp_first_prefix_idx"),
            models.Index("organization", _prefix("staff_number"), name="people_emp_staffno_prefix_idx"),
            models.Index("organization", _prefix("email"), name="people_emp_email_prefix_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def appraising_officer(self):
        return self.appraising_officer_override or self.manager

    @property
    def countersigning_officer(self):
        if self.countersigning_officer_override_id:
            return self.countersigning_officer_override
        ao = self.appraising_officer
        return ao.manager if ao is not None else None


class CsvImport(TenantModel):
    """One uploaded CSV file on its way in: previewed first, applied only when every row is valid.

    The file's text is kept so the confirmation applies exactly what was previewed.
    """

    class Kind(models.TextChoices):
        UNITS = "units", "Org units"
        EMPLOYEES = "employees", "Employees"

    class Status(models.TextChoices):
        INVALID = "invalid", "Has errors"
        READY = "ready", "Ready to import"
        APPLIED = "applied", "Imported"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    file_name = models.CharField(max_length=255)
    content = models.TextField()
    row_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="people_csvimport_recent_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} import {self.file_name}"
