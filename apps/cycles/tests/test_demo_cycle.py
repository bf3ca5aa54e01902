"""acme's demo cycle: launched on this year's goal period, one appraisal per graded active
employee, the demo employee's targets from their goals, mid-way through with every state shown,
and seeded only once."""

from decimal import Decimal

from django.core.management import call_command
from django.db.models import Count, Q, Sum
from django.utils import timezone

from apps.cycles.demo_cycle import cycle_name
from apps.cycles.models import Appraisal, AppraisalState, AppraisalTarget, Cycle, CycleStatus, PhaseKind
from apps.cycles.selectors_tasks import my_tasks
from apps.cycles.services.phases import due_cycles
from apps.people.models import Employee
from apps.tenancy.models import Organization
from apps.tenancy.scoping import platform_unscoped, tenant_scope


def _counts():
    with platform_unscoped():
        return Cycle.objects.count(), Appraisal.objects.count(), AppraisalTarget.objects.count()


def test_seeding_twice_gives_one_launched_cycle_with_one_appraisal_per_employee(db):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first, "a second run must add nothing"

    acme = Organization.objects.get(slug="acme")
    today = timezone.localdate()
    with tenant_scope(acme):
        cycle = Cycle.objects.get(name=cycle_name(today))
        assert cycle.status == CycleStatus.ACTIVE
        assert cycle.current_phase == PhaseKind.SELF_ASSESSMENT
        assert cycle.period.name == str(today.year)
        assert cycle.cycle_templates.count() == 2
        assert all(ct.snapshot for ct in cycle.cycle_templates.all())
        phases = {phase.kind: phase for phase in cycle.phases.all()}
        now = timezone.now()
        assert phases[PhaseKind.SELF_ASSESSMENT].starts_at < now < phases[PhaseKind.SELF_ASSESSMENT].ends_at
        assert phases[PhaseKind.PLANNING].ends_at < now and phases[PhaseKind.MIDTERM].ends_at <= now
        # The beat's tick leaves it where it is until the self-assessment ends.
        assert [c for _, c in due_cycles(now)] == []
        assert due_cycles(phases[PhaseKind.SELF_ASSESSMENT].ends_at) == [(acme.pk, cycle.pk)]

        graded = set(Employee.objects.filter(is_active=True, grade__isnull=False).values_list("pk", flat=True))
        appraised = list(Appraisal.objects.filter(cycle=cycle).values_list("employee_id", flat=True))
        assert sorted(appraised) == sorted(graded)

        mine = Appraisal.objects.select_related("appraising_officer").get(
            cycle=cycle, employee__email="employee@acme.test"
        )
        assert mine.appraising_officer.email == "manager@acme.test"
        targets = list(mine.targets.all())
        assert targets and all(t.goal_id for t in targets)
        assert mine.state == AppraisalState.SELF_ASSESSMENT
        assert all(t.agreed_by_appraisee_at and t.agreed_by_officer_at for t in targets)
        written = [t for t in targets if t.achievement]
        assert 0 < len(written) < len(targets), "the demo employee's self-assessment is half written"
    with tenant_scope(Organization.objects.get(slug="globex")):
        assert not Cycle.objects.exists()


def test_the_demo_cycle_is_mid_way_with_something_to_do_for_each_demo_user(db):
    call_command("seed_demo")
    acme = Organization.objects.get(slug="acme")
    with tenant_scope(acme):
        cycle = Cycle.objects.get(name=cycle_name(timezone.localdate()))
        appraisals = Appraisal.objects.filter(cycle=cycle)
        states = set(appraisals.values_list("state", flat=True))
        later = set(AppraisalState.values) - {AppraisalState.PLANNING, AppraisalState.MIDTERM}
        assert later <= states, f"missing states: {later - states}"

        # Targets sum to 100 everywhere, and both sides agreed wherever there is an officer.
        rows = appraisals.annotate(
            total=Sum("targets__weight"),
            unagreed=Count(
                "targets",
                filter=Q(targets__agreed_by_appraisee_at__isnull=True) | Q(targets__agreed_by_officer_at__isnull=True),
            ),
        ).values("total", "unagreed", "appraising_officer_id")
        assert all(row["total"] == Decimal("100") for row in rows)
        assert all(row["unagreed"] == 0 for row in rows if row["appraising_officer_id"])

        employee = Employee.objects.get(email="employee@acme.test")
        tasks = my_tasks(employee=employee, is_hr=False)
        assert [t.url_name for t in tasks.as_appraisee] == ["cycles:self_assessment"]

        manager = Employee.objects.get(email="manager@acme.test")
        assert appraisals.filter(appraising_officer=manager, state=AppraisalState.WITH_OFFICER).exists()
        assert any(t.url_name == "cycles:rating" for t in my_tasks(employee=manager, is_hr=False).as_officer)
        assert appraisals.filter(
            state=AppraisalState.SELF_ASSESSMENT, appraising_officer=manager, events__note__startswith="Please"
        ).exists(), "one of the manager's reports was returned for revision"
        assert appraisals.filter(
            state=AppraisalState.WITH_COUNTERSIGNING,
            countersigning_officer__in=[manager, manager.manager],
        ).exists()

        acknowledged = appraisals.get(state=AppraisalState.ACKNOWLEDGED)
        assert acknowledged.feedback_interview_on is not None and acknowledged.acknowledged_at is not None
        released = appraisals.get(state=AppraisalState.RELEASED)
        assert released.released_at is not None and released.overall_score is not None
