"""Who may read the reports of appraisal data beyond their own, and how much of it."""

from apps.committees.models import Committee, CommitteeKind
from apps.committees.scope import WHOLE_ORGANISATION, scope_paths
from apps.tenancy.permissions import is_hr_admin

# The groups that plan training from the appraisals (DESIGN.md): the committee that owns the
# system and the HR support and advisory group that trains.
TRAINING_PLANNERS = (CommitteeKind.PMC, CommitteeKind.HR_SUPPORT)
NO_ACCESS = False


def training_needs_scope(*, employee, membership) -> list[str] | None | bool:
    """How much of a cycle's training needs the person reads: None for the whole organisation
    (HR admins, and members of an active group of TRAINING_PLANNERS covering all of it), the
    unit paths their groups cover (a group scoped to a division reads that division), or
    NO_ACCESS."""
    if is_hr_admin(membership):
        return WHOLE_ORGANISATION
    if employee is None:
        return NO_ACCESS
    groups = list(
        Committee.objects.filter(
            kind__in=TRAINING_PLANNERS, is_active=True, members__employee=employee
        ).prefetch_related("units")
    )
    if not groups:
        return NO_ACCESS
    paths: set[str] = set()
    for group in groups:
        covered = scope_paths(group)
        if covered is WHOLE_ORGANISATION:
            return WHOLE_ORGANISATION
        paths.update(covered)
    # A path inside another one adds nothing: keep the outermost.
    return sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


def can_see_training_needs(*, employee, membership) -> bool:
    return training_needs_scope(employee=employee, membership=membership) is not NO_ACCESS
