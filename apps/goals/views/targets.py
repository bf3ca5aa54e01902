"""Pages about work targets and one goal: My targets, a person's targets for their manager or
HR, a goal's detail with its check-in history, and the check-in itself.

The target cards on My targets post their check-in form with htmx and get the updated card
back; without JavaScript the same form posts normally and the view redirects back.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import trigger_client_event

from apps.common.forms import call_service
from apps.people.models import Employee
from apps.tenancy.urls_helpers import org_reverse

from ..forms_checkin import CheckInForm
from ..models import Goal, GoalLevel, GoalStatus
from ..permissions import GoalActor, can_check_in, can_create_goal, can_edit_goal, can_view_goal, require
from ..selectors import chosen_period, periods_newest_first
from ..selectors_targets import (
    actions_for,
    attach_actions,
    attach_ancestry,
    attach_history,
    card_queryset,
    goal_checkins,
    goal_children,
    goal_for_detail,
    goal_indicators,
    goal_rolls_up,
    overall_progress,
    progress_source,
    targets_page,
    weight_summary,
)
from ..services.checkins import checkin_record
from ..templatetags.goal_tags import pct

SUMMARY_TARGET = "targets-summary"  # the id htmx asks for when a check-in changed the totals
CHECKED_IN_EVENT = "goal-checked-in"


# --- My targets and a person's targets -------------------------------------------------------


def my_targets(request):
    actor = GoalActor.for_request(request)
    return _targets_page(request, actor, actor.employee, is_me=True)


def employee_targets(request, employee_id):
    """A manager up the person's line, or HR, sees their targets and agrees the drafts. To
    anyone else the person's targets do not exist (404, as for another tenant's id)."""
    actor = GoalActor.for_request(request)
    employee = get_object_or_404(Employee.objects.select_related("unit", "position", "manager"), public_id=employee_id)
    if actor.employee is not None and employee.pk == actor.employee.pk:
        return redirect(org_reverse("goals:my_targets", request.organization) + _period_query(request))
    if not (actor.is_hr or employee.pk in actor.report_ids):
        raise Http404("No such person.")
    return _targets_page(request, actor, employee, is_me=False)


def _period_query(request) -> str:
    period = request.GET.get("period")
    return "?" + urlencode({"period": period}) if period else ""


def _targets_page(request, actor: GoalActor, employee, *, is_me: bool):
    periods = periods_newest_first()
    period = chosen_period(periods, request.GET.get("period"))
    targets, suggestions, team = [], [], []
    if employee is not None and period is not None:
        page = targets_page(employee=employee, period=period, with_team=is_me)
        targets = _decorate(actor, page.targets, next_url=request.get_full_path())
        suggestions, team = page.suggestions, page.team
    context = {
        "employee": employee,
        "is_me": is_me,
        "periods": periods,
        "period": period,
        "targets": targets,
        "suggestions": suggestions,
        "team": team,
        "weights": weight_summary(targets),
        "overall": overall_progress(targets),
        "waiting": sum(1 for t in targets if t.status == GoalStatus.DRAFT),
        "can_propose": employee is not None
        and period is not None
        and not period.is_closed
        and can_create_goal(actor, level=GoalLevel.INDIVIDUAL, employee=employee),
    }
    template = "goals/targets/targets.html"
    if request.htmx and request.htmx.target == SUMMARY_TARGET:
        template += "#summary"
    return render(request, template, context)


def _cards(actor: GoalActor, goals, *, next_url: str, forms: dict | None = None) -> list:
    """Decorate goals for the card template: path to the strategy, allowed actions, and a
    check-in form each (bound when it comes back with errors)."""
    return _decorate(actor, attach_history(attach_ancestry(list(goals))), next_url=next_url, forms=forms)


def _decorate(actor: GoalActor, goals: list, *, next_url: str, forms: dict | None = None) -> list:
    """Cards whose ancestry and history are attached: the actor's actions and check-in forms."""
    attach_actions(actor, goals)
    forms = forms or {}
    for goal in goals:
        # A form that came back with errors is shown even if the goal has closed meanwhile.
        if goal.actions.check_in or goal.pk in forms:
            goal.checkin_form = forms.get(goal.pk) or _checkin_form(goal, next_url=next_url)
    return goals


def _checkin_form(goal: Goal, *, data=None, next_url: str = "", rolls_up: bool = False) -> CheckInForm:
    # Ids unique per goal: a page holds one form per target card.
    return CheckInForm(
        data,
        indicators=list(goal.indicators.all()),
        rolls_up=rolls_up,
        initial={"next": next_url},
        auto_id=f"id_{goal.public_id.hex[:12]}_%s",
    )


# --- One goal --------------------------------------------------------------------------------


def _visible_goal(request, queryset) -> tuple[GoalActor, Goal]:
    """The goal if the actor may see it. Someone else's work target is a 404 like any unknown
    id: its existence is not confirmed."""
    actor = GoalActor.for_request(request)
    goal = get_object_or_404(queryset)
    if not can_view_goal(actor, goal):
        raise Http404("No such goal.")
    return actor, goal


def goal_detail(request, goal_id):
    actor, goal = _visible_goal(request, goal_for_detail(goal_id))
    attach_ancestry([goal])
    indicators = goal_indicators(goal)
    checkins = goal_checkins(goal)
    actions = actions_for(actor, goal)
    can_edit = can_edit_goal(actor, goal)
    rolls_up = goal_rolls_up(goal)
    context = {
        "goal": goal,
        "actions": actions,
        "can_edit": can_edit,
        "children": goal_children(actor, goal),
        "indicators": indicators,
        "checkins": checkins,
        "checkins_newest_first": list(reversed(checkins)),
        "progress_source": progress_source(goal, indicators=indicators),
        "rolls_up": rolls_up,
        "checkin_form": (
            _checkin_form(goal, next_url=request.get_full_path(), rolls_up=rolls_up) if actions.check_in else None
        ),
        "can_propose_to_holders": goal.level == GoalLevel.POSITION and can_edit and actions.is_open,
        # Anyone with an employee record may align a proposal of their own under an agreed unit
        # goal or position target (the service checks the rest when the form is sent).
        "can_propose_own_target": actor.employee is not None
        and actions.is_open
        and goal.level in (GoalLevel.UNIT, GoalLevel.POSITION)
        and goal.status == GoalStatus.ACTIVE,
    }
    return render(request, "goals/targets/goal_detail.html", context)


def goal_checkin(request, goal_id):
    """GET: the check-in form on its own page. POST: record it, then the updated card for htmx,
    else a redirect back where the form was. Bad input keeps everything as it was and shows
    the message at the field (in the card for htmx)."""
    actor, goal = _visible_goal(request, card_queryset(goal_for_detail(goal_id)))
    require(can_check_in(actor, goal), "Only the goal's owner (or whoever manages it) records its progress.")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"), goal)
    rolls_up = goal.level != GoalLevel.INDIVIDUAL and goal_rolls_up(goal)  # work targets have nothing under them
    form = _checkin_form(
        goal, data=request.POST if request.method == "POST" else None, next_url=next_url, rolls_up=rolls_up
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(form, checkin_record, actor=actor, goal=goal, **form.service_kwargs())
        if done.ok:
            checkin = done.value
            if request.htmx:
                fresh = card_queryset(Goal.objects.filter(pk=goal.pk)).get()
                card = _cards(actor, [fresh], next_url=next_url)[0]
                response = render(request, "goals/targets/_target_card.html", {"target": card, "checked_in": checkin})
                return trigger_client_event(response, CHECKED_IN_EVENT)
            messages.success(request, f"Check-in saved: “{goal.title}” is now at {pct(checkin.progress_after)}.")
            return redirect(next_url)
    if request.htmx and request.method == "POST":
        # The card again, with the form's errors at their fields and the values as typed.
        card = _cards(actor, [goal], next_url=next_url, forms={goal.pk: form})[0]
        return render(request, "goals/targets/_target_card.html", {"target": card})
    attach_ancestry([goal])
    return render(
        request,
        "goals/targets/checkin.html",
        {"goal": goal, "form": form, "actions": actions_for(actor, goal), "next_url": next_url, "rolls_up": rolls_up},
    )


def _safe_next(request, candidate: str | None, goal: Goal) -> str:
    """Where to go back to after a check-in: a page of this site, else the goal's own page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return org_reverse("goals:goal_detail", request.organization, goal_id=goal.public_id)
