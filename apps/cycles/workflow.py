"""The appraisal's state machine: which action moves an appraisal from which state to which,
who may take it, and in which phase of the cycle.

One table, read by the transition service and by the permission checks, so the screens, the
services and the tests agree on a single definition.
"""

from dataclasses import dataclass

from .models import AppraisalState as S
from .models import PhaseKind as P


class Role:
    APPRAISEE = "appraisee"
    OFFICER = "appraising_officer"
    COUNTERSIGNING = "countersigning_officer"
    HR = "hr"


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset
    phases: frozenset  # the cycle phases in which the action is open
    note_required: bool = False
    label: str = ""


def _t(action, source, target, roles, phases, note_required=False, label=""):
    return Transition(action, source, target, frozenset(roles), frozenset(phases), note_required, label)


TRANSITIONS: tuple[Transition, ...] = (
    # Phases open by date (the automation moves every appraisal of a cycle; HR may too).
    _t("open_midterm", S.PLANNING, S.MIDTERM, {Role.HR}, {P.MIDTERM}, label="Open the mid-term review"),
    _t(
        "open_self_assessment",
        S.MIDTERM,
        S.SELF_ASSESSMENT,
        {Role.HR},
        {P.SELF_ASSESSMENT},
        label="Open the self-assessment",
    ),
    _t(
        "open_self_assessment",
        S.PLANNING,
        S.SELF_ASSESSMENT,
        {Role.HR},
        {P.SELF_ASSESSMENT},
        label="Open the self-assessment",
    ),
    # The appraisee hands in; the officer may hand it back once, with a reason.
    _t(
        "submit_self_assessment",
        S.SELF_ASSESSMENT,
        S.WITH_OFFICER,
        {Role.APPRAISEE},
        {P.SELF_ASSESSMENT, P.APPRAISAL},
        label="Submit my self-assessment",
    ),
    _t(
        "return_to_appraisee",
        S.WITH_OFFICER,
        S.SELF_ASSESSMENT,
        {Role.OFFICER},
        {P.SELF_ASSESSMENT, P.APPRAISAL},
        note_required=True,
        label="Return for revision",
    ),
    # The officer rates and hands on to the countersigning officer.
    _t(
        "submit_rating",
        S.WITH_OFFICER,
        S.WITH_COUNTERSIGNING,
        {Role.OFFICER},
        {P.APPRAISAL, P.COUNTERSIGNING},
        label="Submit my rating",
    ),
    # The countersigning officer agrees (or records a differing view) or returns it with a note.
    _t(
        "countersign",
        S.WITH_COUNTERSIGNING,
        S.COUNTERSIGNED,
        {Role.COUNTERSIGNING},
        {P.COUNTERSIGNING},
        label="Countersign",
    ),
    _t(
        "return_to_officer",
        S.WITH_COUNTERSIGNING,
        S.WITH_OFFICER,
        {Role.COUNTERSIGNING},
        {P.APPRAISAL, P.COUNTERSIGNING},
        note_required=True,
        label="Return to the appraising officer",
    ),
    # HR releases; the appraisee acknowledges.
    _t("release", S.COUNTERSIGNED, S.RELEASED, {Role.HR}, {P.RELEASE, P.ACKNOWLEDGEMENT}, label="Release the result"),
    _t(
        "acknowledge", S.RELEASED, S.ACKNOWLEDGED, {Role.APPRAISEE}, {P.RELEASE, P.ACKNOWLEDGEMENT}, label="Acknowledge"
    ),
)

ACTIONS = frozenset(t.action for t in TRANSITIONS)


def transition_for(action: str, state: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.action == action and transition.source == state:
            return transition
    return None


def available(state: str, roles: set, phase: str) -> list[Transition]:
    """The actions someone holding `roles` may take on an appraisal in `state` during `phase`."""
    return [t for t in TRANSITIONS if t.source == state and t.roles & roles and phase in t.phases]


def roles_of(appraisal, *, employee, is_hr: bool) -> set:
    """The roles a person holds on one appraisal (a person can hold several, e.g. HR and AO)."""
    roles = set()
    if is_hr:
        roles.add(Role.HR)
    if employee is None:
        return roles
    if appraisal.employee_id == employee.pk:
        roles.add(Role.APPRAISEE)
    if appraisal.appraising_officer_id == employee.pk:
        roles.add(Role.OFFICER)
    if appraisal.countersigning_officer_id == employee.pk:
        roles.add(Role.COUNTERSIGNING)
    return roles
