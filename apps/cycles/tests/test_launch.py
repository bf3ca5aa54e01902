"""Launching a cycle: every participant gets one appraisal with proposed targets, in bulk,
and launching again creates nothing twice."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.cycles.models import Appraisal, AppraisalTarget, CycleStatus, PhaseKind, SectionKind
from apps.cycles.services.cycles import cycle_save, phases_save
from apps.cycles.services.launch import cycle_launch, launch_problems
from apps.cycles.tasks import launch_cycle
from apps.goals.models import GoalLevel, GoalStatus
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def world(alice, bob, org_a, unit_a):
    """A scale, a complete template for one staff class, a period and a drafted cycle."""
    grade = factories.GradeFactory(organization=org_a)
    with tenant_scope(org_a):
        membership = Membership.objects.get(user=alice, organization=org_a)
        for person in (alice.employments.get(), bob.employments.get()):
            person.grade = grade
            person.save()
        scale = factories.RatingScaleFactory(organization=org_a)
        for value in (1, 2, 3):
            factories.ScaleLevelFactory(organization=org_a, scale=scale, value=Decimal(value))
        template = factories.AppraisalTemplateFactory(organization=org_a, scale=scale)
        template.staff_classes.add(grade.staff_class)
        factories.TemplateSectionFactory(
            organization=org_a, template=template, kind=SectionKind.WORK_TARGETS, weight=Decimal("100")
        )
        period = factories.GoalPeriodFactory(organization=org_a, name="2026")
        cycle = cycle_save(
            actor=alice, membership=membership, name="Appraisal 2026", period=period, templates=[template]
        )
        start = timezone.make_aware(datetime.datetime(2026, 1, 5, 9))
        phases_save(
            actor=alice,
            membership=membership,
            cycle=cycle,
            phases=[
                {
                    "kind": kind,
                    "starts_at": start + datetime.timedelta(days=30 * i),
                    "ends_at": start + datetime.timedelta(days=30 * i + 29),
                }
                for i, kind in enumerate(PhaseKind.values)
            ],
        )
    return {"membership": membership, "cycle": cycle, "period": period, "grade": grade, "template": template}


def _launch(alice, org_a, world):
    with tenant_scope(org_a):
        cycle = cycle_launch(actor=alice, membership=world["membership"], cycle=world["cycle"])
    assert cycle.status == CycleStatus.LAUNCHING
    # The task, called as the worker calls it (the on-commit hook never fires inside a test transaction).
    return launch_cycle(org_a.pk, cycle.pk)


def test_launch_creates_one_appraisal_per_participant_with_officers_and_targets(alice, bob, org_a, unit_a, world):
    with tenant_scope(org_a):
        bob_employee = bob.employments.get()
        parent = factories.GoalFactory(organization=org_a, period=world["period"])
        factories.GoalFactory(
            organization=org_a,
            period=world["period"],
            level=GoalLevel.INDIVIDUAL,
            employee=bob_employee,
            parent=parent,
            title="Answer within a day",
            weight=Decimal("60"),
            status=GoalStatus.ACTIVE,
        )
    assert _launch(alice, org_a, world) == 2
    with tenant_scope(org_a):
        appraisal = Appraisal.objects.select_related("appraising_officer").get(employee=bob_employee)
        assert appraisal.appraising_officer.user == alice
        assert [t.title for t in appraisal.targets.all()] == ["Answer within a day"]
        assert appraisal.events.get().to_state == "planning"
        assert world["cycle"].__class__.objects.get(pk=world["cycle"].pk).status == CycleStatus.ACTIVE


def test_targets_are_proposed_from_own_goals_first_then_the_posts_targets_not_taken_yet(alice, bob, org_a, world):
    with tenant_scope(org_a):
        bob_employee = bob.employments.get()
        post = factories.PositionFactory(organization=org_a, unit=bob_employee.unit)
        bob_employee.position = post
        bob_employee.save()
        unit_goal = factories.GoalFactory(organization=org_a, period=world["period"])

        def post_target(title, status=GoalStatus.ACTIVE):
            return factories.GoalFactory(
                organization=org_a,
                period=world["period"],
                level=GoalLevel.POSITION,
                position=post,
                parent=unit_goal,
                title=title,
                status=status,
            )

        taken, untaken = post_target("Close cases in a week"), post_target("Train two colleagues")
        post_target("Retired target", status=GoalStatus.DROPPED)
        for title, source, status in [
            ("Close my cases in five days", taken, GoalStatus.ACTIVE),
            ("Draft idea", None, GoalStatus.DRAFT),
            ("Dropped idea", None, GoalStatus.DROPPED),
        ]:
            factories.GoalFactory(
                organization=org_a,
                period=world["period"],
                level=GoalLevel.INDIVIDUAL,
                employee=bob_employee,
                parent=taken,
                source=source,
                title=title,
                weight=Decimal("50"),
                status=status,
            )
        other_period = factories.GoalPeriodFactory(organization=org_a, name="2025")
        factories.GoalFactory(
            organization=org_a,
            period=other_period,
            level=GoalLevel.INDIVIDUAL,
            employee=bob_employee,
            title="Last year's target",
            status=GoalStatus.ACTIVE,
        )
    _launch(alice, org_a, world)
    with tenant_scope(org_a):
        targets = list(Appraisal.objects.get(employee=bob_employee).targets.order_by("order"))
    assert [(t.order, t.title, t.weight) for t in targets] == [
        (1, "Close my cases in five days", Decimal("50")),
        (2, "Draft idea", Decimal("50")),
        (3, "Train two colleagues", Decimal("0")),
    ]
    assert targets[2].goal_id == untaken.pk
    assert all(t.public_id and t.organization_id == org_a.pk for t in targets)
    assert len({t.public_id for t in targets}) == 3


def test_launching_twice_creates_nothing_twice(alice, org_a, world):
    _launch(alice, org_a, world)
    with tenant_scope(org_a):
        counts = (Appraisal.objects.count(), AppraisalTarget.objects.count())
        cycle_launch(actor=alice, membership=world["membership"], cycle=world["cycle"])  # already active: no-op
    launch_cycle(org_a.pk, world["cycle"].pk)
    with tenant_scope(org_a):
        assert (Appraisal.objects.count(), AppraisalTarget.objects.count()) == counts


def test_a_cycle_with_problems_does_not_launch(alice, org_a, world):
    with tenant_scope(org_a):
        world["cycle"].phases.filter(kind=PhaseKind.RELEASE).delete()
        assert any("Release" in p for p in launch_problems(world["cycle"]))
        with pytest.raises(ValidationError):
            cycle_launch(actor=alice, membership=world["membership"], cycle=world["cycle"])
        assert not Appraisal.objects.exists()


def test_launch_statements_do_not_grow_with_the_number_of_appraisees(alice, org_a, unit_a, world):
    def statements():
        with tenant_scope(org_a):
            Appraisal.objects.all().delete()
            type(world["cycle"]).objects.filter(pk=world["cycle"].pk).update(status=CycleStatus.LAUNCHING)
        with CaptureQueriesContext(connection) as queries:
            launch_cycle(org_a.pk, world["cycle"].pk)
        return len(queries)

    with tenant_scope(org_a):
        cycle_launch(actor=alice, membership=world["membership"], cycle=world["cycle"])
    few = statements()
    factories.EmployeeFactory.create_batch(40, organization=org_a, unit=unit_a, grade=world["grade"])
    assert statements() == few
