"""HR pages of appraisal templates: the list, a template as a whole, and the forms for its
sections and competencies. Every write goes through services.templates."""

from decimal import Decimal

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.common.forms import Outcome, call_service, initial_from
from apps.people.models import Grade, StaffClass
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms_templates import CompetencyForm, SectionForm, TemplateForm
from ..models import SCORED_KINDS, AppraisalTemplate, Competency, RatingScale, SectionKind, TemplateSection
from ..selectors import template_for_detail, templates_for_list, unassessed_staff_classes
from ..services import templates as services


def _detail_url(request, template):
    return org_reverse("cycles:template_detail", request.organization, appraisaltemplate_id=template.public_id)


# --- Templates ------------------------------------------------------------------------------


def template_list(request):
    require_hr_admin(request.membership)
    templates = list(templates_for_list())
    for template in templates:
        # Prefetched sections (with competencies): no query per row.
        template.problems = services.template_problems(template, sections=template.sections.all())
    return render(
        request,
        "cycles/templates/list.html",
        {
            "templates": templates,
            "unassessed": unassessed_staff_classes([t for t in templates if t.is_active]),
        },
    )


def _template_form(request, template=None):
    initial = initial_from(template, TemplateForm.FIELDS) if template else None
    if template:
        initial["staff_classes"] = list(template.staff_classes.all())
        initial["grades"] = list(template.grades.all())
    # Only active scales are offered, but a template keeps the (now inactive) scale it uses.
    usable = Q(is_active=True) | Q(pk=template.scale_id) if template else Q(is_active=True)
    scales = RatingScale.objects.filter(usable)
    return TemplateForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        scales=scales,
        staff_classes=StaffClass.objects.order_by("name"),
        grades=Grade.objects.select_related("staff_class").order_by("staff_class__name", "-rank", "code"),
    )


def _save_template(request, form, template=None) -> Outcome:
    return call_service(
        form,
        services.template_save,
        actor=request.user,
        membership=request.membership,
        template=template,
        **form.cleaned_data,
    )


def template_create(request):
    require_hr_admin(request.membership)
    form = _template_form(request)
    if request.method == "POST" and form.is_valid():
        done = _save_template(request, form)
        if done.ok:
            template = done.value
            messages.success(request, f"Template “{template.name}” created. Add its sections next.")
            return redirect(_detail_url(request, template))
    return render(request, "cycles/templates/template_form.html", {"form": form, "template": None})


def template_edit(request, appraisaltemplate_id):
    require_hr_admin(request.membership)
    template = get_object_or_404(AppraisalTemplate.objects, public_id=appraisaltemplate_id)
    form = _template_form(request, template)
    if request.method == "POST" and form.is_valid():
        done = _save_template(request, form, template)
        if done.ok:
            messages.success(request, f"Template “{done.value.name}” saved.")
            return redirect(_detail_url(request, done.value))
    return render(request, "cycles/templates/template_form.html", {"form": form, "template": template})


def template_detail(request, appraisaltemplate_id):
    require_hr_admin(request.membership)
    template = get_object_or_404(template_for_detail(), public_id=appraisaltemplate_id)
    levels = list(template.scale.levels.all())
    sections = list(template.sections.all())
    for section in sections:
        for competency in section.competencies.all():
            by_level = {d.level_id: d.text for d in competency.descriptor_list}
            competency.grid = [(level, by_level.get(level.pk, "")) for level in levels]
    scored = [s for s in sections if s.kind in SCORED_KINDS]
    total = sum((s.weight for s in scored), Decimal("0"))
    return render(
        request,
        "cycles/templates/detail.html",
        {
            "template": template,
            "sections": sections,
            "levels": levels,
            "problems": services.template_problems(template, sections=sections),
            "scored_sections": scored,
            "weight_total": total,
            "weights_ok": total == Decimal("100"),
            "competencies_kind": SectionKind.COMPETENCIES,
            "work_targets_kind": SectionKind.WORK_TARGETS,
        },
    )


# --- Sections -------------------------------------------------------------------------------


def _section_page(request, form, template, section):
    return render(
        request, "cycles/templates/section_form.html", {"form": form, "template": template, "section": section}
    )


def section_create(request, appraisaltemplate_id):
    require_hr_admin(request.membership)
    template = get_object_or_404(AppraisalTemplate.objects, public_id=appraisaltemplate_id)
    form = SectionForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" and request.GET.get("kind") in SectionKind.values:
        form.initial["kind"] = request.GET["kind"]
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.section_save,
            actor=request.user,
            membership=request.membership,
            template=template,
            **form.cleaned_data,
        )
        if done.ok:
            section = done.value
            messages.success(request, f"Section “{section.title}” added.")
            return redirect(_detail_url(request, template) + f"#section-{section.public_id}")
    return _section_page(request, form, template, None)


def section_edit(request, templatesection_id):
    require_hr_admin(request.membership)
    section = get_object_or_404(TemplateSection.objects.select_related("template"), public_id=templatesection_id)
    form = SectionForm(
        request.POST if request.method == "POST" else None, initial=initial_from(section, SectionForm.FIELDS)
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.section_save,
            actor=request.user,
            membership=request.membership,
            template=section.template,
            section=section,
            **form.cleaned_data,
        )
        if done.ok:
            section = done.value
            messages.success(request, f"Section “{section.title}” saved.")
            return redirect(_detail_url(request, section.template) + f"#section-{section.public_id}")
    return _section_page(request, form, section.template, section)


def section_delete(request, templatesection_id):
    require_hr_admin(request.membership)
    section = get_object_or_404(TemplateSection.objects.select_related("template"), public_id=templatesection_id)
    template = section.template
    if request.method == "POST":
        services.section_delete(actor=request.user, membership=request.membership, section=section)
        messages.success(request, f"Section “{section.title}” deleted.")
        return redirect(_detail_url(request, template))
    return render(
        request,
        "cycles/templates/confirm_delete.html",
        {
            "template": template,
            "section": section,
            "what": f"the section “{section.title}”",
            "consequence": _section_delete_consequence(section),
            "action_url": org_reverse(
                "cycles:section_delete", request.organization, templatesection_id=section.public_id
            ),
        },
    )


def _section_delete_consequence(section) -> str:
    count = section.competencies.count()
    if count:
        return f"Its {count} competenc{'y' if count == 1 else 'ies'} and their descriptors are deleted with it."
    return "Cycles already launched keep their own copy of the template and are not affected."


@require_POST
def section_move(request, templatesection_id):
    require_hr_admin(request.membership)
    section = get_object_or_404(TemplateSection.objects.select_related("template"), public_id=templatesection_id)
    services.section_move(
        actor=request.user, membership=request.membership, section=section, up=request.POST.get("up") == "1"
    )
    return redirect(_detail_url(request, section.template) + f"#section-{section.public_id}")


# --- Competencies ---------------------------------------------------------------------------


def _competency_page(request, form, section, competency):
    return render(
        request,
        "cycles/templates/competency_form.html",
        {"form": form, "section": section, "template": section.template, "competency": competency},
    )


def _levels_of(section):
    return list(section.template.scale.levels.order_by("-value"))


def competency_create(request, templatesection_id):
    require_hr_admin(request.membership)
    section = get_object_or_404(TemplateSection.objects.select_related("template__scale"), public_id=templatesection_id)
    if section.kind != SectionKind.COMPETENCIES:
        messages.error(request, "Competencies belong in a core-competencies section.")
        return redirect(_detail_url(request, section.template))
    form = CompetencyForm(request.POST if request.method == "POST" else None, levels=_levels_of(section))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.competency_save,
            actor=request.user,
            membership=request.membership,
            section=section,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            descriptors=form.descriptors(),
        )
        if done.ok:
            messages.success(request, f"Competency “{done.value.name}” added.")
            return redirect(_detail_url(request, section.template) + f"#section-{section.public_id}")
    return _competency_page(request, form, section, None)


def competency_edit(request, competency_id):
    require_hr_admin(request.membership)
    competency = get_object_or_404(
        Competency.objects.select_related("section__template__scale"), public_id=competency_id
    )
    section = competency.section
    levels = _levels_of(section)
    initial = {"name": competency.name, "description": competency.description}
    texts = {d.level_id: d.text for d in competency.descriptors.all()}
    initial.update({CompetencyForm.level_field(level): texts.get(level.pk, "") for level in levels})
    form = CompetencyForm(request.POST if request.method == "POST" else None, initial=initial, levels=levels)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.competency_save,
            actor=request.user,
            membership=request.membership,
            section=section,
            competency=competency,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            descriptors=form.descriptors(),
        )
        if done.ok:
            messages.success(request, f"Competency “{done.value.name}” saved.")
            return redirect(_detail_url(request, section.template) + f"#section-{section.public_id}")
    return _competency_page(request, form, section, competency)


def competency_delete(request, competency_id):
    require_hr_admin(request.membership)
    competency = get_object_or_404(Competency.objects.select_related("section__template"), public_id=competency_id)
    section = competency.section
    if request.method == "POST":
        services.competency_delete(actor=request.user, membership=request.membership, competency=competency)
        messages.success(request, f"Competency “{competency.name}” deleted.")
        return redirect(_detail_url(request, section.template) + f"#section-{section.public_id}")
    return render(
        request,
        "cycles/templates/confirm_delete.html",
        {
            "template": section.template,
            "section": section,
            "what": f"the competency “{competency.name}”",
            "consequence": "Its behavioural descriptors are deleted with it. Cycles already launched keep their own "
            "copy of the template.",
            "action_url": org_reverse(
                "cycles:competency_delete", request.organization, competency_id=competency.public_id
            ),
        },
    )
