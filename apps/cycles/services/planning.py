"""Planning the work targets of an appraisal: the appraisee and the appraising officer propose,
change and remove targets, then each side agrees the whole set (weights summing to 100).

A change by one side clears the other side's agreement, so nobody is held to targets they have
not seen; every change is kept in RatingChange. Mid-term revisions (services/midterm.py) reuse
`target_save` with a reason.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.tenancy import audit

from .. import notices, permissions
from ..models import Appraisal, AppraisalState, AppraisalTarget, RatingChange, SectionKind
from ..selectors_appraisal import goal_choices
from ..workflow import Role
from .locks import lock_appraisal

HUNDRED = Decimal("100")
TARGET_FIELDS = ("title", "measure", "weight", "goal")


def lock_for_edit(*, appraisal: Appraisal, employee, membership, part: str, expected_version) -> tuple[Appraisal, set]:
    """Lock the appraisal row, check that this person may change `part` of it now and that it is
    still the version their page showed. Returns the locked appraisal and the person's roles."""
    locked = lock_appraisal(appraisal, "cycle", "cycle_template", "employee")
    roles = permissions.roles_for(locked, employee=employee, membership=membership)
    if not permissions.can_edit(roles, locked.state, part):
        raise PermissionDenied("You may not change this part of the appraisal now.")
    if expected_version is not None and int(expected_version) != locked.version:
        raise ValidationError(
            {
                "__all__": "Someone else saved this appraisal after you opened it, so nothing was saved. "
                "The page now shows what changed: check it and make your change again."
            }
        )
    return locked, roles


def bump_version(appraisal: Appraisal) -> None:
    Appraisal.objects.filter(pk=appraisal.pk).update(version=F("version") + 1, updated_at=timezone.now())
    appraisal.refresh_from_db(fields=["version"])


def record_change(*, appraisal, actor, target, field, old, new, reason="") -> RatingChange:
    return RatingChange.objects.create(
        organization=appraisal.organization,
        appraisal=appraisal,
        actor=actor,
        subject="target",
        subject_key=str(target.public_id),
        field=field,
        old_value="" if old is None else str(old),
        new_value="" if new is None else str(new),
        reason=reason,
    )


def targets_need_goal(appraisal: Appraisal) -> bool:
    """The frozen template's work-targets section says whether every target must serve a goal."""
    sections = appraisal.cycle_template.snapshot.get("sections", [])
    return any(s.get("targets_need_goal") for s in sections if s.get("kind") == SectionKind.WORK_TARGETS)


def _clean_weight(weight) -> Decimal:
    try:
        value = Decimal(str(weight)) if weight not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError({"weight": "Enter the target's weight, a number from 0 to 100."})
    if value < 0 or value > HUNDRED:
        raise ValidationError({"weight": f"A weight is a share of 100: {value} is outside 0–100."})
    return value.quantize(Decimal("0.01"))


def _clear_other_side(appraisal: Appraisal, roles: set) -> None:
    """The set of targets is agreed as a whole: a change by one side reopens it for the other."""
    if Role.APPRAISEE in roles and Role.OFFICER not in roles:
        appraisal.targets.update(agreed_by_officer_at=None)
    elif Role.OFFICER in roles and Role.APPRAISEE not in roles:
        appraisal.targets.update(agreed_by_appraisee_at=None)


@transaction.atomic
def target_save(
    *,
    actor,
    employee,
    membership,
    appraisal: Appraisal,
    target: AppraisalTarget | None = None,
    title: str,
    measure: str = "",
    weight,
    goal=None,
    reason: str = "",
    expected_version=None,
) -> AppraisalTarget:
    """Add a target (target=None) or change one. In the mid-term review a change needs a reason."""
    appraisal, roles = lock_for_edit(
        appraisal=appraisal, employee=employee, membership=membership, part="targets", expected_version=expected_version
    )
    if target is not None and target.appraisal_id != appraisal.pk:
        raise PermissionDenied("That target belongs to another appraisal.")
    errors = {}
    title = (title or "").strip()
    measure = (measure or "").strip()
    reason = (reason or "").strip()
    if not title:
        errors["title"] = "Name the target."
    try:
        weight = _clean_weight(weight)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if goal is None and targets_need_goal(appraisal):
        errors["goal"] = "This appraisal's template asks that every target serve a goal of the cascade: choose one."
    elif goal is not None and not goal_choices(appraisal).filter(pk=goal.pk).exists():
        errors["goal"] = "Choose one of the appraisee's goals or a goal of their unit, post or above in this period."
    if appraisal.state == AppraisalState.MIDTERM and not reason:
        errors["reason"] = "Say why the target is revised at the mid-term review: the reason is kept with the change."
    if errors:
        raise ValidationError(errors)

    values = {"title": title, "measure": measure, "weight": weight, "goal": goal}
    if target is None:
        last = appraisal.targets.order_by("-order").values_list("order", flat=True).first() or 0
        target = AppraisalTarget.objects.create(
            organization=appraisal.organization, appraisal=appraisal, order=last + 1, **values
        )
        record_change(
            appraisal=appraisal, actor=actor, target=target, field="created", old="", new=title, reason=reason
        )
        changes = {"title": [None, title]}
    else:
        target = AppraisalTarget.objects.select_for_update().get(pk=target.pk)
        before = audit.snapshot(target, TARGET_FIELDS)
        for field, value in values.items():
            setattr(target, field, value)
        changes = audit.diff(target, before, TARGET_FIELDS)
        if not changes:
            return target  # nothing changed: no agreement to clear, no version to bump
        target.save(update_fields=["title", "measure", "weight", "goal"])
        for field, (old, new) in changes.items():
            record_change(appraisal=appraisal, actor=actor, target=target, field=field, old=old, new=new, reason=reason)
    _clear_other_side(appraisal, roles)
    bump_version(appraisal)
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.target_save",
        obj=appraisal,
        summary=f"Target “{title}”",
        changes={"target": str(target.public_id), **changes, **({"reason": reason} if reason else {})},
    )
    target.refresh_from_db()
    return target


@transaction.atomic
def target_delete(*, actor, employee, membership, appraisal: Appraisal, target: AppraisalTarget, expected_version=None):
    appraisal, roles = lock_for_edit(
        appraisal=appraisal, employee=employee, membership=membership, part="targets", expected_version=expected_version
    )
    if target.appraisal_id != appraisal.pk:
        raise PermissionDenied("That target belongs to another appraisal.")
    if appraisal.state != AppraisalState.PLANNING:
        raise ValidationError({"__all__": "Targets are removed only while planning; revise it with a reason instead."})
    record_change(appraisal=appraisal, actor=actor, target=target, field="removed", old=target.title, new="")
    title = target.title
    target.delete()
    _clear_other_side(appraisal, roles)
    bump_version(appraisal)
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.target_delete",
        obj=appraisal,
        summary=f"Target “{title}” removed",
    )


@transaction.atomic
def target_agree(*, actor, employee, membership, appraisal: Appraisal, expected_version=None) -> Appraisal:
    """The person agrees the whole set of targets, for the side(s) they hold."""
    appraisal, roles = lock_for_edit(
        appraisal=appraisal, employee=employee, membership=membership, part="targets", expected_version=expected_version
    )
    weights = list(appraisal.targets.values_list("weight", flat=True))
    if not weights:
        raise ValidationError({"__all__": "There are no targets to agree yet: add them first."})
    total = sum(weights, Decimal("0"))
    if total != HUNDRED:
        raise ValidationError(
            {"weight": f"The weights add up to {total.normalize():f}%, not 100%: adjust them before agreeing."}
        )
    now = timezone.now()
    fields = {}
    if Role.APPRAISEE in roles:
        fields["agreed_by_appraisee_at"] = now
    if Role.OFFICER in roles:
        fields["agreed_by_officer_at"] = now
    appraisal.targets.update(**fields)
    bump_version(appraisal)
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="appraisal.targets_agree",
        obj=appraisal,
        summary="Targets agreed",
        changes={"sides": sorted(f.removesuffix("_at") for f in fields)},
    )
    notices.targets_awaiting_agreement(appraisal, Role.APPRAISEE if Role.OFFICER in roles else Role.OFFICER)
    return appraisal
