"""Where an appeal goes: the appeal board whose scope covers the appraisee's unit, closest
scope first, less the members who may not sit on it.

A member is excluded when they are the appellant, the appraisal's appraising or countersigning
officer, or in the appellant's reporting line (their manager, that manager's manager, and so on
up). The rule itself is a pure function over ids (`exclusions`), so it can be tested over
random organisation trees without a database; `route` reads the relations and applies it.

When the closest board has nobody left to sit, the next covering board takes the appeal; when
no board covers the appraisee (or none has an eligible member) the appeal stays unassigned and
HR sees it so.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from apps.committees.models import Committee, CommitteeKind
from apps.committees.scope import committees_covering
from apps.people.models import Employee

from .models import ExclusionReason

# A reporting line longer than this is a data error (a loop the constraint cannot see); the
# walk stops rather than spin.
MAX_CHAIN = 200


def manager_chain(employee_id: int, manager_of: Mapping[int, int | None]) -> list[int]:
    """The ids of the employee's managers, nearest first, stopping at a loop."""
    chain, seen = [], {employee_id}
    current = manager_of.get(employee_id)
    while current is not None and current not in seen and len(chain) < MAX_CHAIN:
        chain.append(current)
        seen.add(current)
        current = manager_of.get(current)
    return chain


def exclusions(
    member_ids: Iterable[int],
    *,
    appellant_id: int,
    appraising_officer_id: int | None,
    countersigning_officer_id: int | None,
    manager_of: Mapping[int, int | None],
) -> dict[int, str]:
    """Which of the members may not sit on the appeal, each with the reason (the most direct
    one when several apply: the appellant, then the officers, then the reporting line)."""
    reasons: dict[int, str] = {}
    for manager_id in manager_chain(appellant_id, manager_of):
        reasons[manager_id] = ExclusionReason.REPORTING_LINE
    if countersigning_officer_id is not None:
        reasons[countersigning_officer_id] = ExclusionReason.COUNTERSIGNING_OFFICER
    if appraising_officer_id is not None:
        reasons[appraising_officer_id] = ExclusionReason.APPRAISING_OFFICER
    reasons[appellant_id] = ExclusionReason.APPRAISEE
    return {member: reasons[member] for member in member_ids if member in reasons}


@dataclass(frozen=True)
class Routing:
    board: Committee | None
    excluded: dict[int, str]  # employee id → ExclusionReason, among the board's members


def _manager_map(employee: Employee) -> dict[int, int | None]:
    """The appellant's reporting line as {employee id: manager id}, one query per level."""
    manager_of: dict[int, int | None] = {employee.pk: employee.manager_id}
    current = employee.manager_id
    while current is not None and current not in manager_of and len(manager_of) < MAX_CHAIN:
        manager_id = Employee.objects.filter(pk=current).values_list("manager_id", flat=True).first()
        manager_of[current] = manager_id
        current = manager_id
    return manager_of


def route(appraisal) -> Routing:
    """The board that takes an appeal on `appraisal`, and who on it is excluded."""
    employee = appraisal.employee
    manager_of = _manager_map(employee)
    for board in committees_covering(employee.unit, CommitteeKind.APPEAL_BOARD):
        member_ids = list(board.members.values_list("employee_id", flat=True))
        excluded = exclusions(
            member_ids,
            appellant_id=employee.pk,
            appraising_officer_id=appraisal.appraising_officer_id,
            countersigning_officer_id=appraisal.countersigning_officer_id,
            manager_of=manager_of,
        )
        if len(excluded) < len(member_ids):
            return Routing(board=board, excluded=excluded)
    return Routing(board=None, excluded={})
