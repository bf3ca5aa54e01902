"""Generated data for measuring the reminder sweep: one organisation with `appraisals` people
(each with a sign-in, ten reports per manager) in one active cycle, every appraisal with one
pending action, spread over the states so that the sweep meets every kind of reminder.

Written with bulk inserts: how the data got there is not what is measured.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.cycles.models import (
    Appraisal,
    AppraisalState,
    AppraisalTemplate,
    Cycle,
    CyclePhase,
    CycleStatus,
    CycleTemplate,
    PhaseKind,
    RatingScale,
)
from apps.goals.models import GoalPeriod
from apps.people.models import Employee, OrgUnit
from apps.people.services.tree import segment
from apps.tenancy.models import Membership, Organization, Role

from .models_reminders import ReminderRule

BATCH = 5000
DAY = datetime.timedelta(days=1)
S = AppraisalState
# Share of appraisals per state (each is one pending action: appraisee, AO, CO, appraisee).
MIX = ((S.SELF_ASSESSMENT, 4), (S.WITH_OFFICER, 3), (S.WITH_COUNTERSIGNING, 2), (S.RELEASED, 1))


def create_organization(slug: str) -> tuple[Organization, Membership]:
    """An organisation that is never quiet, so the sweep runs whatever the time."""
    organization = Organization.objects.create(
        name=f"Benchmark {slug}",
        slug=slug,
        time_zone="Europe/London",
        quiet_from=datetime.time(0),
        quiet_until=datetime.time(0),
        working_days="1234567",
    )
    admin = get_user_model().objects.create_user(email=f"hr@{slug}.example", password=None)
    membership = Membership.objects.create(organization=organization, user=admin, role=Role.HR_ADMIN)
    return organization, membership


def build_reminder_case(organization: Organization, appraisals: int, now: datetime.datetime | None = None) -> Cycle:
    """Run inside the organisation's scope. Phases around `now`: self-assessment ended nine
    days ago (overdue, escalated once), the later phases end within the rule's 60 days before
    (a reminder each)."""
    now = now or timezone.now()
    slug = organization.slug
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(email=f"p{i}@{slug}.example", full_name=f"Person {i}", password="!")
            for i in range(appraisals)
        ],
        batch_size=BATCH,
    )
    unit = OrgUnit.objects.create(organization=organization, code="HQ", name="Head Office", path=segment(1))
    employees = Employee.objects.bulk_create(
        [
            Employee(
                organization=organization,
                user=user,
                staff_number=f"E{i:06d}",
                first_name="Person",
                last_name=str(i),
                email=user.email,
                unit=unit,
            )
            for i, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    period = GoalPeriod.objects.create(
        organization=organization, name="2026", starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31)
    )
    scale = RatingScale.objects.create(organization=organization, name="Five levels")
    template = AppraisalTemplate.objects.create(organization=organization, name="Standard", scale=scale)
    cycle = Cycle.objects.create(
        organization=organization,
        name="Benchmark cycle",
        period=period,
        status=CycleStatus.ACTIVE,
        current_phase=PhaseKind.APPRAISAL,
    )
    cycle_template = CycleTemplate.objects.create(organization=organization, cycle=cycle, template=template)
    ends = {
        PhaseKind.PLANNING: now - 60 * DAY,
        PhaseKind.MIDTERM: now - 30 * DAY,
        PhaseKind.SELF_ASSESSMENT: now - 9 * DAY,
        PhaseKind.APPRAISAL: now + 2 * DAY,
        PhaseKind.COUNTERSIGNING: now + 20 * DAY,
        PhaseKind.RELEASE: now + 30 * DAY,
        PhaseKind.ACKNOWLEDGEMENT: now + 45 * DAY,
    }
    previous_end = now - 90 * DAY
    phases = []
    for kind in PhaseKind.values:
        phases.append(
            CyclePhase(organization=organization, cycle=cycle, kind=kind, starts_at=previous_end, ends_at=ends[kind])
        )
        previous_end = ends[kind]
    CyclePhase.objects.bulk_create(phases)
    ReminderRule.objects.create(
        organization=organization,
        cycle=cycle,
        days_before=60,
        overdue_every_days=7,
        escalate_after_days=7,
        escalation_every_days=7,
        escalation_steps=3,
    )
    states = [state for state, share in MIX for _ in range(share)]
    rows = []
    for i, employee in enumerate(employees):
        officer = employees[(i - 1) // 10] if i else None
        countersigning = employees[((i - 1) // 10 - 1) // 10] if i > 10 else None
        rows.append(
            Appraisal(
                organization=organization,
                cycle=cycle,
                cycle_template=cycle_template,
                employee=employee,
                appraising_officer=officer,
                countersigning_officer=countersigning,
                state=states[i % len(states)],
            )
        )
    Appraisal.objects.bulk_create(rows, batch_size=BATCH)
    return cycle
