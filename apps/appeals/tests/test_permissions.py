"""The permission matrix of appeals, role × state × action, written out here independently of
permissions.MATRIX; then who holds which role on a real appeal, and the list filter."""

import datetime
import itertools

import pytest
from django.utils import timezone

from apps.appeals.models import Appeal, AppealState, Party
from apps.appeals.permissions import Action, Role, can, roles_for, visible_q
from apps.appeals.services import comments, lodging, steps
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope

from .world import actor, build_world

L, A, U, H, D, C = "lodged", "acknowledged", "under_review", "hearing_scheduled", "decided", "closed"
EVERY = {L, A, U, H, D, C}

# action → {role: states in which the role may take it}
EXPECTED = {
    Action.VIEW: {Role.APPELLANT: EVERY, Role.BOARD: EVERY, Role.BOARD_LEAD: EVERY, Role.HR: EVERY},
    Action.VIEW_INTERNAL: {Role.BOARD: EVERY, Role.BOARD_LEAD: EVERY, Role.HR: EVERY},
    Action.VIEW_OWN_REQUESTS: {Role.ADDRESSEE: EVERY},
    Action.ACKNOWLEDGE: {Role.BOARD_LEAD: {L}},
    Action.START_REVIEW: {Role.BOARD_LEAD: {A}},
    Action.REQUEST_COMMENTS: {Role.BOARD_LEAD: {A, U, H}},
    Action.RESPOND: {Role.ADDRESSEE: {U, H}},
    Action.SCHEDULE_HEARING: {Role.BOARD_LEAD: {A, U, H}},
    Action.DECIDE: {Role.BOARD_LEAD: {U, H}},
    Action.ADD_NOTE: {Role.BOARD: EVERY - {C}, Role.BOARD_LEAD: EVERY - {C}},
    Action.ACKNOWLEDGE_OUTCOME: {Role.APPELLANT: {D}},
    Action.CLOSE: {Role.HR: {D}},
    Action.ROUTE: {Role.HR: {L}},
}
ROLES = [Role.APPELLANT, Role.BOARD, Role.BOARD_LEAD, Role.ADDRESSEE, Role.HR]
ACTIONS = [value for name, value in vars(Action).items() if not name.startswith("_")]


def test_the_table_covers_every_action_and_state():
    assert set(EXPECTED) == set(ACTIONS)
    assert set(AppealState.values) == EVERY


@pytest.mark.parametrize(("role", "state", "action"), list(itertools.product(ROLES, sorted(EVERY), ACTIONS)))
def test_matrix(role, state, action):
    assert can({role}, state, action) == (state in EXPECTED[action].get(role, set()))


def test_nobody_without_a_role_may_do_anything():
    assert not any(can(set(), state, action) for state in EVERY for action in ACTIONS)


@pytest.fixture
def world(org_a, unit_a, alice):
    return build_world(org_a, unit_a, alice)


def _roles(world, appeal, name):
    return roles_for(
        appeal,
        employee=world.emp[name],
        membership=Membership.objects.get(user=world.users[name], organization=world.org),
    )


def test_roles_on_a_real_appeal(world):
    with tenant_scope(world.org):
        appeal = lodging.appeal_lodge(**actor(world, "ann"), appraisal=world.appraisal, subject="overall", grounds="g")
        expected = {
            "ann": {Role.APPELLANT},
            "bea": {Role.BOARD, Role.BOARD_LEAD},
            "sid": {Role.BOARD, Role.BOARD_LEAD},
            "mel": {Role.BOARD},
            "otto": set(),  # on the board, but excluded as Ann's appraising officer
            "cora": set(),  # chairs another board, not this appeal's
            "dave": set(),
            "alice": {Role.HR},
        }
        assert {name: _roles(world, appeal, name) for name in expected} == expected
        steps.appeal_acknowledge(**actor(world, "bea"), appeal=appeal)
        comments.comments_request(
            **actor(world, "bea"),
            appeal=appeal,
            parties=[Party.APPRAISING_OFFICER],
            question="q",
            due_at=timezone.now() + datetime.timedelta(days=1),
        )
        assert _roles(world, appeal, "otto") == {Role.ADDRESSEE}


def test_the_list_filter_agrees_with_the_roles(world):
    with tenant_scope(world.org):
        appeal = lodging.appeal_lodge(**actor(world, "ann"), appraisal=world.appraisal, subject="overall", grounds="g")
        for name in ("ann", "bea", "mel", "otto", "cora", "dave", "alice"):
            who = actor(world, name)
            listed = Appeal.objects.filter(visible_q(employee=who["employee"], membership=who["membership"])).exists()
            may = can(_roles(world, appeal, name), appeal.state, Action.VIEW)
            assert listed == may, name
