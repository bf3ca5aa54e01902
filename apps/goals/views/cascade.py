"""Reading the cascade: the tree from strategy down, one unit's goals, and the alignment gaps.

Every member reads organisation, unit and position goals; a work target shows only to the
person, their managers up the line and HR (permissions.visible_goals filters every list).
"""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property

from apps.people.models import OrgUnit
from apps.people.selectors import unit_ancestors
from apps.tenancy.urls_helpers import org_reverse

from .. import selectors
from ..models import Goal, GoalLevel
from ..permissions import GoalActor, can_create_goal, can_see_alignment_gaps, require

# How many rows each section of the gaps page lists; the section says how many there are in all.
GAP_ROWS = 100


class CascadeTree:
    """The tree's top with the links the actor may follow to add under each goal, worked out
    only when the page draws it: while the tree is kept as HTML (the template's cached_fragment,
    per person, under the goals' and people's generations) it is neither read nor linked."""

    domains = selectors.GOAL_PAGE_DOMAINS  # what the tree is read from: its HTML keeps no longer

    def __init__(self, request, actor: GoalActor, period):
        self.request, self.actor, self.period = request, actor, period

    @cached_property
    def roots(self) -> list[Goal]:
        roots = selectors.cascade_top(self.actor, self.period) if self.period else []
        add_links(self.request, self.actor, roots + [child for root in roots for child in root.loaded_children])
        return roots


class UnitGoalPage:
    """A unit's goals with their alignment and the actor's add links, and its sub-units, read
    only when the page draws them (kept as HTML per person otherwise, as the tree is)."""

    domains = selectors.GOAL_PAGE_DOMAINS

    def __init__(self, request, actor: GoalActor, unit, period):
        self.request, self.actor, self.unit, self.period = request, actor, unit, period

    @cached_property
    def _read(self) -> tuple[list, list]:
        goals, sub_units = selectors.unit_goal_page(self.actor, self.unit, self.period)
        add_links(self.request, self.actor, goals)
        return goals, sub_units

    @property
    def goals(self) -> list[Goal]:
        return self._read[0]

    @property
    def sub_units(self) -> list:
        return self._read[1]


def cascade(request):
    """The top of the tree for a period, with the level below it open; deeper levels load on demand."""
    actor = GoalActor.for_request(request)
    periods = selectors.periods_newest_first()
    period = selectors.chosen_period(periods, request.GET.get("period"))
    context = {
        "periods": periods,
        "period": period,
        "tree": CascadeTree(request, actor, period),
        "top_links": top_level_links(request, actor, period),
        "can_see_gaps": can_see_alignment_gaps(actor),
    }
    return render(request, "goals/cascade/cascade.html", context)


def cascade_children(request, goal_id):
    """One goal's sub-goals. htmx asks for the list alone (the tree's "N sub-goals" toggle);
    without JavaScript the toggle is a link to this page: the goal with its sub-goals."""
    actor = GoalActor.for_request(request)
    goal = get_object_or_404(selectors.cascade_nodes(actor, Goal.objects.all()), public_id=goal_id)
    selectors.cascade_children(actor, [goal])
    add_links(request, actor, [goal, *goal.loaded_children])
    context = {"goal": goal, "nodes": goal.loaded_children, "period": goal.period}
    if request.htmx and not request.htmx.boosted:
        return render(request, "goals/cascade/node.html#children", context)
    context["ancestors"] = selectors.goal_ancestors(goal)
    return render(request, "goals/cascade/node.html", context)


def unit_goals(request, orgunit_id):
    """A unit's goals for a period: what each serves, what is aligned to it, and the indicators."""
    actor = GoalActor.for_request(request)
    unit = get_object_or_404(OrgUnit.objects.select_related("head", "parent"), public_id=orgunit_id)
    periods = selectors.periods_newest_first()
    period = selectors.chosen_period(periods, request.GET.get("period"))
    may_add = period is not None and not period.is_closed and can_create_goal(actor, level=GoalLevel.UNIT, unit=unit)
    context = {
        "unit": unit,
        "ancestors": unit_ancestors(unit),
        "periods": periods,
        "period": period,
        "unit_page": UnitGoalPage(request, actor, unit, period),
        "add_unit_goal_url": (
            create_url(request, level=GoalLevel.UNIT, unit=unit.public_id, period=period.public_id) if may_add else None
        ),
    }
    return render(request, "goals/cascade/unit_goals.html", context)


def alignment_gaps(request):
    """Where the cascade is not joined up: for HR across the organisation, for a unit head in
    the units they lead. Each section: one count and one list query."""
    actor = GoalActor.for_request(request)
    require(can_see_alignment_gaps(actor), "Alignment gaps are for HR and the heads of units.")
    periods = selectors.periods_newest_first()
    period = selectors.chosen_period(periods, request.GET.get("period"))
    sections = {}
    if period is not None:
        queries = {
            "uncarried": selectors.goals_nobody_carries(actor, period),
            "unaligned": selectors.unaligned_targets(actor, period),
            "unbalanced": selectors.goals_with_unbalanced_weights(actor, period),
        }
        sections = {name: {"rows": list(qs[:GAP_ROWS]), "total": qs.count()} for name, qs in queries.items()}
    context = {
        "periods": periods,
        "period": period,
        "sections": sections,
        "gap_total": sum(section["total"] for section in sections.values()),
        "whole_organisation": actor.is_hr,
        "row_limit": GAP_ROWS,
    }
    return render(request, "goals/cascade/gaps.html", context)


# --- "Add under this goal" links ---------------------------------------------------------------

# The levels a goal's sub-goals usually sit on, with the wording of the link.
CHILD_LEVELS = {
    GoalLevel.STRATEGIC: ((GoalLevel.CORPORATE, "Corporate goal"), (GoalLevel.UNIT, "Unit goal")),
    GoalLevel.CORPORATE: ((GoalLevel.UNIT, "Unit goal"),),
    GoalLevel.UNIT: (
        (GoalLevel.UNIT, "Sub-unit goal"),
        (GoalLevel.POSITION, "Position target"),
        (GoalLevel.INDIVIDUAL, "Work target"),
    ),
    GoalLevel.POSITION: ((GoalLevel.INDIVIDUAL, "Work target"),),
    GoalLevel.INDIVIDUAL: (),
}


def create_url(request, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return org_reverse("goals:goal_create", request.organization) + ("?" + query if query else "")


def may_add_under(actor: GoalActor, goal: Goal, level: str) -> bool:
    """Whether to offer "add a <level> under this goal". A hint for the page, from relations
    already loaded (no query per goal); the service decides for real when the form is sent."""
    if actor.is_hr:
        return True
    unit = goal.unit
    if level in (GoalLevel.STRATEGIC, GoalLevel.CORPORATE):
        return actor.is_senior_management
    if level == GoalLevel.UNIT:
        if unit is None:
            return bool(actor.headed_paths)
        # Heads of the goal's unit or above set goals for its sub-units; heads below for their own.
        return any(path.startswith(unit.path) or unit.path.startswith(path) for path in actor.headed_paths)
    if level == GoalLevel.POSITION:
        return actor.heads_unit_or_above(unit)
    if level == GoalLevel.INDIVIDUAL:
        employee = actor.employee
        if employee is None:
            return False
        if goal.level == GoalLevel.POSITION:
            return employee.position_id == goal.position_id or actor.heads_unit_or_above(unit)
        return employee.unit_id == goal.unit_id or actor.heads_unit_or_above(unit)
    return False


def add_links(request, actor: GoalActor, goals: list[Goal]) -> None:
    """Give each goal `add_links`: (label, url) for the sub-goals the actor may add under it."""
    for goal in goals:
        goal.add_links = []
        if goal.is_closed or goal.period.is_closed:
            continue
        for level, label in CHILD_LEVELS[goal.level]:
            if not may_add_under(actor, goal, level):
                continue
            params = {"level": level, "parent": goal.public_id}
            if level == GoalLevel.POSITION:
                params["unit"] = goal.unit.public_id
            if level == GoalLevel.INDIVIDUAL and actor.employee is not None:
                params["employee"] = actor.employee.public_id
            goal.add_links.append((label, create_url(request, **params)))


def top_level_links(request, actor: GoalActor, period) -> list[tuple[str, str]]:
    if period is None or period.is_closed:
        return []
    return [
        (label, create_url(request, level=level, period=period.public_id))
        for level, label in ((GoalLevel.STRATEGIC, "Strategic goal"), (GoalLevel.CORPORATE, "Corporate goal"))
        if can_create_goal(actor, level=level)
    ]
