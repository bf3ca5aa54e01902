"""The page where a party the board asked answers in writing. The appraising officer sees only
the requests addressed to them here, never the appeal's file."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service
from apps.tenancy.urls_helpers import org_reverse

from ..forms import ResponseForm
from ..models import CommentRequest
from ..permissions import Action, can
from ..services.comments import addressed_to, comments_respond
from .detail import load
from .lodging import who


def appeal_comments(request, appeal_id):
    appeal, roles = load(request, appeal_id, Action.VIEW)
    if not can(roles, appeal.state, Action.VIEW_OWN_REQUESTS):
        raise Http404("Nothing was asked of you on this appeal.")
    requests = list(addressed_to(request.employee, appeal).order_by("created_at", "pk"))
    answering, form, status = None, ResponseForm(), 200
    if request.method == "POST":
        if not can(roles, appeal.state, Action.RESPOND):
            raise PermissionDenied("The board is no longer taking comments on this appeal.")
        try:
            request_id = uuid.UUID(request.POST.get("request", ""))
        except ValueError:
            raise Http404("No such request.") from None
        answering = get_object_or_404(
            CommentRequest.objects, public_id=request_id, appeal=appeal, addressee=request.employee
        )
        form = ResponseForm(request.POST)
        if form.is_valid() and call_service(
            form, comments_respond, **who(request), request=answering, response=form.cleaned_data["response"]
        ):
            messages.success(request, "Your comments are sent to the board.")
            return redirect(org_reverse("appeals:appeal_comments", request.organization, appeal_id=appeal.public_id))
        status = 400
    return render(
        request,
        "appeals/comments.html",
        {
            "appeal": appeal,
            "roles": roles,
            "requests": requests,
            "answering": answering,
            "form": form,
            "can_view_appeal": can(roles, appeal.state, Action.VIEW),
            "can_respond": can(roles, appeal.state, Action.RESPOND),
        },
        status=status,
    )
