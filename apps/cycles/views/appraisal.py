"""The appraisal's own pages: its home (header, open steps, targets, history), the planning of
work targets and the mid-term review. Reads come from selectors_appraisal, writes from
services.planning / services.midterm / services.transitions; who may do what is permissions'."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.common.forms import add_service_errors
from apps.tenancy.urls_helpers import org_reverse

from .. import permissions, workflow
from ..forms_appraisal import MeetingForm, MidtermNoteForm, StepForm, TargetForm
from ..models import AppraisalState as S
from ..models import AppraisalTarget
from ..selectors_appraisal import (
    appraisal_events,
    appraisal_for_person,
    appraisal_targets,
    both_agreed,
    current_phase,
    goal_choices,
)
from ..selectors_history import history_page
from ..services import midterm as midterm_services
from ..services import planning as planning_services
from ..services.transitions import appraisal_transition

# The screen where the work of each state is done (other screens are read-only views of it).
SCREEN_FOR_STATE = {
    S.PLANNING: ("cycles:planning_targets", "Work targets"),
    S.MIDTERM: ("cycles:midterm", "Mid-term review"),
    S.SELF_ASSESSMENT: ("cycles:self_assessment", "Self-assessment"),
    S.WITH_OFFICER: ("cycles:rating", "Rating"),
    S.WITH_COUNTERSIGNING: ("cycles:countersigning", "Countersigning"),
    S.COUNTERSIGNED: ("cycles:countersigning", "Countersigning"),
    S.RELEASED: ("cycles:acknowledge", "Final report"),
    S.ACKNOWLEDGED: ("cycles:acknowledge", "Final report"),
}


def _load(request, appraisal_id):
    return appraisal_for_person(
        appraisal_id=appraisal_id,
        employee=request.employee,
        membership=request.membership,
        cached=request.method == "GET",
    )


def _url(request, name, appraisal):
    return org_reverse(name, request.organization, appraisal_id=appraisal.public_id)


def _header_context(request, appraisal, roles) -> dict:
    """What _header.html needs; the other appraisal screens may build it the same way."""
    name, label = SCREEN_FOR_STATE[appraisal.state]
    return {
        "appraisal": appraisal,
        "roles": roles,
        "phase": current_phase(appraisal.cycle),
        "template_name": appraisal.cycle_template.snapshot.get("template", {}).get("name", ""),
        "screen_url": _url(request, name, appraisal),
        "screen_label": label,
    }


def _carry_version(form, appraisal) -> None:
    """After a refusal the page shows the appraisal as it is now; the re-shown form carries the
    current version, so saving again is a deliberate choice over what the person now sees."""
    if form.is_bound:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = appraisal.version


def _note_prefix(target) -> str:
    # One note form per target on the page: prefixes keep their ids and names apart.
    return f"t{target.public_id.hex}"


def _actor(request) -> dict:
    return {"actor": request.user, "employee": request.employee, "membership": request.membership}


# --- Home ------------------------------------------------------------------------------------


def appraisal_detail(request, appraisal_id):
    appraisal, roles = _load(request, appraisal_id)
    steps = workflow.available(appraisal.state, roles, appraisal.cycle.current_phase)
    show_ratings = permissions.can_see_officer_ratings(roles, appraisal.state)
    return render(
        request,
        "cycles/appraisal/detail.html",
        {
            **_header_context(request, appraisal, roles),
            "steps": steps,
            "targets": appraisal_targets(appraisal),
            "show_ratings": show_ratings,
            "events": appraisal_events(appraisal),
        },
    )


def appraisal_history(request, appraisal_id):
    """Every change to the appraisal's ratings and texts that this person may read, newest
    first; ?subject=target&key=<id> narrows it to one target, competency or section."""
    appraisal, roles = _load(request, appraisal_id)
    subject, key = request.GET.get("subject", ""), request.GET.get("key", "")
    page = history_page(appraisal, roles, subject=subject, key=key, page=request.GET.get("page"))
    narrowed = next((e.item for e in page.entries if subject and key), "")
    return render(
        request,
        "cycles/appraisal/history.html",
        {
            **_header_context(request, appraisal, roles),
            "page": page,
            "subject": subject,
            "key": key,
            "narrowed": narrowed,
        },
    )


@require_POST
def appraisal_step(request, appraisal_id):
    appraisal, _roles = _load(request, appraisal_id)
    detail = _url(request, "cycles:appraisal_detail", appraisal)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That step could not be read: reload the page and try again.")
        return redirect(detail)
    try:
        appraisal_transition(
            appraisal=appraisal,
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
            **_actor(request),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(detail)
    appraisal.refresh_from_db(fields=["state"])
    messages.success(request, f"Done: the appraisal is now {appraisal.get_state_display().lower()}.")
    return redirect(detail)


# --- Planning --------------------------------------------------------------------------------


def _target_of(appraisal, public_id):
    return get_object_or_404(AppraisalTarget.objects.filter(appraisal=appraisal), public_id=public_id)


def _target_form(appraisal, data=None, target=None, require_reason=False):
    initial = {"version": appraisal.version}
    if target is not None:
        initial.update(title=target.title, measure=target.measure, weight=target.weight, goal=target.goal)
    return TargetForm(data, initial=initial, goals=goal_choices(appraisal), require_reason=require_reason)


def planning_targets(request, appraisal_id):
    appraisal, roles = _load(request, appraisal_id)
    can_edit = permissions.can_edit(roles, appraisal.state, "targets")
    in_midterm = appraisal.state == S.MIDTERM
    editing = None
    if request.GET.get("target") and can_edit:
        editing = _target_of(appraisal, request.GET["target"])
    form = _target_form(appraisal, target=editing, require_reason=in_midterm) if can_edit else None
    agree_errors = []

    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("The targets are not yours to change now.")
        op = request.POST.get("op", "save")
        target = _target_of(appraisal, request.POST["target"]) if request.POST.get("target") else None
        version = request.POST.get("version")
        try:
            if op == "save":
                editing = target
                form = _target_form(appraisal, request.POST, target=target, require_reason=in_midterm)
                if form.is_valid():
                    data = form.cleaned_data
                    planning_services.target_save(
                        appraisal=appraisal,
                        target=target,
                        title=data["title"],
                        measure=data["measure"],
                        weight=data["weight"],
                        goal=data["goal"],
                        reason=data.get("reason", ""),
                        expected_version=data["version"],
                        **_actor(request),
                    )
                    messages.success(request, "Target saved.")
                    return redirect(_url(request, "cycles:planning_targets", appraisal))
            elif op == "delete" and target is not None:
                planning_services.target_delete(
                    appraisal=appraisal, target=target, expected_version=version, **_actor(request)
                )
                messages.success(request, f"Target “{target.title}” removed.")
                return redirect(_url(request, "cycles:planning_targets", appraisal))
            elif op == "agree":
                planning_services.target_agree(appraisal=appraisal, expected_version=version, **_actor(request))
                messages.success(request, "You agreed the targets.")
                return redirect(_url(request, "cycles:planning_targets", appraisal))
            else:
                agree_errors.append("That request could not be read: reload the page and try again.")
        except ValidationError as exc:
            appraisal.refresh_from_db()  # show what is there now, with its version
            if op == "save":
                add_service_errors(form, exc)
                _carry_version(form, appraisal)
            else:
                agree_errors.extend(exc.messages)

    targets = appraisal_targets(appraisal)
    return render(
        request,
        "cycles/appraisal/planning.html",
        {
            **_header_context(request, appraisal, roles),
            "targets": targets,
            "weight_total": sum((t.weight for t in targets), 0),
            "both_agreed": both_agreed(targets),
            "can_edit": can_edit,
            "form": form,
            "editing": editing,
            "in_midterm": in_midterm,
            "agree_errors": agree_errors,
            "needs_goal": planning_services.targets_need_goal(appraisal),
        },
    )


# --- Mid-term review -------------------------------------------------------------------------


def midterm(request, appraisal_id):
    appraisal, roles = _load(request, appraisal_id)
    can_note = permissions.can_edit(roles, appraisal.state, "midterm_notes")
    can_meet = permissions.can_edit(roles, appraisal.state, "midterm_meeting")
    can_revise = permissions.can_edit(roles, appraisal.state, "targets") and appraisal.state == S.MIDTERM
    note_errors = {}  # target public id -> bound form with errors
    meeting_form = MeetingForm(
        initial={"version": appraisal.version, "midterm_meeting_on": appraisal.midterm_meeting_on}
    )
    revising = None
    if can_revise and request.GET.get("revise"):
        revising = _target_of(appraisal, request.GET["revise"])
    revise_form = _target_form(appraisal, target=revising, require_reason=True) if revising else None
    page_errors = []

    if request.method == "POST":
        op = request.POST.get("op")
        allowed = {"note": can_note, "meeting": can_meet, "revise": can_revise}
        if not allowed.get(op):
            raise PermissionDenied("That part of the mid-term review is not yours to change now.")
        try:
            if op == "note":
                target = _target_of(appraisal, request.POST.get("target"))
                note_form = MidtermNoteForm(request.POST, prefix=_note_prefix(target))
                note_errors[str(target.public_id)] = note_form
                if note_form.is_valid():
                    midterm_services.midterm_note_save(
                        appraisal=appraisal,
                        target=target,
                        note=note_form.cleaned_data["note"],
                        expected_version=note_form.cleaned_data["version"],
                        **_actor(request),
                    )
                    messages.success(request, f"Progress note on “{target.title}” saved.")
                    return redirect(_url(request, "cycles:midterm", appraisal))
            elif op == "meeting":
                meeting_form = MeetingForm(request.POST)
                if meeting_form.is_valid():
                    midterm_services.midterm_meeting_save(
                        appraisal=appraisal,
                        meeting_on=meeting_form.cleaned_data["midterm_meeting_on"],
                        expected_version=meeting_form.cleaned_data["version"],
                        **_actor(request),
                    )
                    messages.success(request, "Mid-term review meeting recorded.")
                    return redirect(_url(request, "cycles:midterm", appraisal))
            elif op == "revise":
                revising = _target_of(appraisal, request.POST.get("target"))
                revise_form = _target_form(appraisal, request.POST, target=revising, require_reason=True)
                if revise_form.is_valid():
                    data = revise_form.cleaned_data
                    midterm_services.target_revise(
                        appraisal=appraisal,
                        target=revising,
                        title=data["title"],
                        measure=data["measure"],
                        weight=data["weight"],
                        goal=data["goal"],
                        reason=data["reason"],
                        expected_version=data["version"],
                        **_actor(request),
                    )
                    messages.success(request, f"Target “{data['title']}” revised.")
                    return redirect(_url(request, "cycles:midterm", appraisal))
        except ValidationError as exc:
            form = {"note": note_errors.get(str(request.POST.get("target"))), "meeting": meeting_form}.get(
                op, revise_form
            )
            appraisal.refresh_from_db()
            if form is not None:
                add_service_errors(form, exc)
                _carry_version(form, appraisal)
            else:
                page_errors.extend(exc.messages)

    targets = appraisal_targets(appraisal)
    for target in targets:
        target.note_form = note_errors.get(str(target.public_id)) or MidtermNoteForm(
            initial={"version": appraisal.version, "note": target.midterm_note}, prefix=_note_prefix(target)
        )
    return render(
        request,
        "cycles/appraisal/midterm.html",
        {
            **_header_context(request, appraisal, roles),
            "targets": targets,
            "can_note": can_note,
            "can_meet": can_meet,
            "can_revise": can_revise,
            "meeting_form": meeting_form,
            "revise_form": revise_form,
            "revising": revising,
            "page_errors": page_errors,
        },
    )
