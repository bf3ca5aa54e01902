"""Reads of people data that several views share, with their prefetching."""

from django.db.models import Count, Q

from .models import Employee, OrgUnit


def employee_for_user(user):
    """The signed-in user's employee record in the active organisation, or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Employee.objects.select_related("unit", "position", "grade", "manager")
        .filter(user=user)
        .first()
    )


def employee_with_lines(employee_qs):
    """Everything an employee card shows, in one query."""
    return employee_qs.select_related(
        "unit",
        "position",
        "grade__staff_class",
        "manager__manager",
        "appraising_officer_override__manager",
        "countersigning_officer_override",
        "user",
    )


def units_with_head_counts():
    """Every unit in tree order with its head and active head count: one query."""
    return (
        OrgUnit.objects.select_related("head", "parent")
        .annotate(head_count=Count("employees", filter=Q(employees__is_active=True)))
        .order_by("path")
    )


def direct_reports_of(employee):
    return list(
        Employee.objects.filter(manager=employee, is_active=True)
        .select_related("position", "unit")
        .order_by("last_name", "first_name")
    )


def dashboard_figures():
    """Headline counts for HR in one query per table (a constant three)."""
    employees = Employee.objects.aggregate(
        active=Count("id", filter=Q(is_active=True)),
        inactive=Count("id", filter=Q(is_active=False)),
        without_manager=Count("id", filter=Q(is_active=True, manager__isnull=True)),
        without_position=Count("id", filter=Q(is_active=True, position__isnull=True)),
    )
    units = OrgUnit.objects.aggregate(
        total=Count("id", filter=Q(is_active=True)),
        without_head=Count("id", filter=Q(is_active=True, head__isnull=True)),
    )
    from .models import Position

    positions = Position.objects.filter(is_active=True).count()
    return {"employees": employees, "units": units, "positions": positions}
