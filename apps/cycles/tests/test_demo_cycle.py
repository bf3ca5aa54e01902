"""acme's demo cycle: launched on this year's goal period, one appraisal per graded active
employee, the demo employee's targets from their goals, and seeded only once."""

from django.core.management import call_command
from django.utils import timezone

from apps.cycles.demo_cycle import cycle_name
from apps.cycles.models import Appraisal, AppraisalTarget, Cycle, CycleStatus, PhaseKind
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
        assert cycle.current_phase == PhaseKind.PLANNING
        assert cycle.period.name == str(today.year)
        assert cycle.cycle_templates.count() == 2
        assert all(ct.snapshot for ct in cycle.cycle_templates.all())
        planning = cycle.phases.get(kind=PhaseKind.PLANNING)
        assert planning.starts_at < timezone.now() < planning.ends_at

        graded = set(Employee.objects.filter(is_active=True, grade__isnull=False).values_list("pk", flat=True))
        appraised = list(Appraisal.objects.filter(cycle=cycle).values_list("employee_id", flat=True))
        assert sorted(appraised) == sorted(graded)

        mine = Appraisal.objects.select_related("appraising_officer").get(
            cycle=cycle, employee__email="employee@acme.test"
        )
        assert mine.appraising_officer.email == "manager@acme.test"
        targets = list(mine.targets.all())
        assert targets and all(t.goal_id for t in targets)
    with tenant_scope(Organization.objects.get(slug="globex")):
        assert not Cycle.objects.exists()
