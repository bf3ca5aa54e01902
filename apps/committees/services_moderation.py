"""Moderation (calibration): a panel opens a session on a cycle, adjusts levels with a
justification, and closes it; HR sets the guideline the distribution is read against.

Level changes go through apps/cycles/services/adjustments.py, which writes the appraisal's
RatingChange history; the adjustment kept here says which session and panel made it.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.cycles.models import Appraisal, Cycle, CycleStatus
from apps.cycles.services.adjustments import adjust_overall_level
from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from .models import Committee, CommitteeKind
from .models_moderation import ModerationAdjustment, ModerationGuideline, ModerationSession, SessionStatus
from .permissions_moderation import Action, is_party_to, panel_roles, require
from .scope import covers_path, scope_paths
from .selectors_moderation import READY, cycle_levels, scope_appraisals


@transaction.atomic
def session_open(*, actor, employee, membership, panel: Committee, cycle: Cycle) -> ModerationSession:
    """Open the panel's session on `cycle`, once at least one appraisal of its scope is
    countersigned. One open session per panel and cycle."""
    panel = Committee.objects.select_for_update().get(pk=panel.pk)
    if panel.kind != CommitteeKind.MODERATION_PANEL or not panel.is_active:
        raise ValidationError({"__all__": "Only an active moderation panel holds moderation sessions."})
    require(
        panel_roles(panel, employee=employee, membership=membership),
        Action.RUN,
        "Only the panel's chair or secretary opens its sessions.",
    )
    if cycle.organization_id != panel.organization_id:
        raise ValidationError({"cycle": "Choose a cycle of this organisation."})
    # The cycle's lock is the one release_results takes: a release and an opening session never
    # interleave, so nothing is released from under a session that has just opened.
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.ACTIVE:
        raise ValidationError({"cycle": "Choose a cycle under way: this one is not."})
    if ModerationSession.objects.filter(panel=panel, cycle=cycle, status=SessionStatus.OPEN).exists():
        raise ValidationError({"cycle": f"{panel.name} already has an open session on {cycle.name}."})
    session = ModerationSession(organization_id=panel.organization_id, panel=panel, cycle=cycle, opened_by=actor)
    if not scope_appraisals(session, states=(READY,)).exists():
        raise ValidationError(
            {
                "cycle": f"No appraisal in {panel.name}'s scope has been countersigned in {cycle.name} yet: "
                "open the session once some have."
            }
        )
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:  # unreachable under the panel's lock: the constraint's guard
        raise ValidationError({"cycle": f"{panel.name} already has an open session on {cycle.name}."}) from None
    audit.record(
        organization=panel.organization,
        actor=actor,
        action="moderation.session_open",
        obj=session,
        summary=f"{panel.name} opened a moderation session on {cycle.name}",
    )
    return session


def _locked_open(session: ModerationSession) -> ModerationSession:
    # The session's row only: its panel and cycle are read, not locked (a lock on the cycle's row
    # would hold up every appraisee's save of that cycle while the panel adjusts a level).
    session = (
        ModerationSession.objects.select_for_update(of=("self",)).select_related("panel", "cycle").get(pk=session.pk)
    )
    if session.status != SessionStatus.OPEN:
        raise ValidationError({"__all__": "This moderation session is closed."})
    return session


@transaction.atomic
def session_close(*, actor, employee, membership, session: ModerationSession, summary: str) -> ModerationSession:
    """Close the session with what the panel found; release of its scope may go ahead."""
    session = _locked_open(session)
    require(
        panel_roles(session.panel, employee=employee, membership=membership),
        Action.RUN,
        "Only the panel's chair or secretary closes its sessions.",
    )
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Say what the panel found and decided: it is kept with the session."})
    session.status = SessionStatus.CLOSED
    session.closed_by = actor
    session.closed_at = timezone.now()
    session.summary = summary
    session.save(update_fields=["status", "closed_by", "closed_at", "summary"])
    adjusted = session.adjustments.count()
    audit.record(
        organization=session.organization,
        actor=actor,
        action="moderation.session_close",
        obj=session,
        summary=f"{session.panel.name} closed its session on {session.cycle.name} ({adjusted} adjusted)",
        changes={"adjustments": adjusted},
    )
    return session


@transaction.atomic
def appraisal_moderate(
    *, actor, employee, membership, session: ModerationSession, appraisal: Appraisal, new_level: str, reason: str
) -> ModerationAdjustment:
    """Change a countersigned appraisal's overall level in an open session, with the panel's
    reason; the original level, the new one, who and why are kept here and in the history."""
    session = _locked_open(session)
    require(
        panel_roles(session.panel, employee=employee, membership=membership),
        Action.ADJUST,
        "Only the panel's chair or secretary records its adjustments.",
    )
    # Locked before its state is read, so a release cannot slip in between.
    appraisal = Appraisal.objects.select_for_update(of=("self",)).select_related("employee__unit").get(pk=appraisal.pk)
    if appraisal.cycle_id != session.cycle_id or not covers_path(
        scope_paths(session.panel), appraisal.employee.unit.path
    ):
        raise PermissionDenied("This appraisal is not in the session's scope.")
    if is_party_to(appraisal, employee):
        raise PermissionDenied("You are part of this appraisal: another member of the panel records its level.")
    if appraisal.state != READY:
        raise ValidationError({"__all__": "Only a countersigned appraisal can be moderated."})
    original = appraisal.overall_level
    change = adjust_overall_level(
        actor=actor,
        appraisal=appraisal,
        new_level_label=new_level,
        reason=reason,
        source=f"Moderation by {session.panel.name}",
    )
    adjustment = ModerationAdjustment.objects.create(
        organization_id=session.organization_id,
        session=session,
        appraisal=appraisal,
        original_level=original,
        new_level=change.new_value,
        reason=reason.strip(),
        adjusted_by=actor,
        rating_change=change,
    )
    audit.record(
        organization=session.organization,
        actor=actor,
        action="moderation.adjust",
        obj=adjustment,
        summary=f"{appraisal.employee}: {original or '—'} → {change.new_value} ({session.panel.name})",
        changes={"overall_level": [original, change.new_value], "appraisal": str(appraisal.public_id)},
    )
    return adjustment


def share_field(index: int) -> str:
    """The form field of the share of the cycle's index-th level (labels may hold anything)."""
    return f"share_{index}"


@transaction.atomic
def guideline_save(*, actor, membership, cycle: Cycle, shares: dict) -> ModerationGuideline | None:
    """Set the expected share (percent) at each level of the cycle's scale. `shares` maps the
    level labels to posted values; all empty removes the guideline. The shares add up to 100."""
    require_hr_admin(membership)
    levels = cycle_levels(cycle)
    if not levels:
        raise ValidationError({"__all__": "This cycle has no frozen scale yet: set the guideline once it is launched."})
    errors, parsed = {}, {}
    for index, label in enumerate(levels):
        raw = str(shares.get(label) or "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors[share_field(index)] = "Enter a percentage, e.g. 20 or 12.5."
            continue
        if not value.is_finite() or value < 0 or value > 100:
            errors[share_field(index)] = "Enter a percentage between 0 and 100."
        elif value.as_tuple().exponent < -1:
            errors[share_field(index)] = "Use at most one decimal place."
        else:
            parsed[label] = value
    if errors:
        raise ValidationError(errors)
    existing = ModerationGuideline.objects.select_for_update().filter(cycle=cycle).first()
    if not parsed:
        if existing is not None:
            existing.delete()
            audit.record(
                organization=cycle.organization,
                actor=actor,
                action="moderation.guideline_clear",
                obj=cycle,
                summary=f"Guideline removed for {cycle.name}",
            )
        return None
    total = sum(parsed.values(), Decimal("0"))
    if total != 100:
        raise ValidationError({"shares": f"The shares add up to {total.normalize():f}%: they must add up to 100%."})
    stored = {label: f"{parsed.get(label, Decimal('0')).normalize():f}" for label in levels}
    before = existing.shares if existing else {}
    guideline = existing or ModerationGuideline(organization_id=cycle.organization_id, cycle=cycle)
    guideline.shares = stored
    guideline.updated_by = actor
    guideline.save()
    audit.record(
        organization=cycle.organization,
        actor=actor,
        action="moderation.guideline_save",
        obj=cycle,
        summary=f"Guideline set for {cycle.name}",
        changes={"shares": [before, stored]},
    )
    return guideline
