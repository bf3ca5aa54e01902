"""The acme demo's goal cascade: complete, consistent, and seeded only once."""

from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from apps.goals.models import CheckIn, Goal, GoalLevel, GoalStatus
from apps.people.models import StaffClass
from apps.tenancy.models import AuditEvent, Organization
from apps.tenancy.scoping import tenant_scope

from .rollup_oracle import stored_and_expected
from .services_support import actor_for, rows


def test_seeding_twice_gives_one_living_cascade(db):
    call_command("seed_demo")
    acme = Organization.objects.get(slug="acme")
    with tenant_scope(acme):
        first = rows()
    call_command("seed_demo")
    with tenant_scope(acme):
        assert rows() == first, "a second run must add nothing"

        goals = Goal.objects.all()
        assert set(goals.values_list("level", flat=True)) == set(GoalLevel.values)
        # This year's strategy (last year's period has its own, for the demo's previous cycle).
        assert 3 <= goals.filter(level=GoalLevel.STRATEGIC, period__name=str(timezone.localdate().year)).count() <= 4
        assert goals.filter(level=GoalLevel.STRATEGIC, progress__gt=0).exists()
        stored, expected = stored_and_expected(goals)
        assert stored == expected

        # Every department has a goal; most of them are measured by key indicators.
        departments = {"CS", "LOG", "PRD", "HR", "FIN", "ENG", "IT"}
        assert departments <= set(goals.filter(level=GoalLevel.UNIT).values_list("unit__code", flat=True))
        assert goals.filter(level=GoalLevel.UNIT, indicators__isnull=False).distinct().count() >= len(departments)

        # The demo employee: agreed targets with a check-in history, and one draft still to agree.
        mine = goals.filter(level=GoalLevel.INDIVIDUAL, employee__email="employee@acme.test")
        assert mine.filter(status=GoalStatus.ACTIVE, agreed_by__email="manager@acme.test").count() >= 2
        assert mine.filter(status=GoalStatus.DRAFT).exists()
        assert CheckIn.objects.filter(goal__in=mine).values("created_at__date").distinct().count() >= 3
        assert mine.filter(source__isnull=False).exists(), "one target came from the employee's post"

        # Weights add up to 100 under most parents, with one gap on purpose.
        # (Work targets weigh among their owner's targets instead: the demo employee's make 100.)
        assert mine.filter(status=GoalStatus.ACTIVE).aggregate(total=Sum("weight"))["total"] == Decimal("100")
        sums = (
            goals.filter(parent__isnull=False, weight__gt=0)
            .exclude(level=GoalLevel.INDIVIDUAL)
            .values("parent")
            .annotate(total=Sum("weight"))
        )
        off = [row for row in sums if row["total"] != Decimal("100")]
        assert len(off) == 1 and off[0]["total"] == Decimal("90")

        # Written through the services, as the people who would set them.
        assert AuditEvent.objects.filter(action="goal.agreed").exists()
        assert AuditEvent.objects.filter(action="goal.checked_in").count() == CheckIn.objects.count()
        assert StaffClass.objects.get(code="SM").is_senior_management
        chief = Goal.objects.filter(level=GoalLevel.STRATEGIC).first().owner
        assert actor_for(chief.user, acme).is_senior_management
