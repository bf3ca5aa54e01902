"""Who may see and change which goals, one test per role (apps/goals/permissions.py).

The organisation used throughout:

    Alpha HQ (unit_a)                     alice: HR admin
    └── Division D        head: dee
        ├── Department X  head: xan       emp → lead → senior (line managers, heading nothing)
        └── Department Y  head: yara      (X's sibling)
    sam: senior management by staff class, heading nothing
"""

import pytest

from apps.goals.models import Goal, GoalLevel, GoalStatus
from apps.goals.permissions import (
    GoalActor,
    can_agree,
    can_check_in,
    can_create_goal,
    can_edit_goal,
    can_see_alignment_gaps,
    can_view_goal,
    visible_goals,
)
from apps.people.models import Employee
from apps.tenancy.models import Membership
from apps.tenancy.scoping import platform_unscoped, tenant_scope
from apps.tests_support import factories


def _person(org, unit, email, *, manager=None, grade=None):
    user = factories.member(org, unit, email=email, first_name=email.split("@")[0].title(), manager=manager)
    employee = user.employments.get()
    if grade is not None:
        employee.grade = grade
        employee.save()
    return employee


def _head(unit, employee):
    unit.head = employee
    unit.save()


@pytest.fixture
def world(org_a, org_b, unit_a, unit_b, alice, charlie):
    """Units, people and one goal of every level; built outside a scope like every fixture."""
    d = factories.OrgUnitFactory(organization=org_a, name="Division D", parent=unit_a)
    x = factories.OrgUnitFactory(organization=org_a, name="Department X", parent=d)
    y = factories.OrgUnitFactory(organization=org_a, name="Department Y", parent=d)
    board = factories.StaffClassFactory(organization=org_a, name="Board", is_senior_management=True)
    people = {
        "dee": _person(org_a, d, "dee@alpha.test"),
        "xan": _person(org_a, x, "xan@alpha.test"),
        "yara": _person(org_a, y, "yara@alpha.test"),
        "sam": _person(
            org_a, unit_a, "sam@alpha.test", grade=factories.GradeFactory(organization=org_a, staff_class=board)
        ),
        "senior": _person(org_a, x, "senior@alpha.test"),
    }
    people["lead"] = _person(org_a, x, "lead@alpha.test", manager=people["senior"])
    people["emp"] = _person(org_a, x, "emp@alpha.test", manager=people["lead"])
    people["peer"] = _person(org_a, x, "peer@alpha.test", manager=people["lead"])
    _head(d, people["dee"])
    _head(x, people["xan"])
    _head(y, people["yara"])

    period = factories.GoalPeriodFactory(organization=org_a)
    post = factories.PositionFactory(organization=org_a, unit=x, title="Analyst")

    def goal(**fields):
        return factories.GoalFactory(organization=org_a, period=period, **fields)

    strategic = goal(title="Grow")
    corporate = goal(title="Win customers", level=GoalLevel.CORPORATE, parent=strategic)
    unit_d = goal(title="D goal", level=GoalLevel.UNIT, unit=d, parent=corporate)
    unit_x = goal(title="X goal", level=GoalLevel.UNIT, unit=x, parent=unit_d)
    unit_y = goal(title="Y goal", level=GoalLevel.UNIT, unit=y, parent=unit_d)
    position = goal(title="Analyst target", level=GoalLevel.POSITION, position=post, unit=x, parent=unit_x)

    def target(title, employee, status):
        return goal(
            title=title,
            level=GoalLevel.INDIVIDUAL,
            employee=employee,
            owner=employee,
            unit=x,
            parent=position,
            status=status,
        )

    goals = {
        "strategic": strategic,
        "corporate": corporate,
        "unit_d": unit_d,
        "unit_x": unit_x,
        "unit_y": unit_y,
        "position": position,
        "draft": target("Emp's draft", people["emp"], GoalStatus.DRAFT),
        "agreed": target("Emp's agreed", people["emp"], GoalStatus.ACTIVE),
        "peer": target("Peer's draft", people["peer"], GoalStatus.DRAFT),
        "foreign": factories.GoalFactory(organization=org_b, title="Beta strategy"),
    }
    units = {"d": d, "x": x, "y": y, "hq": unit_a, "foreign": unit_b}
    return {"people": people, "goals": goals, "units": units, "post": post, "org": org_a}


def _actor(user, org):
    employee = Employee.objects.filter(user=user).first()
    return GoalActor(user=user, membership=Membership.objects.get(user=user, organization=org), employee=employee)


def _actor_of(world, name):
    employee = world["people"][name]
    return _actor(employee.user, world["org"])


def _visible_titles(actor):
    return set(visible_goals(actor, Goal.objects.all()).values_list("title", flat=True))


def test_hr_admin_may_do_everything_in_their_organisation(world, org_a, alice):
    goals = world["goals"]
    with tenant_scope(org_a):
        hr = _actor(alice, org_a)
        assert all(can_view_goal(hr, g) for name, g in goals.items() if name != "foreign")
        assert all(can_edit_goal(hr, g) and can_check_in(hr, g) for name, g in goals.items() if name != "foreign")
        assert _visible_titles(hr) >= {"Emp's draft", "Emp's agreed", "Peer's draft", "Grow"}
        for level in (GoalLevel.STRATEGIC, GoalLevel.CORPORATE):
            assert can_create_goal(hr, level=level)
        assert can_create_goal(hr, level=GoalLevel.UNIT, unit=world["units"]["y"])
        assert can_create_goal(hr, level=GoalLevel.INDIVIDUAL, employee=world["people"]["emp"])
        assert can_agree(hr, goals["draft"])
        assert not can_agree(hr, goals["agreed"])  # already agreed
        assert not can_agree(hr, goals["unit_x"])  # only work targets are agreed
        assert can_see_alignment_gaps(hr)


def test_senior_management_edits_organisation_goals_only(world, org_a):
    goals = world["goals"]
    with tenant_scope(org_a):
        sam = _actor_of(world, "sam")
        assert sam.is_senior_management
        assert can_create_goal(sam, level=GoalLevel.STRATEGIC)
        assert can_create_goal(sam, level=GoalLevel.CORPORATE)
        assert can_edit_goal(sam, goals["strategic"]) and can_edit_goal(sam, goals["corporate"])
        assert can_check_in(sam, goals["strategic"])
        # Unit goals belong to the unit heads; work targets to the person and their managers.
        assert not can_create_goal(sam, level=GoalLevel.UNIT, unit=world["units"]["x"])
        assert not can_edit_goal(sam, goals["unit_x"])
        assert not can_view_goal(sam, goals["draft"])
        assert not can_agree(sam, goals["draft"])
        assert can_view_goal(sam, goals["unit_y"]) and can_view_goal(sam, goals["position"])
        assert not can_see_alignment_gaps(sam)


def test_the_staff_class_flag_is_what_makes_senior_management(world, org_a):
    with tenant_scope(org_a):
        sam = world["people"]["sam"]
        sam.grade.staff_class.is_senior_management = False
        sam.grade.staff_class.save()
        actor = _actor_of(world, "sam")
        assert not actor.is_senior_management
        assert not can_create_goal(actor, level=GoalLevel.STRATEGIC)
        assert not can_edit_goal(actor, world["goals"]["strategic"])


def test_the_head_of_the_whole_organisation_is_senior_management(world, org_a):
    with tenant_scope(org_a):
        _head(world["units"]["hq"], world["people"]["yara"])
        yara = _actor_of(world, "yara")
        assert yara.is_senior_management
        assert can_edit_goal(yara, world["goals"]["strategic"])


def test_a_unit_head_edits_their_units_goals_but_not_a_siblings(world, org_a):
    goals, units = world["goals"], world["units"]
    with tenant_scope(org_a):
        xan = _actor_of(world, "xan")
        assert can_create_goal(xan, level=GoalLevel.UNIT, unit=units["x"])
        assert can_create_goal(xan, level=GoalLevel.POSITION, position=world["post"])
        assert can_edit_goal(xan, goals["unit_x"]) and can_edit_goal(xan, goals["position"])
        assert can_check_in(xan, goals["unit_x"])
        # The sibling department, the division above and the organisation's goals are not theirs.
        assert not can_create_goal(xan, level=GoalLevel.UNIT, unit=units["y"])
        assert not can_edit_goal(xan, goals["unit_y"])
        assert not can_check_in(xan, goals["unit_y"])
        assert not can_edit_goal(xan, goals["unit_d"])
        assert not can_create_goal(xan, level=GoalLevel.UNIT, unit=units["d"])
        assert not can_create_goal(xan, level=GoalLevel.STRATEGIC)
        assert not can_edit_goal(xan, goals["strategic"])
        # Heading the unit is not managing its people: work targets follow the reporting line.
        assert not can_view_goal(xan, goals["draft"])
        assert not can_agree(xan, goals["draft"])
        assert can_see_alignment_gaps(xan)

        yara = _actor_of(world, "yara")
        assert can_edit_goal(yara, goals["unit_y"])
        assert not can_edit_goal(yara, goals["unit_x"])
        assert not can_edit_goal(yara, goals["position"])


def test_the_head_of_a_parent_unit_edits_every_unit_goal_below(world, org_a):
    goals, units = world["goals"], world["units"]
    with tenant_scope(org_a):
        dee = _actor_of(world, "dee")
        for name in ("unit_d", "unit_x", "unit_y", "position"):
            assert can_edit_goal(dee, goals[name]), name
            assert can_check_in(dee, goals[name]), name
        for unit in ("d", "x", "y"):
            assert can_create_goal(dee, level=GoalLevel.UNIT, unit=units[unit])
        assert not can_create_goal(dee, level=GoalLevel.UNIT, unit=units["hq"])
        assert not can_edit_goal(dee, goals["corporate"])


def test_a_plain_employee_shapes_their_own_drafts_only(world, org_a):
    goals, people = world["goals"], world["people"]
    with tenant_scope(org_a):
        emp = _actor_of(world, "emp")
        # Everybody reads organisation, unit and position goals; work targets are private.
        for name in ("strategic", "corporate", "unit_d", "unit_x", "unit_y", "position", "draft", "agreed"):
            assert can_view_goal(emp, goals[name]), name
        assert not can_view_goal(emp, goals["peer"])
        titles = _visible_titles(emp)
        assert {"Grow", "X goal", "Analyst target", "Emp's draft", "Emp's agreed"} <= titles
        assert "Peer's draft" not in titles and "Beta strategy" not in titles

        assert can_create_goal(emp, level=GoalLevel.INDIVIDUAL, employee=people["emp"])
        assert not can_create_goal(emp, level=GoalLevel.INDIVIDUAL, employee=people["peer"])
        assert not can_create_goal(emp, level=GoalLevel.UNIT, unit=world["units"]["x"])
        assert not can_create_goal(emp, level=GoalLevel.STRATEGIC)

        assert can_edit_goal(emp, goals["draft"])
        assert not can_edit_goal(emp, goals["agreed"]), "an agreed target is the manager's to change"
        assert not can_agree(emp, goals["draft"]), "nobody agrees their own target"
        assert can_check_in(emp, goals["agreed"]) and can_check_in(emp, goals["draft"])
        assert not can_check_in(emp, goals["peer"])
        assert not can_edit_goal(emp, goals["unit_x"]) and not can_check_in(emp, goals["unit_x"])
        assert not can_see_alignment_gaps(emp)


def test_an_employee_who_owns_a_unit_goal_checks_in_on_it_without_editing_it(world, org_a):
    goals = world["goals"]
    with tenant_scope(org_a):
        Goal.objects.filter(pk=goals["unit_x"].pk).update(owner=world["people"]["emp"])
        goals["unit_x"].refresh_from_db()
        emp = _actor_of(world, "emp")
        assert can_check_in(emp, goals["unit_x"])
        assert not can_edit_goal(emp, goals["unit_x"])


def test_managers_up_the_line_see_edit_and_agree_their_peoples_targets(world, org_a):
    goals, people = world["goals"], world["people"]
    with tenant_scope(org_a):
        for name in ("lead", "senior"):  # one and two levels above the employee
            manager = _actor_of(world, name)
            assert can_view_goal(manager, goals["draft"]), name
            assert {"Emp's draft", "Emp's agreed", "Peer's draft"} <= _visible_titles(manager), name
            assert can_create_goal(manager, level=GoalLevel.INDIVIDUAL, employee=people["emp"]), name
            assert can_edit_goal(manager, goals["agreed"]), name
            assert can_check_in(manager, goals["agreed"]), name
            assert can_agree(manager, goals["draft"]), name
            # Managing people gives no rights over unit goals.
            assert not can_edit_goal(manager, goals["unit_x"]), name
        lead = _actor_of(world, "lead")
        senior = _actor_of(world, "senior")
        # Rights run down the line, never up it.
        assert not can_create_goal(lead, level=GoalLevel.INDIVIDUAL, employee=people["senior"])
        assert not can_view_goal(
            _actor_of(world, "emp"), Goal(level=GoalLevel.INDIVIDUAL, employee=people["lead"], organization=org_a)
        )
        assert senior.report_ids == {people["lead"].pk, people["emp"].pk, people["peer"].pk}


def test_another_tenants_user_has_no_rights_here(world, org_a, org_b, charlie):
    goals = world["goals"]
    with tenant_scope(org_b):
        outsider = _actor(charlie, org_b)  # HR admin of their own organisation
        assert outsider.is_hr
        assert can_view_goal(outsider, goals["foreign"]), "their own organisation's goals stay theirs"
    with tenant_scope(org_a):
        for name, goal in goals.items():
            if name == "foreign":
                continue
            assert not can_view_goal(outsider, goal), name
            assert not can_edit_goal(outsider, goal), name
            assert not can_check_in(outsider, goal), name
            assert not can_agree(outsider, goal), name
        assert not can_create_goal(outsider, level=GoalLevel.UNIT, unit=world["units"]["x"])
        assert not can_create_goal(outsider, level=GoalLevel.INDIVIDUAL, employee=world["people"]["emp"])
        assert not can_create_goal(outsider, level=GoalLevel.POSITION, position=world["post"])
    with platform_unscoped():
        # Even a list built outside any tenant scope keeps to the actor's organisation.
        assert _visible_titles(outsider) == {"Beta strategy"}


def test_an_actor_without_a_membership_has_no_rights(world, org_a, alice):
    with tenant_scope(org_a):
        nobody = GoalActor(user=alice, membership=None, employee=None)
        assert not can_view_goal(nobody, world["goals"]["strategic"])
        assert not can_create_goal(nobody, level=GoalLevel.STRATEGIC)
        assert not visible_goals(nobody, Goal.objects.all()).exists()
