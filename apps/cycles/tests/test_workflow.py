"""The appraisal state machine, exhaustively: every action from every state, by every role, in
every phase — through the transition service, so state, role, phase and note are all checked
where the screens will call them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.cycles.models import Appraisal, AppraisalEvent, AppraisalState, PhaseKind
from apps.cycles.services.transitions import appraisal_transition
from apps.cycles.workflow import ACTIONS, TRANSITIONS, Role, transition_for
from apps.tenancy.models import Membership
from apps.tenancy.models import Role as TenantRole
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def people(org_a, unit_a, alice):
    """Appraisee, appraising officer, countersigning officer (plain members) and Alice (HR)."""
    cast = {}
    for role, name in ((Role.APPRAISEE, "ann"), (Role.OFFICER, "otto"), (Role.COUNTERSIGNING, "cora")):
        user = factories.member(org_a, unit_a, email=f"{name}@alpha.test", first_name=name.title())
        cast[role] = user
    cast[Role.HR] = alice
    return cast


@pytest.fixture
def appraisal(org_a, people):
    with tenant_scope(org_a):
        employees = {role: user.employments.get() for role, user in people.items()}
        appraisal = factories.AppraisalFactory(
            organization=org_a,
            employee=employees[Role.APPRAISEE],
            appraising_officer=employees[Role.OFFICER],
            countersigning_officer=employees[Role.COUNTERSIGNING],
        )
    return appraisal


def _act(org_a, people, appraisal, role, action, *, state, phase, note="Because"):
    user = people[role]
    with tenant_scope(org_a):
        Appraisal.objects.filter(pk=appraisal.pk).update(state=state)
        type(appraisal.cycle).objects.filter(pk=appraisal.cycle_id).update(current_phase=phase)
        membership = Membership.objects.get(user=user, organization=org_a)
        return appraisal_transition(
            actor=user,
            membership=membership,
            employee=user.employments.get(),
            appraisal=appraisal,
            action=action,
            note=note,
        )


def test_every_action_from_every_state_in_its_phase_by_its_role(org_a, people, appraisal):
    """Allowed exactly where the table says; elsewhere refused with nothing written."""
    for state in AppraisalState.values:
        for action in sorted(ACTIONS):
            transition = transition_for(action, state)
            role = sorted(transition.roles)[0] if transition else Role.HR
            phase = sorted(transition.phases)[0] if transition else PhaseKind.RELEASE
            with tenant_scope(org_a):
                events = AppraisalEvent.objects.count()
            if transition is None:
                with pytest.raises(ValidationError):
                    _act(org_a, people, appraisal, role, action, state=state, phase=phase)
                with tenant_scope(org_a):
                    assert AppraisalEvent.objects.count() == events, (state, action)
            else:
                moved = _act(org_a, people, appraisal, role, action, state=state, phase=phase)
                assert moved.state == transition.target, (state, action)
                with tenant_scope(org_a):
                    event = AppraisalEvent.objects.latest("pk")
                    assert (event.from_state, event.to_state, event.actor) == (state, transition.target, people[role])


def test_only_the_listed_roles_may_take_each_step(org_a, people, appraisal):
    for transition in TRANSITIONS:
        phase = sorted(transition.phases)[0]
        for role in (Role.APPRAISEE, Role.OFFICER, Role.COUNTERSIGNING, Role.HR):
            if role in transition.roles:
                assert (
                    _act(org_a, people, appraisal, role, transition.action, state=transition.source, phase=phase).state
                    == transition.target
                )
            else:
                with pytest.raises(PermissionDenied):
                    _act(org_a, people, appraisal, role, transition.action, state=transition.source, phase=phase)


def test_each_step_is_open_only_in_its_phases(org_a, people, appraisal):
    for transition in TRANSITIONS:
        role = sorted(transition.roles)[0]
        for phase in PhaseKind.values:
            if phase in transition.phases:
                continue
            with pytest.raises(ValidationError, match="phase"):
                _act(org_a, people, appraisal, role, transition.action, state=transition.source, phase=phase)


def test_returning_needs_a_reason(org_a, people, appraisal):
    with pytest.raises(ValidationError) as error:
        _act(
            org_a,
            people,
            appraisal,
            Role.OFFICER,
            "return_to_appraisee",
            state=AppraisalState.WITH_OFFICER,
            phase=PhaseKind.APPRAISAL,
            note="  ",
        )
    assert "note" in error.value.message_dict


def test_a_stale_page_is_told_instead_of_acting(org_a, people, appraisal):
    user = people[Role.APPRAISEE]
    with tenant_scope(org_a):
        Appraisal.objects.filter(pk=appraisal.pk).update(state=AppraisalState.SELF_ASSESSMENT, version=5)
        type(appraisal.cycle).objects.filter(pk=appraisal.cycle_id).update(current_phase=PhaseKind.SELF_ASSESSMENT)
        with pytest.raises(ValidationError, match="Someone else changed"):
            appraisal_transition(
                actor=user,
                membership=Membership.objects.get(user=user),
                employee=user.employments.get(),
                appraisal=appraisal,
                action="submit_self_assessment",
                expected_version=4,
            )


def test_an_hr_admin_who_is_also_the_officer_holds_both_roles(org_a, people, appraisal, alice):
    with tenant_scope(org_a):
        Appraisal.objects.filter(pk=appraisal.pk).update(appraising_officer=alice.employments.get())
        Membership.objects.filter(user=alice).update(role=TenantRole.HR_ADMIN)
    moved = _act(
        org_a, people, appraisal, Role.HR, "submit_rating", state=AppraisalState.WITH_OFFICER, phase=PhaseKind.APPRAISAL
    )
    assert moved.state == AppraisalState.WITH_COUNTERSIGNING
