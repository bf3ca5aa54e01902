"""The roll-up, checked on random trees: whatever the shape, weights, statuses and leaf
progress, every stored figure equals an independent recomputation of the documented rule
(tests/rollup_oracle.py), and a check-in touches nothing but the checked goal and its ancestors.

Trees are built through the services, as users build them, in a fresh period per example
(the test's transaction holds them all and rolls back at the end).
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.goals.models import Direction, Goal, GoalLevel, GoalStatus
from apps.goals.permissions import GoalActor
from apps.goals.services.checkins import checkin_record
from apps.goals.services.goals import goal_create, goal_set_status
from apps.goals.services.indicators import indicator_create
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .rollup_oracle import stored_and_expected

# One level per depth, from the top: the deepest tree (5 levels) uses every level once.
LEVELS = [GoalLevel.STRATEGIC, GoalLevel.CORPORATE, GoalLevel.UNIT, GoalLevel.POSITION, GoalLevel.INDIVIDUAL]
MAX_NODES = 12

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,  # no example database: every run draws afresh (.hypothesis/ is git-ignored)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

percentages = st.decimals(min_value=0, max_value=100, places=2)
round_weights = st.sampled_from([Decimal("0"), Decimal("10"), Decimal("25"), Decimal("50"), Decimal("100")])


@st.composite
def indicators(draw):
    direction = draw(st.sampled_from([Direction.HIGHER, Direction.LOWER]))
    baseline = draw(st.decimals(min_value=-1000, max_value=1000, places=2))
    distance = draw(st.decimals(min_value=Decimal("0.01"), max_value=500, places=2))
    target = baseline + distance if direction == Direction.HIGHER else baseline - distance
    # Actuals on both sides of the baseline-to-target span, so clamping to 0–100 gets exercised.
    low, high = min(baseline, target) - distance, max(baseline, target) + distance
    actual = draw(st.none() | st.decimals(min_value=low, max_value=high, places=2))
    return {"direction": direction, "baseline": baseline, "target": target, "actual": actual}


@st.composite
def trees(draw):
    """A nested dict per goal: status, weight, manual percentage, indicators and children.

    Depth 1–5 levels, 0–4 children per goal, at most MAX_NODES goals; the children of a goal
    sometimes all weigh 0 (equal shares)."""
    levels = draw(st.integers(min_value=1, max_value=len(LEVELS)))
    budget = [MAX_NODES - 1]

    def node(depth, weight):
        spec = {
            "status": draw(st.sampled_from(GoalStatus.values)),
            "weight": weight,
            "manual": draw(st.none() | percentages),
            "indicators": draw(st.lists(indicators(), max_size=2)),
            "children": [],
        }
        if depth + 1 < levels and budget[0] > 0:
            count = min(draw(st.integers(min_value=0, max_value=4)), budget[0])
            budget[0] -= count
            all_zero = draw(st.booleans())
            for _ in range(count):
                child_weight = Decimal("0") if all_zero else draw(round_weights | percentages)
                spec["children"].append(node(depth + 1, child_weight))
        return spec

    return node(0, draw(round_weights))


@pytest.fixture
def setting(org_a, unit_a, alice, bob):
    """An HR actor and the unit, post and person the lower levels belong to."""
    with tenant_scope(org_a):
        actor = GoalActor(
            user=alice,
            membership=Membership.objects.get(user=alice, organization=org_a),
            employee=alice.employments.get(),
        )
        # A post nobody holds: an active position target proposes nothing to anyone.
        position = factories.PositionFactory(organization=org_a, unit=unit_a)
        return {"actor": actor, "unit": unit_a, "position": position, "employee": bob.employments.get()}


def _build(spec, *, setting, period, parent=None, depth=0, built=None, name="G"):
    """Create the tree top-down through the services; final statuses come afterwards, because a
    dropped goal takes no children and a closed goal takes no indicators."""
    built = [] if built is None else built
    level = LEVELS[depth]
    owned_by = {
        GoalLevel.UNIT: {"unit": setting["unit"]},
        GoalLevel.POSITION: {"position": setting["position"]},
        GoalLevel.INDIVIDUAL: {"employee": setting["employee"]},
    }.get(level, {})
    goal = goal_create(
        actor=setting["actor"],
        period=period,
        level=level,
        title=name,
        parent=parent,
        weight=spec["weight"],
        manual_progress=spec["manual"],
        status=GoalStatus.DRAFT if spec["status"] == GoalStatus.DRAFT else GoalStatus.ACTIVE,
        **owned_by,
    )
    for number, values in enumerate(spec["indicators"]):
        indicator_create(actor=setting["actor"], goal=goal, name=f"{name} KPI {number}", **values)
    built.append((goal, spec))
    for number, child in enumerate(spec["children"]):
        _build(
            child, setting=setting, period=period, parent=goal, depth=depth + 1, built=built, name=f"{name}.{number}"
        )
    return built


def _build_with_final_statuses(tree, setting, org):
    period = factories.GoalPeriodFactory(organization=org)
    built = _build(tree, setting=setting, period=period)
    for goal, spec in built:
        if spec["status"] in (GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.DROPPED):
            goal_set_status(actor=setting["actor"], goal=goal, status=spec["status"], reason="Decided in the test")
    return period, [goal for goal, _ in built]


def _assert_matches_the_rule(period):
    stored, expected = stored_and_expected(Goal.objects.filter(period=period))
    mismatches = {pk: (stored[pk], expected[pk]) for pk in stored if stored[pk] != expected[pk]}
    assert not mismatches, f"stored vs expected progress by goal id: {mismatches}"


@PROPERTY_SETTINGS
@given(tree=trees())
def test_every_goal_holds_the_progress_the_rule_gives(setting, org_a, tree):
    with tenant_scope(org_a):
        period, goals = _build_with_final_statuses(tree, setting, org_a)
        assert Goal.objects.filter(period=period).count() == len(goals)
        _assert_matches_the_rule(period)


@PROPERTY_SETTINGS
@given(tree=trees(), data=st.data())
def test_a_check_in_changes_only_the_goal_and_its_ancestors(setting, org_a, tree, data):
    with tenant_scope(org_a):
        period, goals = _build_with_final_statuses(tree, setting, org_a)
        # Check-ins go to agreed, open goals: on indicators, or as a percentage where nothing below decides.
        open_goals = [
            goal
            for goal in Goal.objects.filter(period=period, status=GoalStatus.ACTIVE).prefetch_related(
                "indicators", "children"
            )
            if list(goal.indicators.all()) or all(child.status == GoalStatus.DROPPED for child in goal.children.all())
        ]
        if not open_goals:
            return  # nothing takes a check-in in this tree
        goal = data.draw(st.sampled_from(open_goals), label="checked-in goal")
        indicator = goal.indicators.order_by("pk").first()
        if indicator is None:
            change = {"percentage": data.draw(percentages, label="percentage")}
        else:
            low, high = sorted([indicator.baseline, indicator.target])
            actual = data.draw(st.decimals(min_value=low, max_value=high, places=2), label="actual")
            change = {"indicator": indicator, "actual": actual}
        before = {g.pk: (g.progress, g.updated_at) for g in Goal.objects.filter(period=period)}

        checkin_record(actor=setting["actor"], goal=goal, comment="Property check-in", **change)

        chain = {int(segment) for segment in goal.path.split("/") if segment}
        after = {g.pk: (g.progress, g.updated_at) for g in Goal.objects.filter(period=period)}
        touched = {pk for pk in before if before[pk] != after[pk]}
        assert touched <= chain, f"goals off the check-in's path changed: {touched - chain}"
        _assert_matches_the_rule(period)


def test_an_indicator_exactly_half_a_cent_along_rounds_up(setting, org_a):
    """Ties are too rare for random draws to hit: 0.01 of the way from 0 to 8 is 0.125%."""
    with tenant_scope(org_a):
        period = factories.GoalPeriodFactory(organization=org_a)
        goal = goal_create(actor=setting["actor"], period=period, level=GoalLevel.STRATEGIC, title="Tie")
        indicator_create(
            actor=setting["actor"],
            goal=goal,
            name="Tie",
            baseline=Decimal("0"),
            target=Decimal("8"),
            actual=Decimal("0.01"),
        )
        goal.refresh_from_db()
        assert goal.progress == Decimal("0.13")
        _assert_matches_the_rule(period)
