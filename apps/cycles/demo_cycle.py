"""The demo's launched appraisal cycle for acme: "Performance appraisal <year>" on this year's
goal period, with both demo templates and every unit, its phases planned around today so that
planning is under way, and every appraisal created.

Everything goes through the services as hr@acme.test, so the audit trail reads as if HR had
run it. The launch runs synchronously (seeding needs no worker); the task that cycle_launch
enqueues on commit finds the cycle active already and does nothing. Idempotent: when a cycle
of that name exists, nothing is added. Run inside acme's tenant scope, after the appraisal
configuration and the goal cascade (seed_demo does).
"""

import datetime

from django.utils import timezone

from apps.goals.models import GoalPeriod
from apps.tenancy.models import Membership

from .demo import TEMPLATES
from .models import AppraisalTemplate, Cycle, PhaseKind
from .services.cycles import cycle_save, phases_save
from .services.launch import cycle_launch, run_launch

HR_EMAIL = "hr@acme.test"

# Phases back to back, in weeks from today: planning started eight weeks ago and runs two
# more; acknowledgement ends about five months from now.
PHASE_WEEKS = [
    (PhaseKind.PLANNING, -8, 2),
    (PhaseKind.MIDTERM, 2, 6),
    (PhaseKind.SELF_ASSESSMENT, 6, 10),
    (PhaseKind.APPRAISAL, 10, 13),
    (PhaseKind.COUNTERSIGNING, 13, 15),
    (PhaseKind.RELEASE, 15, 17),
    (PhaseKind.ACKNOWLEDGEMENT, 17, 22),
]


def cycle_name(today: datetime.date) -> str:
    return f"Performance appraisal {today.year}"


def seed_demo_cycle(organization, *, today: datetime.date | None = None) -> int:
    """Create and launch acme's demo cycle; returns how many appraisals were created (0 when
    the cycle exists already)."""
    today = today or timezone.localdate()
    name = cycle_name(today)
    if Cycle.objects.filter(name=name).exists():
        return 0
    period = GoalPeriod.objects.get(name=str(today.year))
    membership = Membership.objects.select_related("user", "organization").get(
        organization=organization, user__email__iexact=HR_EMAIL
    )
    actor = membership.user
    templates = list(AppraisalTemplate.objects.filter(name__in=[t[0] for t in TEMPLATES]).order_by("name"))
    cycle = cycle_save(
        actor=actor,
        membership=membership,
        name=name,
        period=period,
        description=(
            f"The yearly appraisal of {today.year}: targets agreed from the goal cascade, a mid-term review, "
            "self-assessment, the appraising officer's rating and countersigning."
        ),
        templates=templates,
        units=(),  # every unit
    )
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    phases_save(
        actor=actor,
        membership=membership,
        cycle=cycle,
        phases=[
            {
                "kind": kind,
                "starts_at": midnight + datetime.timedelta(weeks=start),
                "ends_at": midnight + datetime.timedelta(weeks=end),
            }
            for kind, start, end in PHASE_WEEKS
        ],
    )
    cycle_launch(actor=actor, membership=membership, cycle=cycle)
    cycle.refresh_from_db()
    return run_launch(cycle)
