"""Attachments are served only here, after the same check as the appeal page: the files live
under MEDIA_ROOT with no public URL."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..models import AppealAttachment
from ..permissions import Action, can, roles_for


def attachment_download(request, appealattachment_id):
    attachment = get_object_or_404(AppealAttachment.objects.select_related("appeal"), public_id=appealattachment_id)
    appeal = attachment.appeal
    if not can(roles_for(appeal, employee=request.employee, membership=request.membership), appeal.state, Action.VIEW):
        raise Http404("No such file.")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
