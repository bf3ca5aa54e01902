"""Reads shared by the template pages, with the prefetching that keeps them at a fixed
number of queries whatever the number of templates, sections or competencies."""

from django.db.models import Prefetch, QuerySet

from apps.people.models import Grade, StaffClass

from .models import AppraisalTemplate, Competency, ScaleLevel, TemplateSection


def _sections_with_competencies() -> Prefetch:
    competencies = Competency.objects.order_by("order", "pk").prefetch_related(
        Prefetch("descriptors", to_attr="descriptor_list")
    )
    sections = TemplateSection.objects.order_by("order", "pk").prefetch_related(
        Prefetch("competencies", queryset=competencies)
    )
    return Prefetch("sections", queryset=sections)


def templates_for_list() -> QuerySet[AppraisalTemplate]:
    """Every template with what its list row shows and what template_problems() reads."""
    return AppraisalTemplate.objects.select_related("scale").prefetch_related(
        "staff_classes",
        Prefetch("grades", queryset=Grade.objects.select_related("staff_class")),
        _sections_with_competencies(),
    )


def template_for_detail() -> QuerySet[AppraisalTemplate]:
    """One template as a whole: sections in order, competencies with their descriptors, and
    the scale's levels (highest first) for the descriptor grid."""
    return AppraisalTemplate.objects.select_related("scale").prefetch_related(
        "staff_classes",
        Prefetch("grades", queryset=Grade.objects.select_related("staff_class")),
        Prefetch("scale__levels", queryset=ScaleLevel.objects.order_by("-value")),
        _sections_with_competencies(),
    )


def unassessed_staff_classes(active_templates) -> list[dict]:
    """Staff classes that no active template assesses, with their grades that no active
    template names either. `active_templates` come with staff_classes and grades prefetched.

    A class is covered when a template names it, or when templates name every one of its
    grades; a class with some grades covered is listed with the grades still missing."""
    named_classes = {sc.pk for t in active_templates for sc in t.staff_classes.all()}
    named_grades = {g.pk for t in active_templates for g in t.grades.all()}
    gaps = []
    for staff_class in StaffClass.objects.prefetch_related("grades").order_by("name"):
        if staff_class.pk in named_classes:
            continue
        grades = list(staff_class.grades.all())
        missing = [g for g in grades if g.pk not in named_grades]
        if missing or not grades:
            gaps.append({"staff_class": staff_class, "missing_grades": missing, "partly": len(missing) < len(grades)})
    return gaps
