"""The board's queue and HR's list of every appeal; each a constant number of queries."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from apps.committees.models import Committee, CommitteeKind
from apps.cycles.models import Cycle
from apps.tenancy.permissions import require_hr_admin

from ..forms import AppealFilterForm
from ..selectors import appeal_rows, board_queue


def queue(request):
    """The appeals before the boards the person sits on (those they are excluded from left out)."""
    show_closed = request.GET.get("closed") == "1"
    appeals = list(board_queue(request.employee, include_closed=show_closed)) if request.employee else []
    return render(request, "appeals/queue.html", {"appeals": appeals, "show_closed": show_closed})


def hr_list(request):
    require_hr_admin(request.membership)
    boards = [(str(b.public_id), b.name) for b in Committee.objects.filter(kind=CommitteeKind.APPEAL_BOARD)]
    cycles = [(str(c.public_id), c.name) for c in Cycle.objects.order_by("-created_at")]
    form = AppealFilterForm(request.GET or None, boards=boards, cycles=cycles)
    appeals = appeal_rows().order_by("-created_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            appeals = appeals.filter(state=data["state"])
        if data["board"] == "none":
            appeals = appeals.filter(board__isnull=True)
        elif data["board"]:
            appeals = appeals.filter(board__public_id=data["board"])
        if data["cycle"]:
            appeals = appeals.filter(appraisal__cycle__public_id=data["cycle"])
    page_obj = Paginator(appeals, settings.PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "appeals/hr_list.html", {"form": form, "page_obj": page_obj, "appeals": page_obj.object_list}
    )
