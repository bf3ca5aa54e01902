"""Setting and changing goals and their key indicators: create, edit, change status, agree a
work target, propose a position target to its holders.

The services decide who may do what and what is valid; these views find the goal (404 when the
actor may not see it, 403 when they may see but not change it), build scoped choices, call the
service and put its errors at the fields they name.
"""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from apps.common.forms import call_service, initial_choice
from apps.common.lookups import by_public_id
from apps.people.forms import ConfirmForm
from apps.people.models import Employee, OrgUnit, Position
from apps.tenancy.urls_helpers import org_reverse

from .. import selectors
from ..forms import PARENT_LEVELS, GoalForm, GoalStatusForm, IndicatorForm
from ..models import Goal, GoalLevel, GoalStatus, KeyIndicator
from ..permissions import (
    ORGANISATION_LEVELS,
    GoalActor,
    can_agree,
    can_create_goal,
    can_edit_goal,
    can_view_goal,
    require,
)
from ..services import goals as goal_services
from ..services import indicators as indicator_services

LEVEL_DESCRIPTIONS = {
    GoalLevel.STRATEGIC: "Where the organisation wants to be: the top of the cascade.",
    GoalLevel.CORPORATE: "An organisation-wide goal that serves a strategic goal.",
    GoalLevel.UNIT: "A department's or section's goal, with key indicators, serving a goal above it.",
    GoalLevel.POSITION: "A target every holder of a post carries; proposed to each holder as a work target.",
    GoalLevel.INDIVIDUAL: "One person's work target, agreed with their manager.",
}


# --- Goals ---------------------------------------------------------------------------------------


def goal_create(request):
    """GET: the form for the level in ?level= (a level chooser without one), preset from
    ?parent=, ?unit=, ?position=, ?employee= and ?period=. POST (to the same URL): create."""
    actor = GoalActor.for_request(request)
    parent = _parent_from_query(actor, request.GET.get("parent"))
    level = request.GET.get("level", "")
    if level not in GoalLevel.values:
        return _choose_level(request, actor, parent)
    require(_may_set_goals_at(actor, level), "You may not set goals at this level.")
    open_periods = [period for period in selectors.periods_newest_first() if not period.is_closed]
    # A goal lives in its parent's period; otherwise the period picked on the page.
    period = parent.period if parent else selectors.chosen_period(open_periods, request.GET.get("period"))
    if period is None:
        return render(request, "goals/editing/no_period.html", {"level_label": GoalLevel(level).label})

    unit = by_public_id(OrgUnit.objects.all(), request.GET.get("unit"))
    choices = _goal_choices(actor, level=level, period=period, unit=unit)
    form = GoalForm(request.POST if request.method == "POST" else None, level=level, period=period, **choices)
    if request.method == "GET":
        form.initial.update(_create_initial(request, actor, form, level=level, parent=parent, unit=unit))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, goal_services.goal_create, actor=actor, period=period, level=level, **form.goal_values()
        )
        if done.ok:
            goal = done.value
            messages.success(request, f"{goal.get_level_display()} “{goal.title}” saved.")
            return _to_detail(request, goal)
    context = {
        "form": form,
        "goal": None,
        "level": level,
        "level_label": GoalLevel(level).label,
        "level_description": LEVEL_DESCRIPTIONS[level],
        "parent": parent,
        "period": period,
        "open_periods": open_periods,
    }
    return render(request, "goals/editing/goal_form.html", context)


def goal_edit(request, goal_id):
    actor = GoalActor.for_request(request)
    goal = _visible_goal_or_404(actor, goal_id)
    require(can_edit_goal(actor, goal), "You may not change this goal.")
    choices = _goal_choices(actor, level=goal.level, period=goal.period, unit=goal.unit, goal=goal)
    fields = ("title", "description", "measure", "parent", "weight", "owner")
    form = GoalForm(
        request.POST if request.method == "POST" else None,
        level=goal.level,
        period=goal.period,
        editing=True,
        initial={name: getattr(goal, name) for name in fields},
        **choices,
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(form, goal_services.goal_update, actor=actor, goal=goal, **form.goal_values())
        if done.ok:
            messages.success(request, f"“{done.value.title}” saved.")
            return _to_detail(request, done.value)
    context = {
        "form": form,
        "goal": goal,
        "level": goal.level,
        "level_label": goal.get_level_display(),
        "period": goal.period,
        "ancestors": selectors.goal_ancestors(goal),
    }
    return render(request, "goals/editing/goal_form.html", context)


def goal_status(request, goal_id):
    """GET: a small form to mark the goal achieved, missed, dropped (with a reason) or active
    again; ?status= preselects one. POST: change it."""
    actor = GoalActor.for_request(request)
    goal = _visible_goal_or_404(actor, goal_id)
    require(can_edit_goal(actor, goal), "You may not change this goal.")
    statuses = [
        s for s in (GoalStatus.ACTIVE, GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.DROPPED) if s != goal.status
    ]
    if goal.level == GoalLevel.INDIVIDUAL and goal.status == GoalStatus.DRAFT:
        # A proposed work target becomes active when a manager agrees it, not by its author's say-so.
        statuses.remove(GoalStatus.ACTIVE)
    form = GoalStatusForm(
        request.POST if request.method == "POST" else None,
        statuses=statuses,
        initial={"status": request.GET.get("status")},
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(form, goal_services.goal_set_status, actor=actor, goal=goal, **form.cleaned_data)
        if done.ok:
            goal = done.value
            messages.success(request, f"“{goal.title}” is now {goal.get_status_display().lower()}.")
            return _to_detail(request, goal)
    return render(request, "goals/editing/status.html", {"form": form, "goal": goal})


def goal_agree(request, goal_id):
    """A manager up the line (or HR) agrees a proposed work target. GET asks to confirm."""
    actor = GoalActor.for_request(request)
    goal = _visible_goal_or_404(actor, goal_id)
    if goal.level != GoalLevel.INDIVIDUAL:
        raise Http404("Only work targets are agreed.")
    if goal.status != GoalStatus.DRAFT:
        messages.info(request, f"“{goal.title}” is already {goal.get_status_display().lower()}: nothing to agree.")
        return _to_detail(request, goal)
    require(can_agree(actor, goal), "Only a manager up this person's line (or HR) agrees their targets.")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(form, goal_services.goal_agree, actor=actor, goal=goal)
        if done.ok:
            goal = done.value
            messages.success(
                request, f"“{goal.title}” is agreed and now counts towards {goal.employee.full_name}'s goals."
            )
            return _to_detail(request, goal)
    return render(request, "goals/editing/agree.html", {"form": form, "goal": goal})


def goal_propose(request, goal_id):
    """Propose a position target to every holder of the post who does not have it yet, as a
    draft work target for them to agree with their manager. GET lists the holders."""
    actor = GoalActor.for_request(request)
    goal = _visible_goal_or_404(actor, goal_id)
    if goal.level != GoalLevel.POSITION:
        raise Http404("Only position targets are proposed to holders.")
    require(can_edit_goal(actor, goal), "You may not propose this target.")
    holders = list(
        Employee.objects.filter(position_id=goal.position_id, is_active=True)
        .annotate(has_target=Exists(Goal.objects.filter(source=goal, employee=OuterRef("pk"))))
        .order_by("last_name", "first_name", "pk")
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if goal.is_closed or goal.period.is_closed:
            form.add_error(None, "This target is closed (or its period is): it is not proposed to anyone any more.")
        else:
            done = call_service(form, goal_services.position_targets_propose, actor=actor, goal=goal)
            if done.ok:
                count = done.value
                if count:
                    messages.success(request, f"Proposed to {count} holder{'s' if count != 1 else ''} of the post.")
                else:
                    messages.info(request, "Everyone who holds the post already has this target.")
                return _to_detail(request, goal)
    context = {
        "form": form,
        "goal": goal,
        "holders": holders,
        "new_holders": [holder for holder in holders if not holder.has_target],
    }
    return render(request, "goals/editing/propose.html", context)


# --- Key indicators ------------------------------------------------------------------------------


def indicator_create(request, goal_id):
    actor = GoalActor.for_request(request)
    goal = _visible_goal_or_404(actor, goal_id)
    require(can_edit_goal(actor, goal), "You may not add indicators to this goal.")
    form = IndicatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(form, indicator_services.indicator_create, actor=actor, goal=goal, **form.cleaned_data)
        if done.ok:
            messages.success(request, f"Indicator “{done.value.name}” added to “{goal.title}”.")
            return _to_detail(request, goal)
    return render(request, "goals/editing/indicator_form.html", {"form": form, "goal": goal, "indicator": None})


def indicator_edit(request, keyindicator_id):
    actor = GoalActor.for_request(request)
    indicator = get_object_or_404(
        KeyIndicator.objects.select_related("goal__period", "goal__unit", "goal__position__unit"),
        public_id=keyindicator_id,
    )
    goal = indicator.goal
    if not can_view_goal(actor, goal):
        raise Http404("No such indicator.")
    require(can_edit_goal(actor, goal), "You may not change this goal's indicators.")
    form = IndicatorForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(indicator, name) for name in IndicatorForm.FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, indicator_services.indicator_update, actor=actor, indicator=indicator, **form.cleaned_data
        )
        if done.ok:
            messages.success(request, f"Indicator “{done.value.name}” saved.")
            return _to_detail(request, goal)
    return render(request, "goals/editing/indicator_form.html", {"form": form, "goal": goal, "indicator": indicator})


# --- Helpers -------------------------------------------------------------------------------------


def _to_detail(request, goal):
    return redirect(org_reverse("goals:goal_detail", request.organization, goal_id=goal.public_id))


def _visible_goal_or_404(actor: GoalActor, goal_id) -> Goal:
    """The goal, if the actor may see it; someone else's work target is a 404, as is another
    organisation's goal (the scoped manager does not find it)."""
    goal = get_object_or_404(
        Goal.objects.select_related("period", "unit", "position__unit", "employee", "owner", "parent"),
        public_id=goal_id,
    )
    if not can_view_goal(actor, goal):
        raise Http404("No such goal.")
    return goal


def _parent_from_query(actor: GoalActor, value) -> Goal | None:
    """The goal named by ?parent=, when it is one the actor may see; anything else is ignored."""
    goal = by_public_id(Goal.objects.select_related("period", "unit"), value)
    return goal if goal is not None and can_view_goal(actor, goal) else None


def _may_set_goals_at(actor: GoalActor, level: str) -> bool:
    """Whether the actor may set goals of this level anywhere (which unit, post or person is
    checked by the service once chosen)."""
    if actor.is_hr:
        return True
    if level in ORGANISATION_LEVELS:
        return can_create_goal(actor, level=level)
    if level in (GoalLevel.UNIT, GoalLevel.POSITION):
        return bool(actor.headed_paths)
    return actor.employee is not None


def _choose_level(request, actor: GoalActor, parent: Goal | None):
    """Without ?level=, ask what kind of goal to set (keeping the other presets)."""
    allowed = (
        PARENT_LEVELS
        if parent is None
        else {level: above for level, above in PARENT_LEVELS.items() if parent.level in above}
    )
    query = request.GET.copy()
    levels = []
    for level in allowed:
        if not _may_set_goals_at(actor, level):
            continue
        query["level"] = level
        levels.append(
            {"label": GoalLevel(level).label, "description": LEVEL_DESCRIPTIONS[level], "query": query.urlencode()}
        )
    return render(request, "goals/editing/choose_level.html", {"levels": levels, "parent": parent})


def _goal_choices(actor: GoalActor, *, level, period, unit=None, goal: Goal | None = None) -> dict:
    """Scoped querysets for the goal form. Selects stay short on a large organisation: parents
    are the period's goals of plausible levels only; units, posts and people are those the
    actor may set goals for; owners are the heads of units plus whoever is relevant here."""
    plausible = Q(period=period, level__in=PARENT_LEVELS[level]) & ~Q(status=GoalStatus.DROPPED)
    if goal is not None and goal.parent_id:
        # Whatever the goal serves now stays choosable, so saving another field never drops it
        # silently (a dropped or odd-level parent then gets the service's own message).
        plausible |= Q(pk=goal.parent_id)
    parents = Goal.objects.filter(plausible).select_related("unit").order_by("path")
    if goal is not None:
        parents = parents.exclude(pk=goal.pk)

    in_scope = Q()
    if not actor.is_hr:
        in_scope = Q(pk__in=[])
        for path in actor.headed_paths:
            in_scope |= Q(path__startswith=path)
    units = OrgUnit.objects.filter(in_scope, is_active=True).order_by("path")
    positions = Position.objects.filter(is_active=True, unit__in=units).select_related("unit")
    if unit is not None:
        positions = positions.filter(unit__path__startswith=unit.path)

    me = actor.employee
    people = Q(pk=me.pk) if me is not None else Q(pk__in=[])
    if level == GoalLevel.INDIVIDUAL and actor.report_ids:
        people |= Q(pk__in=actor.report_ids)
    owners = Q(headed_units__is_active=True) | people
    if unit is not None:
        owners |= Q(unit=unit)
    owners &= Q(is_active=True)
    if goal is not None and goal.owner_id:
        owners |= Q(pk=goal.owner_id)  # kept even if they have left since
    return {
        "parents": parents,
        "units": units,
        "positions": positions.order_by("unit__path", "title", "pk"),
        "employees": Employee.objects.filter(people, is_active=True).order_by("last_name", "first_name", "pk"),
        "owners": Employee.objects.filter(owners).distinct().order_by("last_name", "first_name", "pk"),
    }


def _create_initial(request, actor: GoalActor, form: GoalForm, *, level, parent, unit) -> dict:
    """The create form's starting values from the query string and the context."""
    initial = {"parent": parent}
    fields = form.fields
    if "unit" in fields:
        chosen = initial_choice(fields["unit"], request.GET.get("unit"))
        if chosen is None and len(actor.headed_paths) == 1 and not actor.is_hr:
            chosen = fields["unit"].queryset.filter(path=actor.headed_paths[0]).first()
        initial["unit"] = chosen
    if "position" in fields:
        initial["position"] = initial_choice(fields["position"], request.GET.get("position"))
    if "employee" in fields:
        initial["employee"] = initial_choice(fields["employee"], request.GET.get("employee")) or actor.employee
    if "owner" in fields:
        chosen_unit = initial.get("unit") or unit
        if level in ORGANISATION_LEVELS:
            initial["owner"] = actor.employee
        elif level == GoalLevel.UNIT and chosen_unit is not None and chosen_unit.head_id:
            initial["owner"] = chosen_unit.head
    if "weight" in fields and level != GoalLevel.INDIVIDUAL:
        initial["weight"] = selectors.remaining_weight(parent) if parent is not None else 0
    return initial
