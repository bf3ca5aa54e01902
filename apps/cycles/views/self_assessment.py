"""The appraisee's self-assessment page and its autosave endpoint. Writes go through
services.self_assessment; who may see it is permissions' (an appraisal the person may not see
answers 404; a viewer who is not the appraisee gets it read-only, and 403 on POST)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.common.forms import call_service
from apps.tenancy.urls_helpers import org_reverse

from .. import permissions
from ..forms_self_assessment import SelfAssessmentForm, page_sections
from ..models import AppraisalState as S
from ..selectors_appraisal import appraisal_for_person, current_phase, self_assessment_reads
from ..services import self_assessment as service
from ..workflow import Role

TEMPLATE = "cycles/appraisal/self_assessment.html"
# Before it is handed in, the self-assessment is the appraisee's draft: others see that it is pending.
DRAFT_STATES = (S.PLANNING, S.MIDTERM, S.SELF_ASSESSMENT)


def _load(request, appraisal_id):
    return appraisal_for_person(
        appraisal_id=appraisal_id,
        employee=request.employee,
        membership=request.membership,
        for_write=request.method == "POST",
        cached=request.method == "GET",
    )


def _actor(request) -> dict:
    return {"actor": request.user, "employee": request.employee, "membership": request.membership}


def self_assessment(request, appraisal_id):
    appraisal, roles = _load(request, appraisal_id)
    form, notices = None, []
    if request.method == "POST":
        if Role.APPRAISEE not in roles:
            raise PermissionDenied("Only the appraisee writes their self-assessment.")
        # A form of the fields the post names: the service keeps those the frozen template asks
        # for and checks each under the appraisal's row lock, so a save that succeeds reads
        # neither the template nor the targets here (the appraisal's row was read for the roles).
        form = SelfAssessmentForm(request.POST, fields=service.fields_named(request.POST))
        if form.is_valid():
            submitting = "submit" in request.POST
            action = service.self_assessment_submit if submitting else service.self_assessment_save
            done = call_service(
                form,
                action,
                **_actor(request),
                appraisal=appraisal,
                values=form.service_values(),
                expected_version=form.cleaned_data["version"],
            )
            if done.ok:
                if submitting:
                    messages.success(request, "Your self-assessment is handed in to your appraising officer.")
                else:
                    messages.success(request, "Your self-assessment is saved.")
                return redirect(
                    org_reverse("cycles:self_assessment", request.organization, appraisal_id=appraisal.public_id)
                )
        # Refused: show the appraisal as it is now, every field with what was posted and the
        # messages; the form carries the current version, so saving again is a deliberate choice
        # over what the person now sees.
        appraisal.refresh_from_db()
        targets, fields, values = self_assessment_reads(appraisal)
        form = form.over(fields, version=appraisal.version)
        notices = list(form.non_field_errors())
    else:
        targets, fields, values = self_assessment_reads(appraisal)
    snapshot = appraisal.cycle_template.snapshot
    editable = service.is_open(appraisal, roles)
    if form is None or not editable:
        form = SelfAssessmentForm(initial={"version": appraisal.version, **values}, fields=fields)
    drafts_hidden = Role.APPRAISEE not in roles and appraisal.state in DRAFT_STATES
    context = {
        "appraisal": appraisal,
        "roles": roles,
        "phase": current_phase(appraisal.cycle),
        "template_name": snapshot.get("template", {}).get("name", ""),
        "screen_url": org_reverse("cycles:appraisal_detail", request.organization, appraisal_id=appraisal.public_id),
        "screen_label": "Appraisal overview",
        "autosave_url": org_reverse("cycles:autosave", request.organization, appraisal_id=appraisal.public_id),
        "form": form,
        # Messages about the whole form, kept when the page turns read-only (a save after the submit).
        "notices": notices,
        "editable": editable,
        "is_appraisee": Role.APPRAISEE in roles,
        "handed_in": appraisal.state not in DRAFT_STATES,
        "drafts_hidden": drafts_hidden,
        "sections": []
        if drafts_hidden
        else page_sections(
            snapshot, targets, form, values, visible=lambda section: permissions.can_see_section(roles, section)
        ),
        # The browser's local copy of a draft is restored only when newer than the server's text.
        "saved_at_ms": int(appraisal.updated_at.timestamp() * 1000),
    }
    return render(request, TEMPLATE, context)


@require_POST
def autosave(request, appraisal_id):
    """Save one text field as the person types; answers a small status fragment (see the
    service for why drafts neither bump the version nor write history)."""
    appraisal, _roles = _load(request, appraisal_id)
    kind, key = request.POST.get("kind", ""), request.POST.get("key", "")
    name = service.text_field_name(kind, key)
    text = request.POST.get(name, request.POST.get("text", "")) if name else ""
    try:
        saved_at = service.self_assessment_autosave(
            **_actor(request), appraisal=appraisal, kind=kind, key=key, text=text
        )
    except ValidationError as error:
        closed = hasattr(error, "error_dict") and "__all__" in error.error_dict
        message = " ".join(error.messages)
        return render(request, "cycles/appraisal/_sa_status.html", {"error": message}, status=409 if closed else 400)
    return render(request, "cycles/appraisal/_sa_status.html", {"saved_at": timezone.localtime(saved_at)})
