"""HR releases the results of a cycle, for all units or one unit with its sub-units.

In bulk, for thousands of appraisals: the countersigned rows are locked, moved by a single
UPDATE that compares-and-sets their state, and each gets its append-only event in one bulk
insert; one audit row records the release as a whole.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from .. import notices
from ..models import Appraisal, AppraisalEvent, AppraisalState, Cycle, CycleStatus
from ..selectors_tasks import RELEASE_PHASES, releasable


def moderation_holding(cycle: Cycle, unit=None) -> list[dict]:
    """Open moderation sessions of the cycle whose scope holds appraisals this release would
    release: the results wait until the panel closes its session."""
    # Imported here: committees builds on cycles, not the other way round.
    from apps.committees.selectors_moderation import sessions_holding_release

    return sessions_holding_release(cycle, releasable(cycle, unit))


@transaction.atomic
def release_results(*, actor, membership, cycle: Cycle, unit=None) -> int:
    """Release every countersigned appraisal of `cycle` (in `unit` and its sub-units when
    given). Returns how many were released; appraisals in any other state are left alone."""
    require_hr_admin(membership)
    # Lock the cycle so its phase cannot move under the release.
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.ACTIVE or cycle.current_phase not in RELEASE_PHASES:
        phase = cycle.get_current_phase_display().lower() if cycle.current_phase else "preparation"
        raise ValidationError(
            {
                "__all__": f"Results are released during the release and acknowledgement phases; "
                f"this cycle is in its {phase} phase."
            }
        )
    if unit is not None and unit.organization_id != cycle.organization_id:
        raise ValidationError({"unit": "Choose a unit of this organisation."})
    holding = moderation_holding(cycle, unit)
    if holding:
        from apps.committees.selectors_moderation import holding_message

        raise ValidationError({"__all__": holding_message(holding)})

    ids = list(releasable(cycle, unit).select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    released = Appraisal.objects.filter(pk__in=ids, state=AppraisalState.COUNTERSIGNED).update(
        state=AppraisalState.RELEASED, released_at=now, version=F("version") + 1, updated_at=now
    )
    if released != len(ids):  # unreachable under the row locks: the compare-and-set's guard
        raise ValidationError({"__all__": "Some appraisals changed while releasing. Try again."})
    AppraisalEvent.objects.bulk_create(
        [
            AppraisalEvent(
                organization_id=cycle.organization_id,
                appraisal_id=pk,
                actor=actor,
                from_state=AppraisalState.COUNTERSIGNED,
                to_state=AppraisalState.RELEASED,
            )
            for pk in ids
        ],
        batch_size=2000,
    )
    notices.results_released(Appraisal.objects.filter(pk__in=ids))
    scope = unit.name if unit is not None else "all units"
    audit.record(
        organization=cycle.organization,
        actor=actor,
        action="cycle.release_results",
        obj=cycle,
        summary=f"Released {released} result{'s' if released != 1 else ''} ({scope})",
        changes={"released": released, "unit": str(unit.public_id) if unit is not None else None},
    )
    return released
