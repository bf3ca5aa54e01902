"""HR pages to prepare, schedule and launch an appraisal cycle. Every write goes through
services.cycles and services.launch; the launch itself runs in a Celery task whose progress
the detail page polls."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import Outcome, call_service
from apps.goals.models import GoalPeriod
from apps.people.models import Employee, Grade, OrgUnit
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms_cycles import CycleForm, PhasesForm
from ..models import AppraisalTemplate, Cycle, CycleStatus
from ..selectors import templates_for_list
from ..selectors_cycles import (
    current_phase_of,
    cycle_for_detail,
    cycles_for_list,
    participant_summary,
    suggested_schedule,
    timeline,
)
from ..services import cycles as services
from ..services.launch import cycle_launch as launch_service
from ..services.launch import launch_problems
from ..services.templates import template_problems
from .phases import schedule_context


def _detail_url(request, cycle):
    return org_reverse("cycles:cycle_detail", request.organization, cycle_id=cycle.public_id)


def _cycle(cycle_id, queryset=None):
    return get_object_or_404(queryset if queryset is not None else Cycle.objects, public_id=cycle_id)


# --- List -----------------------------------------------------------------------------------


def cycle_list(request):
    require_hr_admin(request.membership)
    cycles = list(cycles_for_list())
    for cycle in cycles:
        phases = list(cycle.phases.all())
        cycle.phase_now = current_phase_of(cycle, phases)
        cycle.schedule = (phases[0].starts_at, phases[-1].ends_at) if phases else None
        cycle.launch_percent = _percent(cycle.launch_done, cycle.launch_total)
    return render(request, "cycles/cycles/list.html", {"cycles": cycles})


def _percent(done, total):
    return min(100, round(done * 100 / total)) if total else 0


# --- Set-up ---------------------------------------------------------------------------------


def _cycle_form(request, cycle=None):
    initial = None
    chosen = []
    if cycle:
        initial = {field: getattr(cycle, field) for field in CycleForm.FIELDS}
        chosen = [ct.template_id for ct in cycle.cycle_templates.all()]
        initial["templates"] = list(AppraisalTemplate.objects.filter(pk__in=chosen))
        initial["units"] = list(cycle.units.all())
        initial["grades"] = list(cycle.grades.all())
        initial["excluded"] = "\n".join(sorted(e.staff_number for e in cycle.excluded.all()))
    # Active templates are offered; a draft keeps a template it chose before it went inactive.
    templates = list(templates_for_list().filter(Q(is_active=True) | Q(pk__in=chosen)).order_by("name"))
    problems = {str(t.public_id): template_problems(t, sections=t.sections.all()) for t in templates}
    return CycleForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        periods=GoalPeriod.objects.order_by("-starts_on"),
        templates=AppraisalTemplate.objects.filter(pk__in=[t.pk for t in templates]).order_by("name"),
        units=OrgUnit.objects.filter(is_active=True).order_by("path"),
        grades=Grade.objects.select_related("staff_class").order_by("staff_class__name", "-rank", "code"),
        employees=Employee.objects.all(),
        template_problems=problems,
    )


def _save_cycle(request, form, cycle=None) -> Outcome:
    return call_service(
        form, services.cycle_save, actor=request.user, membership=request.membership, cycle=cycle, **form.cleaned_data
    )


def cycle_create(request):
    require_hr_admin(request.membership)
    form = _cycle_form(request)
    if request.method == "POST" and form.is_valid():
        done = _save_cycle(request, form)
        if done.ok:
            cycle = done.value
            messages.success(request, f"Cycle “{cycle.name}” created. Give it its phases next.")
            return redirect(org_reverse("cycles:cycle_phases", request.organization, cycle_id=cycle.public_id))
    return render(request, "cycles/cycles/form.html", {"form": form, "cycle": None})


def cycle_edit(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = _cycle(cycle_id, cycle_for_detail())
    if cycle.status != CycleStatus.DRAFT:
        # A launched cycle's set-up is frozen: show it, read-only.
        return render(request, "cycles/cycles/form.html", {"form": None, "cycle": cycle, "read_only": True})
    form = _cycle_form(request, cycle)
    if request.method == "POST" and form.is_valid():
        done = _save_cycle(request, form, cycle)
        if done.ok:
            messages.success(request, f"Cycle “{done.value.name}” saved.")
            return redirect(_detail_url(request, done.value))
    return render(request, "cycles/cycles/form.html", {"form": form, "cycle": cycle})


# --- Phases ---------------------------------------------------------------------------------


def cycle_phases(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = _cycle(cycle_id)
    phases = list(cycle.phases.all())
    suggested = not phases
    rows = [{"kind": p.kind, "starts_at": p.starts_at, "ends_at": p.ends_at} for p in phases] or suggested_schedule()
    initial = {}
    for row in rows:
        initial[f"{row['kind']}-starts_at"] = row["starts_at"]
        initial[f"{row['kind']}-ends_at"] = row["ends_at"]
    editable = cycle.status == CycleStatus.DRAFT
    form = PhasesForm(request.POST if request.method == "POST" and editable else None, initial=initial)
    if request.method == "POST" and editable and form.is_valid():
        done = call_service(
            form,
            services.phases_save,
            actor=request.user,
            membership=request.membership,
            cycle=cycle,
            phases=form.phases(),
        )
        if done.ok:
            messages.success(request, "Phases saved.")
            return redirect(_detail_url(request, cycle))
    return render(
        request,
        "cycles/cycles/phases.html",
        {"cycle": cycle, "form": form, "suggested": suggested, "editable": editable},
    )


# --- Participants ---------------------------------------------------------------------------


def cycle_participants(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = _cycle(cycle_id, Cycle.objects.select_related("period"))
    return render(request, "cycles/cycles/participants.html", {"cycle": cycle, **participant_summary(cycle)})


# --- Detail, launch and its progress --------------------------------------------------------


def _detail_context(request, cycle, **schedule_forms):
    phases = list(cycle.phases.all())
    return {
        **schedule_context(cycle, phases, **schedule_forms),
        "cycle": cycle,
        "phases": phases,
        "phase_now": current_phase_of(cycle, phases),
        "timeline": timeline(phases),
        "problems": launch_problems(cycle) if cycle.status == CycleStatus.DRAFT else [],
        **_progress_context(cycle),
    }


def _progress_context(cycle):
    launching = cycle.status == CycleStatus.LAUNCHING
    return {
        "launch_percent": _percent(cycle.launch_done, cycle.launch_total),
        # Poll while the task works; stop on success and on failure alike.
        "polling": launching and not cycle.launch_error,
        "appraisal_count": cycle.appraisals.count() if cycle.status != CycleStatus.DRAFT else 0,
    }


def cycle_detail(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = _cycle(cycle_id, cycle_for_detail())
    return render(request, "cycles/cycles/detail.html", _detail_context(request, cycle))


def cycle_progress(request, cycle_id):
    """The launch's progress: just the fragment for htmx's polling, the whole page otherwise."""
    require_hr_admin(request.membership)
    if request.htmx:
        cycle = _cycle(cycle_id)
        return render(request, "cycles/cycles/detail.html#progress", {"cycle": cycle, **_progress_context(cycle)})
    cycle = _cycle(cycle_id, cycle_for_detail())
    return render(request, "cycles/cycles/detail.html", _detail_context(request, cycle))


def cycle_launch(request, cycle_id):
    """GET: what launching will do, to confirm. POST: launch, then watch it on the detail page."""
    require_hr_admin(request.membership)
    cycle = _cycle(cycle_id, Cycle.objects.select_related("period"))
    if cycle.status != CycleStatus.DRAFT:
        return redirect(_detail_url(request, cycle))
    errors = []
    if request.method == "POST":
        try:
            launch_service(actor=request.user, membership=request.membership, cycle=cycle)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Launching “{cycle.name}”: the appraisals are being created.")
            return redirect(_detail_url(request, cycle))
    problems = errors or launch_problems(cycle)
    return render(
        request,
        "cycles/cycles/launch.html",
        {
            "cycle": cycle,
            "problems": problems,
            "count": services.participants(cycle).count(),
            "phases": list(cycle.phases.all()),
        },
    )
