"""Moderation pages: the sessions a person may read, opening and closing a panel's session, the
session page (distributions, officers, appraisals), adjusting a level, and HR's guideline.
Reads from selectors_moderation, writes through services_moderation, rights from
permissions_moderation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import add_service_errors, call_service
from apps.common.lookups import by_public_id
from apps.cycles.models import Cycle, CycleStatus
from apps.people.models import Employee, OrgUnit
from apps.tenancy.permissions import is_hr_admin, require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from . import selectors_moderation as selectors
from . import services_moderation as services
from .forms_moderation import AdjustForm, CloseSessionForm, GuidelineForm, OpenSessionForm
from .models import Committee, CommitteeKind
from .models_moderation import ModerationSession
from .permissions_moderation import Action, can, panel_roles, require, runnable_panels_q, visible_sessions_q
from .scope import in_scope_q, scope_paths

# The ids htmx asks for: the part that follows the chosen unit, and the list of appraisals.
FOCUS_TARGET = "moderation-focus"
APPRAISALS_TARGET = "session-appraisals"
# What the session page's query string may hold: its links carry the whole query string along,
# so the part kept as HTML is keyed by it, and only when it holds nothing else.
PAGE_PARAMETERS = frozenset({"unit", "officer", "page", "officers_page"})


def _roles(request, panel) -> set:
    return panel_roles(panel, employee=request.employee, membership=request.membership)


def _session_url(request, session) -> str:
    return org_reverse("moderation:session_detail", request.organization, moderationsession_id=session.public_id)


def _session(request, moderationsession_id, action=Action.VIEW) -> tuple[ModerationSession, set]:
    session = get_object_or_404(selectors.session_for_page(), public_id=moderationsession_id)
    roles = _roles(request, session.panel)
    require(roles, action)
    return session, roles


def session_list(request):
    """The sessions this person may read, and the panels on which they may open one."""
    sessions = (
        ModerationSession.objects.filter(visible_sessions_q(employee=request.employee, membership=request.membership))
        .select_related("panel", "cycle")
        .distinct()
        .order_by("status", "-opened_at", "-pk")
    )
    page = Paginator(sessions, 25).get_page(request.GET.get("page"))
    panels = Committee.objects.filter(runnable_panels_q(employee=request.employee)).distinct().order_by("name")
    return render(
        request,
        "committees/moderation/list.html",
        {"page": page, "panels": list(panels), "is_hr": is_hr_admin(request.membership)},
    )


def session_open(request, committee_id):
    panel = get_object_or_404(
        Committee.objects.prefetch_related("members"), public_id=committee_id, kind=CommitteeKind.MODERATION_PANEL
    )
    require(_roles(request, panel), Action.RUN, "Only the panel's chair or secretary opens its sessions.")
    cycles = Cycle.objects.filter(status=CycleStatus.ACTIVE).order_by("name")
    form = OpenSessionForm(request.POST or None, cycles=cycles)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.session_open,
            actor=request.user,
            employee=request.employee,
            membership=request.membership,
            panel=panel,
            cycle=form.cleaned_data["cycle"],
        )
        if done.ok:
            session = done.value
            messages.success(request, f"Session opened on {session.cycle.name}.")
            return redirect(_session_url(request, session))
    return render(request, "committees/moderation/open.html", {"panel": panel, "form": form})


def session_detail(request, moderationsession_id):
    """The session page looks at one unit of the scope at a time (`unit`, the scope's top unit by
    default): its distribution by sub-unit, its officers and its appraisals. Changing the unit
    swaps that whole part (htmx); an officer's name or the list's pages swap the list only."""
    session, roles = _session(request, moderationsession_id)
    paths = scope_paths(session.panel)
    unit = by_public_id(OrgUnit.objects.filter(in_scope_q(paths, "path")), request.GET.get("unit"))
    officer = by_public_id(Employee.objects, request.GET.get("officer"))
    list_only = bool(request.htmx and request.htmx.target == APPRAISALS_TARGET)
    shown = selectors.session_page(
        session,
        unit=unit,
        officer=officer,
        page=request.GET.get("page"),
        officers_page=request.GET.get("officers_page"),
        figures=not list_only,
    )
    context = {
        **shown,
        "session": session,
        "panel": session.panel,
        "unit": shown["focus"].unit,
        "officer": officer,
        "can_adjust": session.is_open and can(roles, Action.ADJUST),
        "can_run": session.is_open and can(roles, Action.RUN),
        "is_hr": is_hr_admin(request.membership),
        # The focus part kept as HTML (session.html) for this query string; None: drawn afresh.
        "focus_key": request.GET.urlencode() if set(request.GET) <= PAGE_PARAMETERS else None,
        "focus_domains": selectors.PAGE_DOMAINS,  # those of the figures it is drawn from
    }
    if list_only:
        return render(request, "committees/moderation/_session_appraisals.html", context)
    if request.htmx and request.htmx.target == FOCUS_TARGET:
        return render(request, "committees/moderation/session.html#focus", context)
    return render(request, "committees/moderation/session.html", context)


def session_close(request, moderationsession_id):
    session, _roles_held = _session(request, moderationsession_id, Action.RUN)
    if not session.is_open:
        messages.info(request, "This session is already closed.")
        return redirect(_session_url(request, session))
    form = CloseSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.session_close,
            actor=request.user,
            employee=request.employee,
            membership=request.membership,
            session=session,
            summary=form.cleaned_data["summary"],
        )
        if done.ok:
            messages.success(request, "Session closed: HR may release the results of the panel's scope.")
            return redirect(_session_url(request, session))
    return render(request, "committees/moderation/close.html", {"session": session, "form": form})


def appraisal_adjust(request, moderationsession_id, appraisal_id):
    session, _roles_held = _session(request, moderationsession_id, Action.ADJUST)
    appraisal = get_object_or_404(
        selectors.scope_appraisals(session).select_related("employee", "employee__unit", "appraising_officer"),
        public_id=appraisal_id,
    )
    levels = selectors.cycle_levels(session.cycle)
    form = AdjustForm(request.POST or None, levels=levels, current=appraisal.overall_level)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = services.appraisal_moderate(
                actor=request.user,
                employee=request.employee,
                membership=request.membership,
                session=session,
                appraisal=appraisal,
                new_level=form.cleaned_data["new_level"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            # The adjustment service names its level field "level".
            if hasattr(exc, "error_dict") and "level" in exc.error_dict:
                exc.error_dict["new_level"] = exc.error_dict.pop("level")
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{appraisal.employee.full_name}: level {adjustment.original_level or '—'} → {adjustment.new_level}.",
            )
            return redirect(_session_url(request, session))
    history = selectors.adjustments_of(appraisal)
    return render(
        request,
        "committees/moderation/adjust.html",
        {"session": session, "appraisal": appraisal, "form": form, "history": history},
    )


def guideline_edit(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = get_object_or_404(Cycle, public_id=cycle_id)
    levels = selectors.cycle_levels(cycle)
    guideline = selectors.guideline_for(cycle)
    initial = {}
    if guideline is not None:
        initial = {f"share_{i}": guideline.shares.get(label, "") for i, label in enumerate(levels)}
    form = GuidelineForm(request.POST or None, levels=levels, initial=initial)
    shares_error = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.guideline_save(
                actor=request.user, membership=request.membership, cycle=cycle, shares=form.shares()
            )
        except ValidationError as exc:
            # The sum belongs to the shares together: it is shown on their fieldset.
            if hasattr(exc, "error_dict"):
                shares_error = exc.error_dict.pop("shares", None)
            add_service_errors(form, exc)
        else:
            messages.success(request, "Guideline saved." if saved else "Guideline removed.")
            return redirect(org_reverse("moderation:guideline_edit", request.organization, cycle_id=cycle.public_id))
    return render(
        request,
        "committees/moderation/guideline.html",
        {
            "cycle": cycle,
            "form": form,
            "levels": levels,
            "guideline": guideline,
            "shares_error": [message for error in shares_error or [] for message in error.messages],
        },
    )
