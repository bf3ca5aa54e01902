"""The person picker's suggestions (widgets.PersonPickerWidget): a listbox fragment of up to ten
people matching what was typed, for htmx to put under the search box."""

import uuid

from django.http import HttpResponseBadRequest
from django.shortcuts import render

from .. import selectors
from ..permissions import can_search_people_by_email, require_person_searcher
from ..widgets import person_label


def person_search(request):
    """GET ?q=<typed text>&scope=<one of PERSON_SCOPES>[&exclude=<public id>]."""
    require_person_searcher(request.membership)
    scope = request.GET.get("scope") or "active"
    if scope not in selectors.PERSON_SCOPES:
        return HttpResponseBadRequest("Unknown scope.")
    query = request.GET.get("q", "").strip()[:200]
    people, more = selectors.person_search(
        query=query,
        scope=scope,
        searcher=(request.employee or None) if scope == "team" else None,
        match_email=can_search_people_by_email(request.membership),
        exclude=_uuid_or_none(request.GET.get("exclude")),
    )
    options = [{"person": person, "label": person_label(person)} for person in people]
    return render(request, "people/person_search.html", {"options": options, "more": more, "query": query})


def _uuid_or_none(value):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
