"""The benchmark's generator at a tiny size: the counts it promises, every organisation on
its own, tenancy intact, and a launched cycle spread over the states."""

import pytest
from django_scopes import scopes_disabled

from apps.benchmark.data import KINDS, STATE_MIX, TARGETS_PER_PERSON, build_organization, unit_count
from apps.cycles.models import Appraisal, AppraisalTarget, CycleStatus, PhaseKind
from apps.goals.models import Goal, GoalLevel
from apps.notifications.models_reminders import ReminderRule
from apps.people.models import Employee, OrgUnit
from apps.tenancy.models import Membership, Role
from apps.tenancy.scoping import tenant_scope


@pytest.fixture
def two_orgs(db):
    return (
        build_organization("tiny-one", employees=40, fanout=2),
        build_organization("tiny-two", employees=20, fanout=1),
    )


def test_an_organisation_has_the_promised_shape(two_orgs):
    case = two_orgs[0]
    org = case.organization
    with tenant_scope(org):
        assert case.units == OrgUnit.objects.count() == unit_count(2) == 31
        assert sorted(set(OrgUnit.objects.values_list("depth", flat=True))) == list(range(len(KINDS)))
        assert Employee.objects.count() == case.employees == 40
        # Every unit has a head; every head but the top one reports to the head of the unit above.
        for unit in OrgUnit.objects.select_related("head", "parent"):
            assert unit.head.unit_id == unit.pk
            assert unit.head.manager_id == (unit.parent.head_id if unit.parent else None)
            assert unit.path.endswith(f"{unit.pk:010d}/")
        assert Goal.objects.filter(level=GoalLevel.INDIVIDUAL).count() == 40 * TARGETS_PER_PERSON
        for level in GoalLevel.values:
            assert Goal.objects.filter(level=level).exists(), level
        assert not Goal.objects.filter(path="").exists()
        # Every work target sits under its holder's position target.
        target = Goal.objects.filter(level=GoalLevel.INDIVIDUAL).select_related("parent", "employee").first()
        assert target.parent.position_id == target.employee.position_id
        assert case.appraisals == Appraisal.objects.filter(cycle=case.cycle).count() == 40
        assert AppraisalTarget.objects.filter(appraisal__cycle=case.cycle).count() == 40 * TARGETS_PER_PERSON
        assert case.cycle.status == CycleStatus.ACTIVE
        assert case.cycle.current_phase == PhaseKind.SELF_ASSESSMENT
        states = set(Appraisal.objects.values_list("state", flat=True))
        assert len(states) > 1 and states <= set(STATE_MIX)
        assert ReminderRule.objects.filter(cycle=case.cycle).exists()
    assert Membership.objects.filter(organization=org).count() == 40
    assert Membership.objects.get(organization=org, role=Role.HR_ADMIN) == case.hr
    assert case.launch.statements > 0 and case.run.result == 40
    # The moderation panel's session over the whole organisation, with levels to chart.
    session = case.sample["moderation_session"]
    with tenant_scope(org):
        assert session.cycle_id == case.cycle.pk
        countersigned = Appraisal.objects.filter(cycle=case.cycle, state="countersigned")
        assert countersigned.exists() and not countersigned.filter(overall_level="").exists()


def test_the_sample_is_what_the_pages_need(two_orgs):
    case = two_orgs[0]
    sample = case.sample
    appraisal = sample["appraisal"]
    assert appraisal.state == "self_assessment"
    assert appraisal.employee.user == sample["appraisee"]
    assert appraisal.appraising_officer.user == sample["officer"]
    assert sample["deep_unit"].depth == len(KINDS) - 1


def test_organisations_stay_apart(two_orgs):
    one, two = two_orgs
    with scopes_disabled():
        for case in two_orgs:
            org = case.organization
            assert not Employee.objects.filter(organization=org).exclude(unit__organization=org).exists()
            assert (
                not Employee.objects.filter(organization=org, manager__isnull=False)
                .exclude(manager__organization=org)
                .exists()
            )
            assert (
                not Goal.objects.filter(organization=org, parent__isnull=False)
                .exclude(parent__organization=org)
                .exists()
            )
            assert not Appraisal.objects.filter(organization=org).exclude(employee__organization=org).exists()
        users_one = set(Membership.objects.filter(organization=one.organization).values_list("user_id", flat=True))
        users_two = set(Membership.objects.filter(organization=two.organization).values_list("user_id", flat=True))
        assert not users_one & users_two
    with tenant_scope(two.organization):
        assert Employee.objects.count() == 20


def test_too_few_people_for_the_tree_is_refused(db):
    with pytest.raises(ValueError):
        build_organization("tiny-bad", employees=10, fanout=2)
