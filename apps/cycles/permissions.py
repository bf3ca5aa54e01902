"""Who may see and change what on an appraisal, by role and state.

Roles on one appraisal come from the relations (apps/cycles/workflow.roles_of): the appraisee,
their appraising officer (AO), their countersigning officer (CO), and HR admins. Nobody else
sees an appraisal (committees and appeal boards get their own, scoped, rights later).
The state-changing steps themselves are in workflow.TRANSITIONS.
"""

from django.db.models import Q

from .models import AppraisalState as S
from .workflow import Role, roles_of

RELEASED = (S.RELEASED, S.ACKNOWLEDGED)
RATED = (S.WITH_COUNTERSIGNING, S.COUNTERSIGNED, S.RELEASED, S.ACKNOWLEDGED)

# The parts of an appraisal each role may change, by state.
EDITABLE = {
    S.PLANNING: {Role.APPRAISEE: {"targets"}, Role.OFFICER: {"targets"}},
    S.MIDTERM: {Role.APPRAISEE: {"midterm_notes"}, Role.OFFICER: {"midterm_notes", "targets", "midterm_meeting"}},
    S.SELF_ASSESSMENT: {Role.APPRAISEE: {"self_assessment"}},
    S.WITH_OFFICER: {Role.OFFICER: {"rating"}},
    S.WITH_COUNTERSIGNING: {Role.COUNTERSIGNING: {"countersigning"}},
    S.RELEASED: {Role.APPRAISEE: {"acknowledgement"}, Role.OFFICER: {"feedback_interview"}},
}


def roles_for(appraisal, *, employee, membership) -> set:
    return roles_of(appraisal, employee=employee, is_hr=bool(membership and membership.is_hr_admin))


def can_view(roles: set) -> bool:
    return bool(roles)


def can_edit(roles: set, state: str, part: str) -> bool:
    allowed = EDITABLE.get(state, {})
    return any(part in allowed.get(role, set()) for role in roles)


def can_see_officer_ratings(roles: set, state: str) -> bool:
    """The appraisee sees the AO's ratings and score only once the result is released."""
    if roles & {Role.OFFICER, Role.COUNTERSIGNING, Role.HR}:
        return True
    return Role.APPRAISEE in roles and state in RELEASED


def can_see_countersigning_remarks(roles: set, state: str, snapshot: dict | None = None) -> bool:
    """HR and the CO always; the AO once the CO has acted; the appraisee after release, when
    the template (its frozen copy, `snapshot`) shows them to the appraisee."""
    if roles & {Role.COUNTERSIGNING, Role.HR}:
        return True
    if Role.OFFICER in roles and state in (S.COUNTERSIGNED, S.RELEASED, S.ACKNOWLEDGED, S.WITH_OFFICER):
        return True
    shown = (snapshot or {}).get("template", {}).get("appraisee_sees_countersigning", True)
    return Role.APPRAISEE in roles and state in RELEASED and shown


def can_see_section(roles: set, section: dict) -> bool:
    """A countersigning officer who is nothing else sees only the sections the template shows them."""
    if roles & {Role.APPRAISEE, Role.OFFICER, Role.HR}:
        return True
    return Role.COUNTERSIGNING in roles and section.get("countersigning_sees", True)


# Who wrote a field decides who may read its history: the appraising officer's ratings and text
# follow can_see_officer_ratings, the countersigning officer's follow their remarks' rule; the
# rest (targets, mid-term notes, what the appraisee handed in) is open to everyone on it.
# The overall score and level go with them: a moderated level is not the appraisee's to read
# before release either.
OFFICER_FIELDS = frozenset(
    {
        "officer_rating",
        "officer_comment",
        "officer_text",
        "overall_assessment",
        "training_recommendations",
        "overall_score",
        "overall_level",
    }
)
COUNTERSIGNING_FIELDS = frozenset({"countersigning_agrees", "countersigning_remarks"})


def hidden_change_fields(roles: set, state: str, snapshot: dict | None = None) -> set:
    """Fields whose RatingChange history this person may not read now."""
    hidden = set()
    if not can_see_officer_ratings(roles, state):
        hidden |= OFFICER_FIELDS
    if not can_see_countersigning_remarks(roles, state, snapshot):
        hidden |= COUNTERSIGNING_FIELDS
    return hidden


def hidden_sections(roles: set, sections: list[dict]) -> set:
    """Keys of the template's sections this person may not see (their history included)."""
    return {section["key"] for section in sections if not can_see_section(roles, section)}


def visible_appraisals(queryset, *, employee, membership):
    """The queryset form of can_view, for lists."""
    if membership is not None and membership.is_hr_admin:
        return queryset
    if employee is None:
        return queryset.none()
    return queryset.filter(Q(employee=employee) | Q(appraising_officer=employee) | Q(countersigning_officer=employee))
