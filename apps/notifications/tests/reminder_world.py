"""An active cycle whose self-assessment phase ends at a given moment, and people to remind:
an appraisee, their appraising and countersigning officers, and HR (alice)."""

import datetime
from dataclasses import dataclass

from apps.cycles.models import AppraisalState, CyclePhase, CycleStatus, PhaseKind
from apps.notifications.models import ReminderRule
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

DAY = datetime.timedelta(days=1)
# A Thursday, midday in London (GMT): well inside working hours, three working days ahead.
DEADLINE = datetime.datetime(2026, 3, 12, 12, 0, tzinfo=datetime.UTC)
# A Monday: the four days after it are working days (for escalations a day apart).
MONDAY = datetime.datetime(2026, 3, 9, 12, 0, tzinfo=datetime.UTC)


@dataclass
class World:
    cycle: object
    cycle_template: object
    rule: object
    appraisee: object
    officer: object
    countersigning: object

    def appraisal(self, organization, *, state=AppraisalState.SELF_ASSESSMENT, employee=None, **fields):
        with tenant_scope(organization):
            return factories.AppraisalFactory(
                organization=organization,
                cycle_template=self.cycle_template,
                employee=employee or self.appraisee,
                appraising_officer=fields.pop("appraising_officer", self.officer),
                countersigning_officer=fields.pop("countersigning_officer", self.countersigning),
                state=state,
                **fields,
            )


def person(organization, unit, name):
    user = factories.UserFactory(email=f"{name.lower()}@alpha.test", full_name=f"{name} Example")
    factories.MembershipFactory(organization=organization, user=user)
    return factories.EmployeeFactory(organization=organization, unit=unit, user=user, first_name=name)


def world(organization, unit, *, deadline=DEADLINE, **rule):
    """Phases of a week each, the self-assessment one ending at `deadline`; the rule given
    (defaults otherwise)."""
    with tenant_scope(organization):
        cycle = factories.CycleFactory(
            organization=organization, status=CycleStatus.ACTIVE, current_phase=PhaseKind.SELF_ASSESSMENT
        )
        rank_of_self = PhaseKind.values.index(PhaseKind.SELF_ASSESSMENT)
        week = 7 * DAY
        CyclePhase.objects.bulk_create(
            [
                CyclePhase(
                    organization=organization,
                    cycle=cycle,
                    kind=kind,
                    starts_at=deadline + week * (rank - rank_of_self - 1),
                    ends_at=deadline + week * (rank - rank_of_self),
                )
                for rank, kind in enumerate(PhaseKind.values)
            ]
        )
        rule_row = ReminderRule.objects.create(
            organization=organization, cycle=cycle, **{**ReminderRule.DEFAULTS, **rule}
        )
        cycle_template = factories.CycleTemplateFactory(organization=organization, cycle=cycle)
        appraisee = person(organization, unit, "Ann")
        officer = person(organization, unit, "Oscar")
        countersigning = person(organization, unit, "Cora")
    return World(cycle, cycle_template, rule_row, appraisee, officer, countersigning)
