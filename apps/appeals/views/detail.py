"""One appeal: its page with the timeline, and the board's, the appellant's and HR's steps on it.

Who sees what is apps/appeals/permissions.py: a person with no view of the appeal gets a 404
(never a 403 that confirms it exists); a step they may see but not take now is a 403. Each
step posts to its own URL and comes back to the page; a refused form is shown on the page with
its errors at the fields."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.common.forms import call_service
from apps.cycles.services.adjustments import scale_labels
from apps.cycles.services.rating import scale_levels
from apps.tenancy.urls_helpers import org_reverse

from ..forms import CloseForm, CommentRequestForm, DecideForm, HearingForm, NoteForm
from ..models import Appeal, AppealNote, AppealSubject, CommentRequest
from ..permissions import MATRIX, Action, can, roles_for
from ..selectors import timeline
from ..services import steps
from ..services.comments import comments_request
from ..services.lodging import appeal_route
from .lodging import who


def load(request, appeal_id, action=Action.VIEW) -> tuple[Appeal, set]:
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "appellant__unit", "board", "appraisal__cycle", "appraisal__cycle_template", "appraisal__appraising_officer"
        ),
        public_id=appeal_id,
    )
    roles = roles_for(appeal, employee=request.employee, membership=request.membership)
    if not can(roles, appeal.state, action) and not (
        action == Action.VIEW and can(roles, appeal.state, Action.VIEW_OWN_REQUESTS)
    ):
        raise Http404("No such appeal.")
    return appeal, roles


def decision_levels(appeal: Appeal) -> list[tuple[str, str]]:
    """The values a decision may set: level labels for the overall level, rating values otherwise."""
    snapshot = appeal.appraisal.cycle_template.snapshot
    if appeal.subject == AppealSubject.OVERALL:
        return [(label, label) for label in scale_labels(snapshot)]
    return [(level["value"], f"{level['label']} {level.get('name', '')}".strip()) for level in scale_levels(snapshot)]


def _back(request, appeal):
    return redirect(org_reverse("appeals:appeal_detail", request.organization, appeal_id=appeal.public_id))


def appeal_detail(request, appeal_id, forms=None, status=200):
    appeal, roles = load(request, appeal_id)
    if not can(roles, appeal.state, Action.VIEW):
        # Someone asked for comments (the appraising officer) reads only their requests.
        return redirect(org_reverse("appeals:appeal_comments", request.organization, appeal_id=appeal.public_id))
    internal = can(roles, appeal.state, Action.VIEW_INTERNAL)
    forms = forms or {}
    allowed = {action: can(roles, appeal.state, action) for action in MATRIX}
    context = {
        "appeal": appeal,
        "roles": roles,
        "can": allowed,
        "internal": internal,
        "events": list(timeline(appeal, internal=internal)),
        "attachments": list(appeal.attachments.all()),
        "hearing_form": forms.get("hearing") or HearingForm(initial={"place": appeal.hearing_place}),
        "decide_form": forms.get("decide") or DecideForm(levels=decision_levels(appeal)),
        "note_form": forms.get("note") or NoteForm(),
        "request_form": forms.get("request") or CommentRequestForm(),
        "close_form": forms.get("close") or CloseForm(),
    }
    if internal:
        context["notes"] = list(AppealNote.objects.filter(appeal=appeal).select_related("author"))
        context["exclusions"] = list(appeal.exclusions.select_related("employee"))
        context["comment_requests"] = list(
            CommentRequest.objects.filter(appeal=appeal).select_related("addressee").order_by("created_at", "pk")
        )
    else:
        context["my_requests"] = list(CommentRequest.objects.filter(appeal=appeal, addressee=request.employee))
    return render(request, "appeals/detail.html", context, status=status)


STEPS = {
    "acknowledge": (Action.ACKNOWLEDGE, steps.appeal_acknowledge, "The appeal is acknowledged."),
    "start_review": (Action.START_REVIEW, steps.appeal_start_review, "The review has started."),
    "acknowledge_outcome": (
        Action.ACKNOWLEDGE_OUTCOME,
        steps.appeal_acknowledge_outcome,
        "You have acknowledged the outcome; the appeal is closed.",
    ),
    "route": (Action.ROUTE, appeal_route, "The appeal is sent to its board."),
}


@require_POST
def appeal_step(request, appeal_id):
    """The steps that take no input beyond a button."""
    appeal, roles = load(request, appeal_id)
    step = STEPS.get(request.POST.get("step", ""))
    if step is None:
        messages.error(request, "Choose a step to take.")
        return _back(request, appeal)
    action, service, done = step
    if not can(roles, appeal.state, action):
        raise PermissionDenied("This step is not open to you now.")
    form = CloseForm(request.POST)  # no fields to fill: a carrier for the service's errors
    form.is_valid()
    if call_service(form, service, **who(request), appeal=appeal):
        messages.success(request, done)
    else:
        for error in form.non_field_errors():
            messages.error(request, error)
    return _back(request, appeal)


def _form_step(request, appeal_id, *, action, key, form_class, service, done, fields, form_kwargs=None):
    appeal, roles = load(request, appeal_id)
    if request.method != "POST":
        return _back(request, appeal)
    if not can(roles, appeal.state, action):
        raise PermissionDenied("This step is not open to you now.")
    form = form_class(request.POST, **(form_kwargs(appeal) if form_kwargs else {}))
    if form.is_valid() and call_service(
        form, service, **who(request), appeal=appeal, **{arg: form.cleaned_data[name] for arg, name in fields.items()}
    ):
        messages.success(request, done)
        return _back(request, appeal)
    return appeal_detail(request, appeal_id, forms={key: form}, status=400)


def appeal_hearing(request, appeal_id):
    return _form_step(
        request,
        appeal_id,
        action=Action.SCHEDULE_HEARING,
        key="hearing",
        form_class=HearingForm,
        service=steps.appeal_schedule_hearing,
        done="The hearing is scheduled and the appellant told.",
        fields={"hearing_at": "hearing_at", "place": "place"},
    )


def appeal_decide(request, appeal_id):
    return _form_step(
        request,
        appeal_id,
        action=Action.DECIDE,
        key="decide",
        form_class=DecideForm,
        service=steps.appeal_decide,
        done="The decision is recorded and the appellant told.",
        fields={"outcome": "outcome", "reasons": "reasons", "new_value": "new_value"},
        form_kwargs=lambda appeal: {"levels": decision_levels(appeal)},
    )


def appeal_note(request, appeal_id):
    return _form_step(
        request,
        appeal_id,
        action=Action.ADD_NOTE,
        key="note",
        form_class=NoteForm,
        service=steps.appeal_add_note,
        done="Note added (the board and HR read it; the appellant does not).",
        fields={"text": "text"},
    )


def appeal_request_comments(request, appeal_id):
    return _form_step(
        request,
        appeal_id,
        action=Action.REQUEST_COMMENTS,
        key="request",
        form_class=CommentRequestForm,
        service=comments_request,
        done="The request is sent.",
        fields={"parties": "parties", "question": "question", "due_at": "due_at"},
    )


def appeal_close(request, appeal_id):
    return _form_step(
        request,
        appeal_id,
        action=Action.CLOSE,
        key="close",
        form_class=CloseForm,
        service=steps.appeal_close,
        done="The appeal is closed.",
        fields={"note": "note"},
    )
