from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages

from apps.goals.models import Goal, GoalStatus
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .cascade_support import build, url


@pytest.fixture
def cascade(org_a, unit_a, alice, bob):
    return build(org_a, unit_a, alice, bob)


def _create_url(org, **params):
    return url("goals:goal_create", org) + ("?" + urlencode(params) if params else "")


def _goal_count(org):
    with tenant_scope(org):
        return Goal.objects.count()


# --- Create ------------------------------------------------------------------------------------


def test_without_a_level_the_page_asks_which_kind_of_goal(alice_client, org_a, cascade):
    html = alice_client.get(_create_url(org_a, parent=cascade["u1"].public_id)).content.decode()
    assert "What kind of goal?" in html
    assert "level=position" in html and "level=unit" in html and "level=individual" in html
    assert "level=corporate" not in html  # nothing corporate sits under a unit goal


def test_the_form_shows_only_the_fields_of_the_level(alice_client, org_a, unit_a, cascade):
    response = alice_client.get(_create_url(org_a, level="unit", parent=cascade["s1"].public_id, unit=unit_a.public_id))
    form = response.context["form"]
    assert list(form.fields) == ["unit", "title", "description", "measure", "parent", "weight", "owner"]
    assert form.initial["parent"] == cascade["s1"]
    assert form.initial["unit"] == unit_a
    assert form.initial["weight"] == Decimal("0")  # S1's sub-goals already take 100%
    strategic = alice_client.get(_create_url(org_a, level="strategic")).context["form"]
    assert "parent" not in strategic.fields and "weight" not in strategic.fields
    target = alice_client.get(_create_url(org_a, level="individual")).context["form"]
    assert "employee" in target.fields and "owner" not in target.fields


def test_parent_choices_are_the_periods_goals_of_plausible_levels(alice_client, org_a, cascade):
    form = alice_client.get(_create_url(org_a, level="position", parent=cascade["u1"].public_id)).context["form"]
    with tenant_scope(org_a):
        titles = {goal.title for goal in form.fields["parent"].queryset}
    assert titles == {"Enter two new markets", "HQ: double repeat sales", "Sales: win 40 accounts"}


def test_hr_creates_a_unit_goal_under_a_strategic_goal(alice_client, org_a, unit_a, cascade):
    response = alice_client.post(
        _create_url(org_a, level="unit", parent=cascade["s2"].public_id),
        {
            "unit": unit_a.public_id,
            "title": "Answer every complaint in a day",
            "parent": cascade["s2"].public_id,
            "weight": "100",
            "owner": "",
            "measure": "Complaints answered within 24h",
        },
    )
    with tenant_scope(org_a):
        goal = Goal.objects.get(title="Answer every complaint in a day")
        assert goal.parent == cascade["s2"] and goal.unit == unit_a and goal.period == cascade["period"]
        assert goal.status == GoalStatus.ACTIVE and goal.weight == Decimal("100")
        assert AuditEvent.objects.filter(action="goal.created", object_id=goal.public_id).exists()
    assert response.status_code == 302
    assert response["Location"] == url("goals:goal_detail", org_a, goal_id=goal.public_id)
    assert "saved" in [str(m) for m in get_messages(response.wsgi_request)][0]


def test_a_member_proposes_their_own_work_target_under_a_position_target(bob_client, org_a, cascade):
    response = bob_client.post(
        _create_url(org_a, level="individual", parent=cascade["p1"].public_id),
        {
            "employee": cascade["bob_e"].public_id,
            "title": "Visit the new accounts too",
            "parent": cascade["p1"].public_id,
            "weight": "20",
        },
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        target = Goal.objects.get(title="Visit the new accounts too")
        assert (
            target.status == GoalStatus.DRAFT and target.employee == cascade["bob_e"] and target.parent == cascade["p1"]
        )


def test_a_weight_of_150_is_refused_at_the_weight_and_nothing_is_written(alice_client, org_a, unit_a, cascade):
    before = _goal_count(org_a)
    response = alice_client.post(
        _create_url(org_a, level="unit", parent=cascade["s2"].public_id),
        {"unit": unit_a.public_id, "title": "Too heavy", "parent": cascade["s2"].public_id, "weight": "150"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["weight"] == ["A weight is a percentage from 0 to 100."]
    assert _goal_count(org_a) == before


def test_a_parent_of_another_period_is_refused_at_the_parent(alice_client, org_a, cascade):
    before = _goal_count(org_a)
    response = alice_client.post(
        _create_url(org_a, level="corporate", period=cascade["period"].public_id),
        {"title": "Mixed up", "parent": cascade["old_goal"].public_id, "weight": "10"},
    )
    assert response.status_code == 200
    assert "Choose a goal of 2026 from the list" in response.context["form"].errors["parent"][0]
    assert _goal_count(org_a) == before


def test_service_errors_land_at_their_field(alice_client, org_a, unit_a, cascade):
    # A unit goal under a goal of its own unit is refused by the service's rules, at the parent.
    response = alice_client.post(
        _create_url(org_a, level="unit", parent=cascade["u1"].public_id),
        {"unit": unit_a.public_id, "title": "Same unit", "parent": cascade["u1"].public_id, "weight": "10"},
    )
    assert "a unit above its own" in response.context["form"].errors["parent"][0]


def test_a_member_may_not_set_strategic_goals(bob_client, org_a, cascade):
    assert bob_client.get(_create_url(org_a, level="strategic")).status_code == 403
    before = _goal_count(org_a)
    assert bob_client.post(_create_url(org_a, level="strategic"), {"title": "Coup"}).status_code == 403
    assert _goal_count(org_a) == before


def test_a_member_may_not_set_a_target_for_someone_outside_their_team(bob_client, org_a, cascade):
    before = _goal_count(org_a)
    response = bob_client.post(
        _create_url(org_a, level="individual"),
        {"employee": cascade["erin"].public_id, "title": "For Erin", "weight": "10"},
    )
    assert response.status_code == 200
    assert "employee" in response.context["form"].errors  # Erin is not among Bob's choices
    assert _goal_count(org_a) == before


def test_without_an_open_period_the_page_says_so(alice_client, org_a, alice):
    factories.GoalPeriodFactory(organization=org_a, name="Closed", is_closed=True)
    assert b"No open goal period" in alice_client.get(_create_url(org_a, level="strategic")).content


# --- Edit --------------------------------------------------------------------------------------


def _edit(client, org, goal, data=None):
    path = url("goals:goal_edit", org, goal_id=goal.public_id)
    return client.post(path, data) if data is not None else client.get(path)


def test_hr_edits_a_goal(alice_client, org_a, cascade):
    form = _edit(alice_client, org_a, cascade["u2"]).context["form"]
    assert "unit" not in form.fields  # what a goal belongs to is fixed once set
    assert form.initial["title"] == "Sales: win 40 accounts"
    response = _edit(
        alice_client,
        org_a,
        cascade["u2"],
        {
            "title": "Sales: win 50 accounts",
            "parent": cascade["u1"].public_id,
            "weight": "100",
            "owner": cascade["olly_e"].public_id,
        },
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        assert Goal.objects.get(pk=cascade["u2"].pk).title == "Sales: win 50 accounts"


def test_a_goal_cannot_move_under_its_own_descendant(alice_client, org_a, cascade):
    # U1 (HQ) under U2 (Sales, below HQ) would be a loop in the tree.
    response = _edit(
        alice_client,
        org_a,
        cascade["u1"],
        {"title": "HQ: double repeat sales", "parent": cascade["u2"].public_id, "weight": "40"},
    )
    assert response.status_code == 200
    assert any("below it" in error for error in response.context["form"].errors["parent"])
    with tenant_scope(org_a):
        assert Goal.objects.get(pk=cascade["u1"].pk).parent_id == cascade["s1"].pk


def test_a_member_sees_a_unit_goal_but_may_not_edit_it(bob_client, org_a, cascade):
    assert _edit(bob_client, org_a, cascade["u1"]).status_code == 403
    assert (
        _edit(
            bob_client, org_a, cascade["u1"], {"title": "Mine now", "parent": cascade["s1"].public_id, "weight": "1"}
        ).status_code
        == 403
    )


def test_someone_elses_work_target_is_not_found(bob_client, org_a, cascade):
    assert _edit(bob_client, org_a, cascade["t_erin"]).status_code == 404
    assert _edit(bob_client, org_a, cascade["t_erin"], {"title": "x", "weight": "1"}).status_code == 404


def test_a_member_edits_their_own_draft_target(bob_client, org_a, cascade):
    response = _edit(
        bob_client,
        org_a,
        cascade["t_bob"],
        {"title": "Visit my 15 key accounts", "parent": cascade["p1"].public_id, "weight": "30"},
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        assert Goal.objects.get(pk=cascade["t_bob"].pk).title == "Visit my 15 key accounts"


def test_another_tenant_cannot_edit(charlie_client, org_b, cascade):
    assert _edit(charlie_client, org_b, cascade["u1"]).status_code == 404


def test_saving_keeps_a_parent_and_owner_the_form_would_not_offer_for_a_new_goal(alice_client, org_a, cascade):
    # A work target aligned straight to the strategy, owned by someone who has since left.
    with tenant_scope(org_a):
        leaver = factories.EmployeeFactory(organization=org_a, unit=cascade["sales"], is_active=False)
        goal = factories.GoalFactory(
            organization=org_a,
            period=cascade["period"],
            level="corporate",
            parent=cascade["s2"],
            owner=leaver,
            title="Odd one",
        )
    form = _edit(alice_client, org_a, goal).context["form"]
    response = _edit(
        alice_client,
        org_a,
        goal,
        {
            "title": "Odd one, renamed",
            "parent": form.initial["parent"].public_id,
            "weight": "0",
            "owner": form.initial["owner"].public_id,
        },
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        goal.refresh_from_db()
    assert (goal.title, goal.parent_id, goal.owner_id) == ("Odd one, renamed", cascade["s2"].pk, leaver.pk)


def test_a_parent_of_another_organisation_is_refused_at_the_parent(alice_client, org_a, org_b, cascade):
    with tenant_scope(org_b):
        foreign = factories.GoalFactory(organization=org_b, title="Beta strategy")
    before = _goal_count(org_a)
    response = alice_client.post(
        _create_url(org_a, level="corporate", parent=foreign.public_id),
        {"title": "Borrowed", "parent": foreign.public_id, "weight": "10"},
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert response.context["parent"] is None  # the foreign id in the query string is ignored too
    assert _goal_count(org_a) == before
