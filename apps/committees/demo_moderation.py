"""Acme's demo moderation: the moderation panel held a session on the demo cycle's countersigned
appraisals, moved one level down a step with its reason, and closed the session.

Closed, not left open: the demo promises HR countersigned results to release, and an open
session over the whole organisation would hold them back. The moderated appraisal stays
countersigned and shows "Moderated: … by Moderation panel" on its pages.

Through the services, as the panel's chair or secretary would act. Idempotent: when the panel
has a session on the cycle, nothing is added. Run inside acme's tenant scope after the
committees (seed_demo does); without a panel, a cycle or a countersigned appraisal it does nothing.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from apps.cycles.demo_cycle import cycle_name
from apps.cycles.models import Cycle, CycleStatus
from apps.tenancy.models import Membership

from .models import Committee, CommitteeKind, MemberRole
from .models_moderation import ModerationSession
from .selectors_moderation import READY, cycle_levels, scope_appraisals
from .services_moderation import appraisal_moderate, session_close, session_open

REASON = (
    "The evidence for two of the targets reads as fully met rather than exceeded, set against the "
    "same work in other units."
)
SUMMARY = (
    "Levels were broadly in line with the guideline. One appraisal was moved down a level for "
    "consistency across units; no appraising officer stood out as lenient or severe."
)


def seed_moderation(organization) -> int:
    """Hold and close the demo session; returns 1 when it was created, 0 otherwise."""
    panel = (
        Committee.objects.filter(kind=CommitteeKind.MODERATION_PANEL, is_active=True)
        .prefetch_related("members__employee__user")
        .order_by("name")
        .first()
    )
    # The current demo cycle by its name: last year's (apps/cycles/demo_past_cycle.py) is active too,
    # and on a database seeded before it existed, it is the newer one.
    cycle = Cycle.objects.filter(status=CycleStatus.ACTIVE, name=cycle_name(timezone.localdate())).first()
    if panel is None or cycle is None or ModerationSession.objects.filter(panel=panel, cycle=cycle).exists():
        return 0
    runners = sorted(
        (seat for seat in panel.members.all() if seat.role in (MemberRole.CHAIR, MemberRole.SECRETARY)),
        key=lambda seat: seat.role != MemberRole.CHAIR,
    )
    seat = next((s for s in runners if s.employee.user_id), None)
    if seat is None:
        return 0
    employee, user = seat.employee, seat.employee.user
    who = {
        "actor": user,
        "employee": employee,
        "membership": Membership.objects.get(organization=organization, user=user),
    }
    try:
        session = session_open(**who, panel=panel, cycle=cycle)
    except ValidationError:  # nothing countersigned in the panel's scope yet
        return 0
    levels = cycle_levels(cycle)
    appraisal = (
        scope_appraisals(session, states=(READY,))
        .exclude(Q(employee=employee) | Q(appraising_officer=employee) | Q(countersigning_officer=employee))
        .exclude(overall_level="")
        .order_by("-overall_score", "pk")
        .first()
    )
    if appraisal is not None and appraisal.overall_level in levels:
        index = levels.index(appraisal.overall_level)
        new_level = levels[index + 1] if index + 1 < len(levels) else levels[index - 1]
        appraisal_moderate(**who, session=session, appraisal=appraisal, new_level=new_level, reason=REASON)
    session_close(**who, session=session, summary=SUMMARY)
    return 1


__all__ = ["seed_moderation"]
