"""The appraising officer's rating, the countersigning officer's view and the appraisee's
acknowledgement of the released result.

Who sees what comes from apps/cycles/permissions.py: an appraisal the person may not view is a
404; a page they may view but not change now renders read-only and refuses a POST with 403.
The rating page's live score is the same view answering an htmx POST flagged "preview".
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service
from apps.tenancy.urls_helpers import org_reverse

from ..forms_rating import AcknowledgeForm, CountersigningForm, FeedbackInterviewForm, RatingForm, ReturnForm
from ..models import Appraisal, AppraisalTarget, CompetencyRating, SectionKind, SectionResponse
from ..permissions import (
    can_edit,
    can_see_countersigning_remarks,
    can_see_officer_ratings,
    can_see_section,
    can_view,
    roles_for,
)
from ..selectors_appraisal import current_phase
from ..selectors_plans import plan_panel
from ..services.acknowledgement import appraisal_acknowledge, feedback_interview_record
from ..services.countersigning import countersigning_return, countersigning_save, countersigning_sign
from ..services.rating import level_for_value, rating_preview, rating_save, rating_submit


def _appraisal(request, appraisal_id):
    appraisal = get_object_or_404(
        Appraisal.objects.select_related(
            "cycle",
            "cycle_template",
            "employee__unit",
            "employee__position",
            "appraising_officer",
            "countersigning_officer",
        ),
        public_id=appraisal_id,
    )
    roles = roles_for(appraisal, employee=request.employee, membership=request.membership)
    if not can_view(roles):
        raise Http404("No such appraisal.")
    return appraisal, roles


def _level_label(snapshot, value) -> str:
    level = level_for_value(snapshot, value)
    return f"{level['label']} {level.get('name', '')}".strip() if level else ""


def _report(appraisal, roles, targets, competency_ratings, responses) -> dict:
    """What the final report shows to this person: the template's sections they may see, with
    the officer's ratings only where permissions allow."""
    snapshot = appraisal.cycle_template.snapshot
    show_officer = can_see_officer_ratings(roles, appraisal.state)
    sections = []
    for section in snapshot["sections"]:
        if not can_see_section(roles, section):
            continue
        entry = {"section": section, "rows": [], "response": responses.get(section["key"])}
        if section["kind"] == SectionKind.WORK_TARGETS:
            entry["rows"] = [
                {
                    "title": t.title,
                    "detail": t.measure,
                    "weight": t.weight,
                    "achievement": t.achievement,
                    "self_rating": _level_label(snapshot, t.self_rating),
                    "officer_rating": _level_label(snapshot, t.officer_rating),
                    "officer_comment": t.officer_comment,
                }
                for t in targets
            ]
        elif section["kind"] == SectionKind.COMPETENCIES:
            for competency in section["competencies"]:
                rating = competency_ratings.get(competency["key"])
                entry["rows"].append(
                    {
                        "title": competency["name"],
                        "detail": competency["description"],
                        "self_rating": _level_label(snapshot, getattr(rating, "self_rating", None)),
                        "officer_rating": _level_label(snapshot, getattr(rating, "officer_rating", None)),
                        "officer_comment": getattr(rating, "officer_comment", ""),
                    }
                )
        sections.append(entry)
    return {
        "sections": sections,
        "show_officer": show_officer,
        "show_remarks": can_see_countersigning_remarks(roles, appraisal.state, snapshot),
    }


def _context(request, appraisal, roles, **extra) -> dict:
    targets = list(AppraisalTarget.objects.filter(appraisal=appraisal))
    competency_ratings = {r.competency_key: r for r in CompetencyRating.objects.filter(appraisal=appraisal)}
    responses = {r.section_key: r for r in SectionResponse.objects.filter(appraisal=appraisal)}
    return {
        "appraisal": appraisal,
        "roles": roles,
        "snapshot": appraisal.cycle_template.snapshot,
        "targets": targets,
        "competency_ratings": competency_ratings,
        "responses": responses,
        "report": _report(appraisal, roles, targets, competency_ratings, responses),
        # What the shared header (cycles/appraisal/_header.html) reads.
        "phase": current_phase(appraisal.cycle),
        "template_name": appraisal.cycle_template.snapshot.get("template", {}).get("name", ""),
        **extra,
    }


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _who(request) -> dict:
    return {"actor": request.user, "membership": request.membership, "employee": request.employee}


def _back(request, name, appraisal):
    return redirect(org_reverse(f"cycles:{name}", request.organization, appraisal_id=appraisal.public_id))


# --- The appraising officer's rating -------------------------------------------------------


def rating(request, appraisal_id):
    appraisal, roles = _appraisal(request, appraisal_id)
    editable = can_edit(roles, appraisal.state, "rating")
    ctx = _context(request, appraisal, roles, editable=editable)
    form_kwargs = {
        "snapshot": ctx["snapshot"],
        "targets": ctx["targets"],
        "competency_ratings": ctx["competency_ratings"],
        "responses": ctx["responses"],
    }
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Rating this appraisal is not open to you now.")
        form = RatingForm(request.POST, **form_kwargs)
        if "preview" in request.POST:
            # The live score: computed from what is on the screen, nothing saved.
            score, level = rating_preview(ctx["snapshot"], ctx["targets"], request.POST)
            return render(request, "cycles/appraisal/rating.html#score", {**ctx, "score": score, "level": level})
        if form.is_valid():
            service = rating_submit if "submit" in request.POST else rating_save
            done = call_service(
                form,
                service,
                **_who(request),
                appraisal=appraisal,
                expected_version=form.cleaned_data["version"],
                ratings=form.ratings(),
                overall_assessment=form.cleaned_data["overall_assessment"],
                training_recommendations=form.cleaned_data["training_recommendations"],
                section_texts=form.section_texts(),
            )
            if done.ok:
                if "submit" in request.POST:
                    messages.success(request, "Your rating is submitted to the countersigning officer.")
                else:
                    messages.success(request, "Your rating is saved.")
                return _back(request, "rating", appraisal)
    else:
        form = RatingForm(
            initial={
                "version": appraisal.version,
                "overall_assessment": appraisal.overall_assessment,
                "training_recommendations": appraisal.training_recommendations,
            },
            **form_kwargs,
        )
    return render(
        request,
        "cycles/appraisal/rating.html",
        {**ctx, "form": form, "score": appraisal.overall_score, "level_label": appraisal.overall_level},
    )


# --- The countersigning officer ------------------------------------------------------------


def countersigning(request, appraisal_id):
    appraisal, roles = _appraisal(request, appraisal_id)
    editable = can_edit(roles, appraisal.state, "countersigning")
    initial = {"version": appraisal.version}
    agrees = {True: "yes", False: "no"}.get(appraisal.countersigning_agrees)
    form = CountersigningForm(
        initial={**initial, "countersigning_agrees": agrees, "countersigning_remarks": appraisal.countersigning_remarks}
    )
    return_form = ReturnForm(initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Countersigning this appraisal is not open to you now.")
        if "return" in request.POST:
            return_form = ReturnForm(request.POST)
            if return_form.is_valid():
                done = call_service(
                    return_form,
                    countersigning_return,
                    **_who(request),
                    appraisal=appraisal,
                    expected_version=return_form.cleaned_data["version"],
                    note=return_form.cleaned_data["note"],
                )
                if done.ok:
                    messages.success(request, "The appraisal is back with the appraising officer.")
                    return _back(request, "countersigning", appraisal)
        else:
            form = CountersigningForm(request.POST)
            if form.is_valid():
                service = countersigning_sign if "countersign" in request.POST else countersigning_save
                done = call_service(
                    form,
                    service,
                    **_who(request),
                    appraisal=appraisal,
                    expected_version=form.cleaned_data["version"],
                    agrees=form.agrees(),
                    remarks=form.cleaned_data["countersigning_remarks"],
                )
                if done.ok:
                    messages.success(
                        request, "You have countersigned." if "countersign" in request.POST else "Your view is saved."
                    )
                    return _back(request, "countersigning", appraisal)
    ctx = _context(request, appraisal, roles, editable=editable, form=form, return_form=return_form)
    return render(request, "cycles/appraisal/countersigning.html", ctx)


# --- Release: the appraisee reads, discusses and acknowledges ------------------------------


def acknowledge(request, appraisal_id):
    appraisal, roles = _appraisal(request, appraisal_id)
    can_acknowledge = can_edit(roles, appraisal.state, "acknowledgement")
    can_record_interview = can_acknowledge or can_edit(roles, appraisal.state, "feedback_interview")
    initial = {"version": appraisal.version}
    interview_form = FeedbackInterviewForm(
        initial={**initial, "feedback_interview_on": appraisal.feedback_interview_on}
    )
    acknowledge_form = AcknowledgeForm(initial=initial)
    if request.method == "POST":
        if "interview" in request.POST:
            if not can_record_interview:
                raise PermissionDenied("Recording the feedback interview is not open to you now.")
            interview_form = FeedbackInterviewForm(request.POST)
            if interview_form.is_valid():
                done = call_service(
                    interview_form,
                    feedback_interview_record,
                    **_who(request),
                    appraisal=appraisal,
                    expected_version=interview_form.cleaned_data["version"],
                    held_on=interview_form.cleaned_data["feedback_interview_on"],
                )
                if done.ok:
                    messages.success(request, "The feedback interview is recorded.")
                    return _back(request, "acknowledge", appraisal)
        else:
            if not can_acknowledge:
                raise PermissionDenied("Only the appraisee acknowledges a released appraisal.")
            acknowledge_form = AcknowledgeForm(request.POST)
            if acknowledge_form.is_valid():
                done = call_service(
                    acknowledge_form,
                    appraisal_acknowledge,
                    **_who(request),
                    appraisal=appraisal,
                    expected_version=acknowledge_form.cleaned_data["version"],
                    comment=acknowledge_form.cleaned_data["acknowledgement_comment"],
                )
                if done.ok:
                    messages.success(request, "You have acknowledged your appraisal.")
                    return _back(request, "acknowledge", appraisal)
    ctx = _context(
        request,
        appraisal,
        roles,
        can_acknowledge=can_acknowledge,
        can_record_interview=can_record_interview,
        interview_form=interview_form,
        acknowledge_form=acknowledge_form,
        **plan_panel(appraisal, employee=request.employee, membership=request.membership),
    )
    return render(request, "cycles/appraisal/acknowledge.html", ctx)
