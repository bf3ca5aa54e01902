"""Improvement plans (services.improvement_plans): started from a below-standard result by HR or
the appraising officer, read and acknowledged by the person, closed at the review. Who may see
what is permissions_plans'; a plan someone may not read answers 404, like a missing one."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.forms import call_service, initial_from

from ..forms_plans import AcknowledgeForm, CloseForm, PlanForm
from ..models import Appraisal, ImprovementPlan
from ..permissions_plans import may_acknowledge, may_lead, may_read
from ..services import improvement_plans as services

PLAN_FIELDS = ("counselled_on", "areas", "actions", "support", "review_on")


def _who(request) -> dict:
    return {"employee": request.employee, "membership": request.membership}


def _plan_url(request, plan) -> str:
    return services.plan_path(request.organization, plan)


def _readable_plan(request, improvementplan_id) -> ImprovementPlan:
    plan = get_object_or_404(
        ImprovementPlan.objects.select_related(
            "appraisal__cycle", "appraisal__cycle_template", "employee__unit", "officer"
        ),
        public_id=improvementplan_id,
    )
    if not may_read(plan, **_who(request)):
        raise Http404("No improvement plan here.")
    return plan


@require_http_methods(["GET", "POST"])
def plan_create(request, appraisal_id):
    appraisal = get_object_or_404(
        Appraisal.objects.select_related("cycle", "cycle_template", "employee__unit"), public_id=appraisal_id
    )
    if not may_lead(appraisal, **_who(request)):
        raise Http404("No appraisal here.")
    existing = ImprovementPlan.objects.filter(appraisal=appraisal).first()
    if existing is not None:
        return redirect(_plan_url(request, existing))
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.plan_create, actor=request.user, **_who(request), appraisal=appraisal, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, f"The improvement plan is set: {appraisal.employee.first_name} is told.")
            return redirect(_plan_url(request, done.value))
    return render(
        request,
        "cycles/plans/form.html",
        {"appraisal": appraisal, "form": form, "below_standard": services.is_below_standard(appraisal)},
    )


def plan_detail(request, improvementplan_id):
    plan = _readable_plan(request, improvementplan_id)
    leads = may_lead(plan.appraisal, **_who(request))
    return render(
        request,
        "cycles/plans/detail.html",
        {
            "plan": plan,
            "leads": leads,
            "acknowledge_form": AcknowledgeForm()
            if plan.is_open and plan.acknowledged_at is None and may_acknowledge(plan, employee=request.employee)
            else None,
            "close_form": CloseForm() if plan.is_open and leads else None,
        },
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request, improvementplan_id):
    plan = _readable_plan(request, improvementplan_id)
    if not (plan.is_open and may_lead(plan.appraisal, **_who(request))):
        raise Http404("This plan cannot be changed.")
    form = PlanForm(request.POST or None, initial=initial_from(plan, PLAN_FIELDS))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.plan_update, actor=request.user, **_who(request), plan=plan, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, "The plan is saved.")
            return redirect(_plan_url(request, plan))
    return render(request, "cycles/plans/form.html", {"appraisal": plan.appraisal, "plan": plan, "form": form})


@require_POST
def plan_acknowledge(request, improvementplan_id):
    return _act(
        request,
        improvementplan_id,
        AcknowledgeForm,
        services.plan_acknowledge,
        "acknowledge_form",
        lambda plan: "You have acknowledged the plan.",
    )


@require_POST
def plan_close(request, improvementplan_id):
    return _act(
        request,
        improvementplan_id,
        CloseForm,
        services.plan_close,
        "close_form",
        lambda plan: f"The plan is closed: {plan.get_status_display().lower()}.",
    )


def _act(request, improvementplan_id, form_class, service, form_name, success):
    """A form posted from the plan's page to `service`: back to the plan with `success(plan)`,
    or the page again with the form's messages."""
    plan = _readable_plan(request, improvementplan_id)
    form = form_class(request.POST)
    if form.is_valid():
        done = call_service(form, service, actor=request.user, **_who(request), plan=plan, **form.cleaned_data)
        if done.ok:
            messages.success(request, success(done.value))
            return redirect(_plan_url(request, plan))
    return _detail_with(request, plan, **{form_name: form})


def _detail_with(request, plan, **forms):
    """The plan's page again with a refused form and its messages (status 400), nothing lost."""
    leads = may_lead(plan.appraisal, **_who(request))
    context = {"plan": plan, "leads": leads, "acknowledge_form": None, "close_form": None, **forms}
    return render(request, "cycles/plans/detail.html", context, status=400)
