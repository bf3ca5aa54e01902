"""HR pages of people: the searchable list, one person's record, hire, edit, deactivate and
reactivate."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service, initial_from
from apps.tenancy.models import Membership, Role
from apps.tenancy.urls_helpers import org_reverse

from ..forms import ConfirmForm, DeactivateForm, EmployeeFilterForm, EmployeeForm
from ..models import Employee, Grade, OrgUnit, Position, StaffClass
from ..permissions import require_people_manager
from ..selectors import audit_events_for, direct_reports_of, employee_directory, employee_with_lines
from ..services import employees as employee_services


def employee_list(request):
    """Search and filters over the people list. htmx asks for the results table only, so typing
    in the search box refreshes the rows without reloading the page; the URL stays shareable."""
    require_people_manager(request.membership)
    form = EmployeeFilterForm(
        request.GET,
        units=OrgUnit.objects.order_by("path"),
        staff_classes=StaffClass.objects.all(),
        grades=Grade.objects.all(),
    )
    filters = form.filters()
    page_obj = Paginator(employee_directory(**filters), settings.PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(value for key, value in filters.items() if key != "status") or filters["status"] != "active"
    context = {"form": form, "page_obj": page_obj, "filtered": filtered, "filters": filters}
    template = "people/employees/list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def employee_detail(request, employee_id):
    require_people_manager(request.membership)
    employee = get_object_or_404(employee_with_lines(Employee.objects.all()), public_id=employee_id)
    membership = (
        Membership.objects.filter(organization=request.organization, user_id=employee.user_id).first()
        if employee.user_id
        else None
    )
    context = {
        "employee": employee,
        "person_membership": membership,
        "direct_reports": direct_reports_of(employee),
        "units_headed": list(OrgUnit.objects.filter(head=employee, is_active=True).order_by("path")),
        "events": audit_events_for(employee, limit=10),
        "is_self": employee.user_id is not None and employee.user_id == request.user.pk,
    }
    return render(request, "people/employees/detail.html", context)


def employee_create(request):
    require_people_manager(request.membership)
    form = EmployeeForm(request.POST if request.method == "POST" else None, **_choices(None))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            employee_services.employee_create,
            actor=request.user,
            membership=request.membership,
            **form.cleaned_data,
        )
        if done.ok:
            employee = done.value
            messages.success(
                request,
                f"{employee.full_name} added. They can sign in as {employee.email} once they have set a password "
                "with “Forgot your password?”.",
            )
            return redirect(org_reverse("people:employee_detail", request.organization, employee_id=employee.public_id))
    return render(request, "people/employees/form.html", {"form": form, "employee": None})


def employee_edit(request, employee_id):
    require_people_manager(request.membership)
    employee = get_object_or_404(
        Employee.objects.select_related(
            "unit", "position", "grade", "manager", "appraising_officer_override", "countersigning_officer_override"
        ),
        public_id=employee_id,
    )
    role = (
        Membership.objects.filter(organization=request.organization, user_id=employee.user_id)
        .values_list("role", flat=True)
        .first()
        if employee.user_id
        else None
    )
    initial = initial_from(employee, EmployeeForm.FIELDS)
    initial["is_hr_admin"] = role == Role.HR_ADMIN
    form = EmployeeForm(
        request.POST if request.method == "POST" else None, initial=initial, person=employee, **_choices(employee)
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            employee_services.employee_update,
            actor=request.user,
            membership=request.membership,
            employee=employee,
            **form.cleaned_data,
        )
        if done.ok:
            employee = done.value
            messages.success(request, f"{employee.full_name}'s record saved.")
            return redirect(org_reverse("people:employee_detail", request.organization, employee_id=employee.public_id))
    return render(request, "people/employees/form.html", {"form": form, "employee": employee})


def employee_deactivate(request, employee_id):
    """GET asks for confirmation (and warns about the person's team); POST deactivates."""
    return _change_status(request, employee_id, deactivate=True)


def employee_reactivate(request, employee_id):
    return _change_status(request, employee_id, deactivate=False)


def _change_status(request, employee_id, *, deactivate: bool):
    require_people_manager(request.membership)
    employee = get_object_or_404(Employee.objects.select_related("unit", "position", "manager"), public_id=employee_id)
    data = request.POST if request.method == "POST" else None
    form = DeactivateForm(data, employee=employee) if deactivate else ConfirmForm(data)
    if request.method == "POST" and form.is_valid():
        if deactivate:
            service = partial(employee_services.employee_deactivate, successor=form.cleaned_data["successor"])
        else:
            service = employee_services.employee_reactivate
        done = call_service(form, service, actor=request.user, membership=request.membership, employee=employee)
        if done.ok:
            employee = done.value
            if deactivate:
                successor = form.cleaned_data["successor"]
                handed = f" {successor.full_name} takes over their duties." if successor else ""
                messages.success(
                    request, f"{employee.full_name} is deactivated and can no longer sign in here.{handed}"
                )
            else:
                messages.success(request, f"{employee.full_name} is active again and can sign in here.")
            return redirect(org_reverse("people:employee_detail", request.organization, employee_id=employee.public_id))
    context = {
        "employee": employee,
        "form": form,
        "deactivate": deactivate,
        "is_self": employee.user_id is not None and employee.user_id == request.user.pk,
        "direct_reports": direct_reports_of(employee) if deactivate else [],
        "units_headed": list(OrgUnit.objects.filter(head=employee, is_active=True)) if deactivate else [],
    }
    return render(request, "people/employees/confirm_status.html", context)


def _choices(employee: Employee | None) -> dict:
    """Active units, posts and people to choose from, plus whatever the record holds now,
    so an edit never silently drops a value that has since become inactive."""
    units = Q(is_active=True)
    positions = Q(is_active=True)
    people = Q(is_active=True)
    if employee is not None:
        units |= Q(pk=employee.unit_id)
        positions |= Q(pk=employee.position_id)
        current = [
            employee.manager_id,
            employee.appraising_officer_override_id,
            employee.countersigning_officer_override_id,
        ]
        people |= Q(pk__in=[pk for pk in current if pk is not None])
    others = Employee.objects.filter(people)
    if employee is not None:
        others = others.exclude(pk=employee.pk)
    return {
        "units": OrgUnit.objects.filter(units).order_by("path"),
        "positions": Position.objects.filter(positions).select_related("unit").order_by("title", "unit__name"),
        "grades": Grade.objects.all(),
        "employees": others.order_by("last_name", "first_name", "pk"),
    }
