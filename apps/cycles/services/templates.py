"""Assessment templates: their sections, competencies and behavioural descriptors, and the
staff classes and grades they assess."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from apps.people.services.validation import FieldErrors, check_same_tenant
from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import (
    SCORED_KINDS,
    AppraisalTemplate,
    Competency,
    CompetencyDescriptor,
    SectionKind,
    TemplateSection,
)

SECTION_FIELDS = (
    "kind",
    "title",
    "guidance",
    "weight",
    "appraisee_fills",
    "appraisee_self_rates",
    "officer_rates",
    "countersigning_sees",
    "targets_need_goal",
)


def _check_assignment(template: AppraisalTemplate, staff_classes, grades, errors: FieldErrors) -> None:
    """A staff class or grade is assessed by one active template at a time."""
    if not template.is_active:
        return
    others = AppraisalTemplate.objects.filter(is_active=True).exclude(pk=template.pk)
    taken_classes = {sc.pk: t.name for t in others.prefetch_related("staff_classes") for sc in t.staff_classes.all()}
    for staff_class in staff_classes:
        if staff_class.pk in taken_classes:
            errors.add("staff_classes", f"{staff_class} is already assessed on “{taken_classes[staff_class.pk]}”.")
    taken_grades = {g.pk: t.name for t in others.prefetch_related("grades") for g in t.grades.all()}
    for grade in grades:
        if grade.pk in taken_grades:
            errors.add("grades", f"Grade {grade} is already assessed on “{taken_grades[grade.pk]}”.")


@transaction.atomic
def template_save(
    *,
    actor,
    membership,
    name: str,
    scale,
    description: str = "",
    staff_classes=(),
    grades=(),
    is_active: bool = True,
    appraisee_sees_countersigning: bool = True,
    template: AppraisalTemplate | None = None,
) -> AppraisalTemplate:
    require_hr_admin(membership)
    organization = membership.organization
    staff_classes, grades = list(staff_classes), list(grades)
    created = template is None
    template = (
        AppraisalTemplate(organization=organization)
        if created
        else (AppraisalTemplate.objects.select_for_update().get(pk=template.pk))
    )
    errors = FieldErrors()
    name = (name or "").strip()
    if not name:
        errors.add("name", "Name the template.")
    elif AppraisalTemplate.objects.filter(name__iexact=name).exclude(pk=template.pk).exists():
        errors.add("name", "Another template has this name.")
    if scale is None:
        errors.add("scale", "Choose the rating scale the template rates on.")
    check_same_tenant(errors, organization, scale=scale)
    for field, items in (("staff_classes", staff_classes), ("grades", grades)):
        for item in items:
            check_same_tenant(errors, organization, **{field: item})
    template.name, template.description, template.scale, template.is_active = name, description, scale, is_active
    template.appraisee_sees_countersigning = appraisee_sees_countersigning
    _check_assignment(template, staff_classes, grades, errors)
    errors.raise_if_any()
    template.save()
    template.staff_classes.set(staff_classes)
    template.grades.set(grades)
    audit.record(
        organization=organization,
        actor=actor,
        action="template.created" if created else "template.changed",
        obj=template,
        summary=name,
        changes={"staff_classes": [str(s) for s in staff_classes], "grades": [str(g) for g in grades]},
    )
    return template


def _check_section(section: TemplateSection, errors: FieldErrors) -> None:
    if section.kind not in SectionKind.values:
        errors.add("kind", "Choose a kind of section.")
    if not (section.title or "").strip():
        errors.add("title", "Give the section a title.")
    if section.weight is None or not Decimal("0") <= section.weight <= Decimal("100"):
        errors.add("weight", "A weight is a percentage from 0 to 100.")
    elif section.kind not in SCORED_KINDS and section.weight:
        errors.add("weight", "Only work targets and competencies are scored: this section carries no weight.")
    if section.kind in SCORED_KINDS and not section.officer_rates:
        errors.add("officer_rates", "A scored section is rated by the appraising officer.")
    if section.appraisee_self_rates and section.kind not in SCORED_KINDS:
        errors.add("appraisee_self_rates", "Only scored sections take ratings.")
    if section.kind == SectionKind.WORK_TARGETS:
        clash = TemplateSection.objects.filter(template=section.template, kind=SectionKind.WORK_TARGETS)
        if clash.exclude(pk=section.pk).exists():
            errors.add("kind", "The template already has a work-targets section.")


@transaction.atomic
def section_save(*, actor, membership, template: AppraisalTemplate, section: TemplateSection | None = None, **values):
    require_hr_admin(membership)
    created = section is None
    if created:
        next_order = (template.sections.aggregate(top=Max("order"))["top"] or 0) + 1
        section = TemplateSection(organization=template.organization, template=template, order=next_order)
    before = audit.snapshot(section, SECTION_FIELDS)
    for field in SECTION_FIELDS:
        if field in values:
            setattr(section, field, values[field])
    if section.kind not in SCORED_KINDS:
        section.weight = section.weight or Decimal("0")
    errors = FieldErrors()
    _check_section(section, errors)
    errors.raise_if_any()
    section.save()
    audit.record(
        organization=template.organization,
        actor=actor,
        action="template.section_saved",
        obj=template,
        summary=f"{template.name}: {section.title}",
        changes=audit.diff(section, before, SECTION_FIELDS),
    )
    return section


@transaction.atomic
def section_delete(*, actor, membership, section: TemplateSection) -> None:
    require_hr_admin(membership)
    template = section.template
    title = section.title
    section.delete()
    audit.record(
        organization=template.organization,
        actor=actor,
        action="template.section_removed",
        obj=template,
        summary=f"{template.name}: {title}",
    )


@transaction.atomic
def section_move(*, actor, membership, section: TemplateSection, up: bool) -> None:
    """Swap a section with its neighbour above or below."""
    require_hr_admin(membership)
    sections = list(section.template.sections.select_for_update().order_by("order", "pk"))
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(sections):
        return
    sections[index], sections[other] = sections[other], sections[index]
    for order, item in enumerate(sections, start=1):
        item.order = order
    TemplateSection.objects.bulk_update(sections, ["order"])


@transaction.atomic
def competency_save(
    *,
    actor,
    membership,
    section: TemplateSection,
    name: str,
    description: str = "",
    descriptors: dict | None = None,
    competency: Competency | None = None,
) -> Competency:
    """Create or change a competency with its behavioural descriptor per scale level
    (`descriptors`: {ScaleLevel: text}; an empty text removes that level's descriptor)."""
    require_hr_admin(membership)
    errors = FieldErrors()
    if section.kind != SectionKind.COMPETENCIES:
        errors.add("__all__", "Competencies belong in a competencies section.")
    if not (name or "").strip():
        errors.add("name", "Name the competency.")
    descriptors = descriptors or {}
    for level in descriptors:
        if level.scale_id != section.template.scale_id:
            errors.add("descriptors", f"{level} is not a level of the template's scale.")
    errors.raise_if_any()
    created = competency is None
    if created:
        next_order = (section.competencies.aggregate(top=Max("order"))["top"] or 0) + 1
        competency = Competency(organization=section.organization, section=section, order=next_order)
    competency.name, competency.description = name.strip(), description
    competency.save()
    for level, text in descriptors.items():
        text = (text or "").strip()
        if text:
            CompetencyDescriptor.objects.update_or_create(
                competency=competency, level=level, defaults={"text": text, "organization": section.organization}
            )
        else:
            CompetencyDescriptor.objects.filter(competency=competency, level=level).delete()
    audit.record(
        organization=section.organization,
        actor=actor,
        action="template.competency_saved",
        obj=section.template,
        summary=f"{section.template.name}: {competency.name}",
    )
    return competency


@transaction.atomic
def competency_delete(*, actor, membership, competency: Competency) -> None:
    require_hr_admin(membership)
    template = competency.section.template
    name = competency.name
    competency.delete()
    audit.record(
        organization=template.organization,
        actor=actor,
        action="template.competency_removed",
        obj=template,
        summary=f"{template.name}: {name}",
    )


def template_problems(template: AppraisalTemplate, sections=None) -> list[str]:
    """What keeps a template from being used in a cycle, in words HR can act on.

    `sections` may be passed prefetched (with competencies) to keep list pages at a fixed
    number of queries."""
    sections = list(sections if sections is not None else template.sections.prefetch_related("competencies"))
    problems = []
    scored = [s for s in sections if s.kind in SCORED_KINDS]
    if not scored:
        problems.append("Add a work-targets or competencies section: nothing would be scored.")
    total = sum((s.weight for s in scored), Decimal("0"))
    if scored and total != Decimal("100"):
        problems.append(f"The scored sections' weights add up to {total.normalize():f}%, not 100%.")
    for section in sections:
        if section.kind == SectionKind.COMPETENCIES and not section.competencies.all():
            problems.append(f"“{section.title}” has no competencies yet.")
    if not template.staff_classes.exists() and not template.grades.exists():
        problems.append("Assign it to at least one staff class or grade: nobody would be assessed on it.")
    return problems


def template_for(employee, templates: list[AppraisalTemplate]) -> AppraisalTemplate | None:
    """The template that assesses `employee`: one naming their grade wins over one naming their
    grade's staff class. `templates` come with staff_classes and grades prefetched."""
    grade = employee.grade
    if grade is None:
        return None
    for template in templates:
        if any(g.pk == grade.pk for g in template.grades.all()):
            return template
    for template in templates:
        if any(sc.pk == grade.staff_class_id for sc in template.staff_classes.all()):
            return template
    return None
