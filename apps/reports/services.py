"""Writes the reports make: an export of confidential appraisal data is recorded, like any
write, with who took it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from apps.tenancy import audit

from .permissions import can_see_training_needs


@transaction.atomic
def training_needs_export_record(*, actor, employee, membership, cycle, unit=None):
    """Record that `actor` downloads the cycle's training needs (in `unit` and its sub-units)."""
    if not can_see_training_needs(employee=employee, membership=membership):
        raise PermissionDenied("Only HR and the groups that plan training export the training needs.")
    where = f" in {unit.name}" if unit is not None else ""
    return audit.record(
        organization=membership.organization,
        actor=actor,
        action="report.training_needs_exported",
        obj=cycle,
        summary=f"Training needs of {cycle.name}{where} exported",
        changes={"unit": str(unit.public_id) if unit is not None else None},
    )
