"""HR pages of staff classes and their grades (one page lists both)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service, initial_choice, initial_from
from apps.tenancy.urls_helpers import org_reverse

from ..forms import GradeForm, StaffClassForm
from ..models import Grade, StaffClass
from ..permissions import require_people_manager
from ..selectors import staff_classes_with_grades
from ..services import catalogue


def grade_list(request):
    require_people_manager(request.membership)
    return render(request, "people/grades/list.html", {"staff_classes": list(staff_classes_with_grades())})


def grade_create(request):
    require_people_manager(request.membership)
    form = GradeForm(request.POST if request.method == "POST" else None, staff_classes=StaffClass.objects.all())
    if request.method == "GET":
        # "Add a grade" under a staff class comes here with ?staff_class=<id>.
        form.initial["staff_class"] = initial_choice(form.fields["staff_class"], request.GET.get("staff_class"))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, catalogue.grade_create, actor=request.user, membership=request.membership, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, f"Grade “{done.value}” created.")
            return redirect(org_reverse("people:grade_list", request.organization))
    return render(request, "people/grades/grade_form.html", {"form": form, "grade": None})


def grade_edit(request, grade_id):
    require_people_manager(request.membership)
    grade = get_object_or_404(Grade.objects.select_related("staff_class"), public_id=grade_id)
    form = GradeForm(
        request.POST if request.method == "POST" else None,
        initial=initial_from(grade, GradeForm.FIELDS),
        staff_classes=StaffClass.objects.all(),
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            catalogue.grade_update,
            actor=request.user,
            membership=request.membership,
            grade=grade,
            **form.cleaned_data,
        )
        if done.ok:
            messages.success(request, f"Grade “{done.value}” saved.")
            return redirect(org_reverse("people:grade_list", request.organization))
    return render(request, "people/grades/grade_form.html", {"form": form, "grade": grade})


def staff_class_create(request):
    require_people_manager(request.membership)
    form = StaffClassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, catalogue.staff_class_create, actor=request.user, membership=request.membership, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, f"Staff class “{done.value.name}” created. Add its grades next.")
            return redirect(org_reverse("people:grade_list", request.organization))
    return render(request, "people/grades/staff_class_form.html", {"form": form, "staff_class": None})


def staff_class_edit(request, staffclass_id):
    require_people_manager(request.membership)
    staff_class = get_object_or_404(StaffClass.objects, public_id=staffclass_id)
    form = StaffClassForm(
        request.POST if request.method == "POST" else None,
        initial=initial_from(staff_class, StaffClassForm.FIELDS),
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            catalogue.staff_class_update,
            actor=request.user,
            membership=request.membership,
            staff_class=staff_class,
            **form.cleaned_data,
        )
        if done.ok:
            messages.success(request, f"Staff class “{done.value.name}” saved.")
            return redirect(org_reverse("people:grade_list", request.organization))
    return render(request, "people/grades/staff_class_form.html", {"form": form, "staff_class": staff_class})
