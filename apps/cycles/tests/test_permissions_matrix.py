"""Role × state × part: what each role may change and see, as a matrix."""

import pytest

from apps.cycles.models import AppraisalState as S
from apps.cycles.permissions import (
    EDITABLE,
    can_edit,
    can_see_countersigning_remarks,
    can_see_officer_ratings,
    can_see_section,
)
from apps.cycles.workflow import Role

ROLES = (Role.APPRAISEE, Role.OFFICER, Role.COUNTERSIGNING, Role.HR)
PARTS = {part for by_role in EDITABLE.values() for parts in by_role.values() for part in parts}


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_changes_only_its_parts_in_each_state(state, role):
    allowed = EDITABLE.get(state, {}).get(role, set())
    for part in PARTS:
        assert can_edit({role}, state, part) == (part in allowed), (state, role, part)


def test_nobody_changes_anything_after_acknowledgement():
    assert not any(can_edit(set(ROLES), S.ACKNOWLEDGED, part) for part in PARTS)


def test_hr_does_not_fill_in_other_peoples_forms():
    assert not any(can_edit({Role.HR}, state, part) for state in S.values for part in PARTS)


@pytest.mark.parametrize("state", S.values)
def test_the_appraisee_sees_the_officers_ratings_only_after_release(state):
    assert can_see_officer_ratings({Role.APPRAISEE}, state) == (state in (S.RELEASED, S.ACKNOWLEDGED))
    assert can_see_officer_ratings({Role.OFFICER}, state)
    assert can_see_officer_ratings({Role.HR}, state)


@pytest.mark.parametrize("state", S.values)
def test_countersigning_remarks_reach_the_appraisee_after_release(state):
    assert can_see_countersigning_remarks({Role.APPRAISEE}, state) == (state in (S.RELEASED, S.ACKNOWLEDGED))
    assert can_see_countersigning_remarks({Role.COUNTERSIGNING}, state)


@pytest.mark.parametrize("state", S.values)
def test_a_template_may_keep_countersigning_remarks_from_the_appraisee(state):
    private = {"template": {"appraisee_sees_countersigning": False}}
    assert not can_see_countersigning_remarks({Role.APPRAISEE}, state, private)
    assert can_see_countersigning_remarks({Role.HR}, state, private)
    assert can_see_countersigning_remarks({Role.COUNTERSIGNING}, state, private)
    officer_sees = state in (S.COUNTERSIGNED, S.RELEASED, S.ACKNOWLEDGED, S.WITH_OFFICER)
    assert can_see_countersigning_remarks({Role.OFFICER}, state, private) == officer_sees


def test_a_countersigning_officer_sees_the_sections_the_template_shows_them():
    assert can_see_section({Role.COUNTERSIGNING}, {"countersigning_sees": True})
    assert not can_see_section({Role.COUNTERSIGNING}, {"countersigning_sees": False})
    assert can_see_section({Role.COUNTERSIGNING, Role.HR}, {"countersigning_sees": False})
