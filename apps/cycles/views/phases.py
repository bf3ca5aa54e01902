"""HR moves a launched cycle's phases by hand (ahead of the schedule, or extending one) and
sees the transitions to come. Writes go through services.phases."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from apps.common.forms import call_service
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from ..forms_phases import AdvanceForm, ExtendForm
from ..models import Cycle, PhaseKind
from ..selectors_cycles import cycle_for_detail
from ..selectors_phases import next_transition, phase_history, upcoming_transitions
from ..services import phases as services


def schedule_context(cycle: Cycle, phases: list, *, advance_form=None, extend_form=None) -> dict:
    """What the cycle page shows of its schedule; the forms are bound when a post failed."""
    transition = next_transition(cycle, phases)
    context = {"transition": transition, "history": list(phase_history(cycle))}
    if transition:
        phase = transition["phase"]
        context["advance_form"] = advance_form or AdvanceForm(
            initial={"expected_phase": phase.kind}, target_label=transition["to_label"]
        )
        context["extend_form"] = extend_form or ExtendForm(
            initial={"phase_kind": phase.kind, "ends_at": timezone.localtime(phase.ends_at)}
        )
    return context


def _detail_url(request, cycle):
    return org_reverse("cycles:cycle_detail", request.organization, cycle_id=cycle.public_id)


def _render_detail(request, cycle, **forms):
    from .cycles import _detail_context

    cycle = get_object_or_404(cycle_for_detail(), pk=cycle.pk)
    return render(request, "cycles/cycles/detail.html", _detail_context(request, cycle, **forms))


def _label(kind):
    return PhaseKind(kind).label if kind else "closed"


def cycle_phase_advance(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = get_object_or_404(Cycle, public_id=cycle_id)
    if request.method != "POST":
        return redirect(_detail_url(request, cycle))
    transition = next_transition(cycle, list(cycle.phases.all()))
    form = AdvanceForm(request.POST, target_label=transition["to_label"] if transition else "")
    if form.is_valid():
        done = call_service(
            form,
            services.advance_phase,
            actor=request.user,
            membership=request.membership,
            cycle=cycle,
            expected_phase=form.cleaned_data["expected_phase"],
            reason=form.cleaned_data["reason"],
        )
        if done.ok:
            moved = done.value
            if moved.current_phase:
                messages.success(request, f"The cycle has moved on: {_label(moved.current_phase)} is open.")
            else:
                messages.success(request, "The last phase has ended: the cycle is closed.")
            return redirect(_detail_url(request, cycle))
    return _render_detail(request, cycle, advance_form=form)


def cycle_phase_extend(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = get_object_or_404(Cycle, public_id=cycle_id)
    if request.method != "POST":
        return redirect(_detail_url(request, cycle))
    form = ExtendForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.extend_phase,
            actor=request.user,
            membership=request.membership,
            cycle=cycle,
            phase_kind=form.cleaned_data["phase_kind"],
            ends_at=form.cleaned_data["ends_at"],
            reason=form.cleaned_data["reason"],
        )
        if done.ok:
            moved = done.value
            later = len(moved) - 1
            messages.success(
                request,
                f"{_label(moved[0].kind)} now ends {timezone.localtime(moved[0].ends_at):%d %b %Y, %H:%M}"
                + (f"; {later} later phase{'s' if later != 1 else ''} moved with it." if later else "."),
            )
            return redirect(_detail_url(request, cycle))
    return _render_detail(request, cycle, extend_form=form)


def phase_schedule(request):
    """Every transition ahead of the organisation's active cycles, soonest first."""
    require_hr_admin(request.membership)
    return render(request, "cycles/cycles/schedule.html", {"transitions": upcoming_transitions()})
