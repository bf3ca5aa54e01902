"""Who the appraisal workflow notifies, about what, with a link to where they act: per event,
and for cycle-wide events in a fixed number of queries whatever the number of appraisals."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cycles import notices
from apps.cycles.models import AppraisalState, CycleStatus, PhaseKind
from apps.cycles.services.planning import target_agree
from apps.cycles.services.release import release_results
from apps.cycles.services.transitions import appraisal_transition
from apps.cycles.workflow import Role
from apps.notifications.models import Kind, Notification
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .appraisal_cast import actor, build_cast, set_state
from .test_launch import _launch, world  # noqa: F401  (the launch tests' drafted cycle)

pytestmark = pytest.mark.django_db
S = AppraisalState


@pytest.fixture
def cast(org_a, unit_a, alice):
    return build_cast(org_a, unit_a, alice)


def _path(org, name, appraisal):
    return reverse(f"cycles:{name}", kwargs={"org_slug": org.slug, "appraisal_id": appraisal.public_id})


def _inbox(org, user):
    with tenant_scope(org):
        return list(Notification.objects.filter(recipient=user).order_by("pk"))


def _add_appraisals(cast, count, state, *, with_user=True):
    """`count` more appraisals in the cast's cycle, all appraised by Otto and countersigned by Cora."""
    made = []
    with tenant_scope(cast.org):
        for _ in range(count):
            user = factories.UserFactory() if with_user else None
            employee = factories.EmployeeFactory(organization=cast.org, unit=cast.employees["ann"].unit, user=user)
            made.append(
                factories.AppraisalFactory(
                    organization=cast.org,
                    cycle_template=cast.appraisal.cycle_template,
                    employee=employee,
                    appraising_officer=cast.employees["otto"],
                    countersigning_officer=cast.employees["cora"],
                    state=state,
                )
            )
    return made


def _queries(func, *args, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        func(*args, **kwargs)
    return len(captured)


# --- Cycle-wide ---------------------------------------------------------------------------------


def test_a_launched_cycle_tells_each_appraisee_and_each_officer_once(cast):
    others = _add_appraisals(cast, 2, S.PLANNING)
    _add_appraisals(cast, 1, S.PLANNING, with_user=False)  # nobody to tell
    with tenant_scope(cast.org):
        assert notices.cycle_launched(cast.cycle) == 3 + 1
    (ann,) = _inbox(cast.org, cast.users["ann"])
    assert ann.kind == Kind.CYCLE_LAUNCHED and ann.url == _path(cast.org, "planning_targets", cast.appraisal)
    assert "agree your work targets" in ann.title and not ann.essential
    (otto,) = _inbox(cast.org, cast.users["otto"])
    assert "you appraise 4 people" in otto.title
    assert otto.url == reverse("cycles:my_tasks", kwargs={"org_slug": cast.org.slug})
    (other,) = _inbox(cast.org, others[0].employee.user)
    assert other.url == _path(cast.org, "planning_targets", others[0])


def test_cycle_wide_notices_read_and_write_in_constant_queries(cast):
    with tenant_scope(cast.org):
        small = _queries(notices.cycle_launched, cast.cycle)
        small_phase = _queries(notices.phase_opened, cycle=cast.cycle, phase_kind=PhaseKind.PLANNING)
    _add_appraisals(cast, 6, S.PLANNING)
    with tenant_scope(cast.org):
        Notification.objects.all().delete()
        assert _queries(notices.cycle_launched, cast.cycle) == small
        assert _queries(notices.phase_opened, cycle=cast.cycle, phase_kind=PhaseKind.PLANNING) == small_phase


def test_a_launch_told_twice_tells_once(cast):
    _add_appraisals(cast, 2, S.PLANNING)
    with tenant_scope(cast.org):
        assert notices.cycle_launched(cast.cycle) == 4
        assert notices.cycle_launched(cast.cycle) == 0
        assert Notification.objects.count() == 4


def test_self_assessment_opening_tells_only_appraisees_with_it_open(cast):
    set_state(cast, S.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    (late,) = _add_appraisals(cast, 1, S.PLANNING)
    with tenant_scope(cast.org):
        factories.CyclePhaseFactory(organization=cast.org, cycle=cast.cycle, kind=PhaseKind.SELF_ASSESSMENT)
        assert notices.phase_opened(cycle=cast.cycle, phase_kind=PhaseKind.SELF_ASSESSMENT) == 1
    (ann,) = _inbox(cast.org, cast.users["ann"])
    assert ann.kind == Kind.PHASE_OPENED and ann.url == _path(cast.org, "self_assessment", cast.appraisal)
    assert "Due by 5 Feb 2026" in ann.body
    assert _inbox(cast.org, late.employee.user) == []


def test_appraisal_opening_gives_each_officer_one_summary(cast):
    set_state(cast, S.WITH_OFFICER, PhaseKind.APPRAISAL)
    _add_appraisals(cast, 2, S.WITH_OFFICER)
    _add_appraisals(cast, 1, S.SELF_ASSESSMENT)  # not handed in yet: nothing to rate
    with tenant_scope(cast.org):
        assert notices.phase_opened(cycle=cast.cycle, phase_kind=PhaseKind.APPRAISAL) == 1
    (otto,) = _inbox(cast.org, cast.users["otto"])
    assert "3 self-assessments wait for your rating" in otto.title
    assert _inbox(cast.org, cast.users["ann"]) == []


def test_countersigning_opening_tells_the_countersigning_officer(cast):
    set_state(cast, S.WITH_COUNTERSIGNING, PhaseKind.COUNTERSIGNING)
    with tenant_scope(cast.org):
        notices.phase_opened(cycle=cast.cycle, phase_kind=PhaseKind.COUNTERSIGNING)
    (cora,) = _inbox(cast.org, cast.users["cora"])
    assert "1 appraisal waits for you" in cora.title
    assert _inbox(cast.org, cast.users["otto"]) == []


def test_release_opening_tells_hr_how_many_results_wait(cast):
    set_state(cast, S.COUNTERSIGNED, PhaseKind.RELEASE)
    with tenant_scope(cast.org):
        notices.phase_opened(cycle=cast.cycle, phase_kind=PhaseKind.RELEASE)
    (alice,) = _inbox(cast.org, cast.users["alice"])
    assert "1 countersigned result can be released" in alice.title
    assert alice.url == reverse(
        "cycles:cycle_release", kwargs={"org_slug": cast.org.slug, "cycle_id": cast.cycle.public_id}
    )
    assert _inbox(cast.org, cast.users["ann"]) == []


def test_midterm_and_acknowledgement_openings(cast):
    set_state(cast, S.MIDTERM, PhaseKind.MIDTERM)
    with tenant_scope(cast.org):
        notices.phase_opened(cycle=cast.cycle, phase_kind=PhaseKind.MIDTERM)
    assert [n.url for n in _inbox(cast.org, cast.users["ann"])] == [_path(cast.org, "midterm", cast.appraisal)]
    assert "1 person to review with you" in _inbox(cast.org, cast.users["otto"])[0].title
    set_state(cast, S.RELEASED, PhaseKind.ACKNOWLEDGEMENT)
    with tenant_scope(cast.org):
        notices.phase_opened(cycle=cast.cycle, phase_kind=PhaseKind.ACKNOWLEDGEMENT)
    assert _inbox(cast.org, cast.users["ann"])[-1].url == _path(cast.org, "acknowledge", cast.appraisal)


def test_releasing_results_tells_each_appraisee(cast, alice):
    set_state(cast, S.COUNTERSIGNED, PhaseKind.RELEASE)
    others = _add_appraisals(cast, 3, S.COUNTERSIGNED)
    with tenant_scope(cast.org):
        type(cast.cycle).objects.filter(pk=cast.cycle.pk).update(status=CycleStatus.ACTIVE)
        membership = Membership.objects.get(user=alice, organization=cast.org)
        assert release_results(actor=alice, membership=membership, cycle=cast.cycle) == 4
    (ann,) = _inbox(cast.org, cast.users["ann"])
    assert ann.kind == Kind.RESULTS_RELEASED and ann.url == _path(cast.org, "acknowledge", cast.appraisal)
    assert len(_inbox(cast.org, others[2].employee.user)) == 1


def test_results_released_in_constant_queries(cast):
    with tenant_scope(cast.org):
        few = _queries(notices.results_released, type(cast.appraisal).objects.filter(cycle=cast.cycle))
    _add_appraisals(cast, 5, S.RELEASED)
    with tenant_scope(cast.org):
        assert _queries(notices.results_released, type(cast.appraisal).objects.filter(cycle=cast.cycle)) == few


# --- One appraisal, through the services -----------------------------------------------------------


def _transition(cast, name, action, note=""):
    with tenant_scope(cast.org):
        return appraisal_transition(**actor(cast, name), appraisal=cast.appraisal, action=action, note=note)


def test_a_submitted_self_assessment_goes_to_the_appraising_officer(cast):
    set_state(cast, S.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    _transition(cast, "ann", "submit_self_assessment")
    (otto,) = _inbox(cast.org, cast.users["otto"])
    assert otto.kind == Kind.SELF_ASSESSMENT_SUBMITTED and otto.url == _path(cast.org, "rating", cast.appraisal)
    assert "Ann Example submitted their self-assessment" in otto.title
    assert _inbox(cast.org, cast.users["ann"]) == []


def test_a_return_tells_the_appraisee_with_the_note(cast):
    set_state(cast, S.WITH_OFFICER, PhaseKind.APPRAISAL)
    _transition(cast, "otto", "return_to_appraisee", note="Add the figures for Q3.")
    (ann,) = _inbox(cast.org, cast.users["ann"])
    assert ann.kind == Kind.RETURNED_FOR_REVISION and ann.body == "Note: Add the figures for Q3."
    assert ann.url == _path(cast.org, "self_assessment", cast.appraisal)


def test_rating_goes_to_the_countersigning_officer_and_a_return_back_to_the_officer(cast):
    set_state(cast, S.WITH_OFFICER, PhaseKind.COUNTERSIGNING)
    _transition(cast, "otto", "submit_rating")
    (cora,) = _inbox(cast.org, cast.users["cora"])
    assert cora.kind == Kind.APPRAISAL_RATED and cora.url == _path(cast.org, "countersigning", cast.appraisal)
    _transition(cast, "cora", "return_to_officer", note="Rating 2 needs a comment.")
    (otto,) = _inbox(cast.org, cast.users["otto"])
    assert otto.kind == Kind.RETURNED_FOR_REVISION and "Rating 2 needs a comment." in otto.body
    assert otto.url == _path(cast.org, "rating", cast.appraisal)


def test_countersigning_itself_notifies_nobody(cast):
    set_state(cast, S.WITH_COUNTERSIGNING, PhaseKind.COUNTERSIGNING)
    _transition(cast, "cora", "countersign")
    with tenant_scope(cast.org):
        assert not Notification.objects.exists()


def test_an_acknowledgement_goes_to_the_appraising_officer(cast):
    set_state(cast, S.RELEASED, PhaseKind.ACKNOWLEDGEMENT)
    _transition(cast, "ann", "acknowledge")
    (otto,) = _inbox(cast.org, cast.users["otto"])
    assert otto.kind == Kind.ACKNOWLEDGEMENT_RECORDED
    assert otto.url == _path(cast.org, "appraisal_detail", cast.appraisal)
    assert _inbox(cast.org, cast.users["cora"]) == []


def test_a_refused_transition_notifies_nobody(cast):
    set_state(cast, S.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    with pytest.raises(PermissionDenied):
        _transition(cast, "otto", "submit_self_assessment")
    with tenant_scope(cast.org):
        assert not Notification.objects.exists()


def test_agreeing_targets_tells_the_other_side_until_both_agreed(cast):
    with tenant_scope(cast.org):
        factories.AppraisalTargetFactory(organization=cast.org, appraisal=cast.appraisal, weight=100)
        target_agree(**actor(cast, "ann"), appraisal=cast.appraisal)
    (otto,) = _inbox(cast.org, cast.users["otto"])
    assert otto.kind == Kind.TARGETS_AWAITING_AGREEMENT
    assert otto.url == _path(cast.org, "planning_targets", cast.appraisal)
    with tenant_scope(cast.org):
        target_agree(**actor(cast, "otto"), appraisal=cast.appraisal)
    assert _inbox(cast.org, cast.users["ann"]) == []  # Ann had agreed already: nothing waits for her


def test_the_officer_agreeing_first_tells_the_appraisee(cast):
    with tenant_scope(cast.org):
        factories.AppraisalTargetFactory(organization=cast.org, appraisal=cast.appraisal, weight=100)
        target_agree(**actor(cast, "otto"), appraisal=cast.appraisal)
    (ann,) = _inbox(cast.org, cast.users["ann"])
    assert ann.kind == Kind.TARGETS_AWAITING_AGREEMENT and "agree them too" in ann.title


def test_the_waiting_side_is_named_by_role(cast):
    with tenant_scope(cast.org):
        assert notices.targets_awaiting_agreement(cast.appraisal, Role.OFFICER) == 0  # no targets: nothing waits


def test_the_launch_task_notifies_once_the_cycle_is_active(alice, bob, org_a, world):  # noqa: F811
    _launch(alice, org_a, world)
    with tenant_scope(org_a):
        kinds = sorted(Notification.objects.values_list("recipient__email", "kind"))
    # Both appraisees hear that their appraisal is open; Alice also appraises Bob.
    assert kinds == [
        ("alice@alpha.test", Kind.CYCLE_LAUNCHED),
        ("alice@alpha.test", Kind.CYCLE_LAUNCHED),
        ("bob@alpha.test", Kind.CYCLE_LAUNCHED),
    ]
