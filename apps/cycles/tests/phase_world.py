"""A launched cycle with its seven phases a week each, for the phase automation's tests."""

import datetime

from apps.cycles.models import AppraisalState, CyclePhase, CycleStatus, PhaseKind
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

WEEK = datetime.timedelta(days=7)


def phase_ends(first_start: datetime.datetime) -> dict:
    """Each phase's end when the phases run a week each from `first_start`."""
    return {kind: first_start + WEEK * (rank + 1) for rank, kind in enumerate(PhaseKind.values)}


def scheduled_cycle(
    organization,
    *,
    first_start: datetime.datetime,
    current: str = PhaseKind.PLANNING,
    appraisals: int = 2,
    state: str = AppraisalState.PLANNING,
    name: str = "Appraisal 2026",
):
    """An active cycle in `current`, phases back to back from `first_start`, with `appraisals`
    appraisals in `state`. Returns (cycle, [appraisal, ...])."""
    with tenant_scope(organization):
        cycle = factories.CycleFactory(
            organization=organization, name=name, status=CycleStatus.ACTIVE, current_phase=current
        )
        CyclePhase.objects.bulk_create(
            [
                CyclePhase(
                    organization=organization,
                    cycle=cycle,
                    kind=kind,
                    starts_at=first_start + WEEK * rank,
                    ends_at=first_start + WEEK * (rank + 1),
                )
                for rank, kind in enumerate(PhaseKind.values)
            ]
        )
        cycle_template = factories.CycleTemplateFactory(organization=organization, cycle=cycle)
        made = [
            factories.AppraisalFactory(organization=organization, cycle_template=cycle_template, state=state)
            for _ in range(appraisals)
        ]
    return cycle, made
