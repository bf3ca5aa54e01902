"""Counselling and improvement plans (models_plans): started after a below-standard result is
released, acknowledged by the person, closed at the review as improved or not. Each use case
checks who may act, validates with messages at the fields, locks what it changes, records the
audit event and tells the person."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.notifications.models import Kind
from apps.notifications.services.notify import Message, notify, notify_many
from apps.people.services.validation import FieldErrors
from apps.tenancy import audit
from apps.tenancy.selectors import hr_admin_user_ids
from apps.tenancy.urls_helpers import org_reverse

from ..models import Appraisal, AppraisalState, ImprovementPlan, PlanStatus
from ..permissions_plans import may_acknowledge, may_lead
from ..scoring import bottom_labels

# A plan follows the feedback on a released result.
RESULT_STATES = (AppraisalState.RELEASED, AppraisalState.ACKNOWLEDGED)
EDITABLE = ("counselled_on", "areas", "actions", "support", "review_on")


def is_below_standard(appraisal: Appraisal) -> bool:
    """The appraisal's level is in the bottom band of its own frozen scale (the results page's
    "below standard")."""
    return bool(appraisal.overall_level) and appraisal.overall_level in bottom_labels(
        appraisal.cycle_template.snapshot or {}
    )


def _check_content(values: dict, errors: FieldErrors) -> dict:
    cleaned = {name: (values.get(name) or "").strip() for name in ("areas", "actions", "support")}
    if not cleaned["areas"]:
        errors.add("areas", "Say what must improve.")
    if not cleaned["actions"]:
        errors.add("actions", "Say what the person will do, and how progress will be seen.")
    counselled_on, review_on = values.get("counselled_on"), values.get("review_on")
    if counselled_on is None:
        errors.add("counselled_on", "Give the day of the counselling meeting.")
    elif counselled_on > timezone.localdate():
        errors.add("counselled_on", "The counselling is recorded once it has taken place.")
    if review_on is None:
        errors.add("review_on", "Give the day progress is reviewed.")
    elif counselled_on is not None and review_on <= counselled_on:
        errors.add("review_on", "The review comes after the counselling meeting.")
    return {**cleaned, "counselled_on": counselled_on, "review_on": review_on}


def plan_path(organization, plan: ImprovementPlan) -> str:
    """The plan's page, where every notice about it leads."""
    return org_reverse("cycles:plan_detail", organization, improvementplan_id=plan.public_id)


def _tell(plan: ImprovementPlan, title: str) -> None:
    person = plan.employee
    if person.user_id:
        url = plan_path(plan.organization, plan)
        notify(
            organization=plan.organization,
            message=Message(recipient_id=person.user_id, kind=Kind.IMPROVEMENT_PLAN, title=title, url=url),
        )


@transaction.atomic
def plan_create(
    *,
    actor,
    employee,
    membership,
    appraisal: Appraisal,
    counselled_on: datetime.date | None,
    areas: str,
    actions: str,
    support: str = "",
    review_on: datetime.date | None,
) -> ImprovementPlan:
    # The appraisal's row locked (of it only): two officers starting a plan at once make one.
    appraisal = (
        Appraisal.objects.select_for_update(of=("self",))
        .select_related("cycle_template", "employee", "organization")
        .get(pk=appraisal.pk)
    )
    if not may_lead(appraisal, employee=employee, membership=membership):
        raise PermissionDenied("Only HR or the appraising officer starts an improvement plan.")
    errors = FieldErrors()
    if ImprovementPlan.objects.filter(appraisal=appraisal).exists():
        errors.add("__all__", "This appraisal has its improvement plan already.")
    elif appraisal.state not in RESULT_STATES:
        errors.add("__all__", "The plan follows the feedback on the released result: this one is not released yet.")
    elif not is_below_standard(appraisal):
        errors.add("__all__", "Improvement plans are for results below standard.")
    values = _check_content(
        {
            "counselled_on": counselled_on,
            "areas": areas,
            "actions": actions,
            "support": support,
            "review_on": review_on,
        },
        errors,
    )
    errors.raise_if_any()
    plan = ImprovementPlan.objects.create(
        organization=appraisal.organization,
        appraisal=appraisal,
        employee=appraisal.employee,
        officer_id=appraisal.appraising_officer_id,
        created_by=actor,
        **values,
    )
    audit.record(
        organization=appraisal.organization,
        actor=actor,
        action="improvement_plan.created",
        obj=plan,
        summary=f"Improvement plan for {appraisal.employee.full_name}, review on {plan.review_on:%d %b %Y}",
    )
    _tell(plan, f"Your improvement plan: review on {plan.review_on:%d %b %Y}")
    return plan


def _locked_open(plan: ImprovementPlan) -> ImprovementPlan:
    plan = (
        ImprovementPlan.objects.select_for_update(of=("self",))
        .select_related("appraisal", "employee", "organization")
        .get(pk=plan.pk)
    )
    if not plan.is_open:
        raise ValidationError({"__all__": f"This plan is {plan.get_status_display().lower()}: it no longer changes."})
    return plan


@transaction.atomic
def plan_update(*, actor, employee, membership, plan: ImprovementPlan, **values) -> ImprovementPlan:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"plan_update() cannot change {', '.join(sorted(unknown))}")
    plan = _locked_open(plan)
    if not may_lead(plan.appraisal, employee=employee, membership=membership):
        raise PermissionDenied("Only HR or the appraising officer changes the plan.")
    before = audit.snapshot(plan, EDITABLE)
    errors = FieldErrors()
    cleaned = _check_content({**before, **values}, errors)
    errors.raise_if_any()
    for name, value in cleaned.items():
        setattr(plan, name, value)
    if plan.review_on != before["review_on"]:
        plan.review_reminded_on = None  # a new review date is reminded of in its turn
    plan.save(update_fields=[*EDITABLE, "review_reminded_on", "updated_at"])
    changes = audit.diff(plan, before, EDITABLE)
    if changes:
        audit.record(
            organization=plan.organization,
            actor=actor,
            action="improvement_plan.changed",
            obj=plan,
            summary=f"Improvement plan for {plan.employee.full_name} changed",
            changes=changes,
        )
    return plan


@transaction.atomic
def plan_acknowledge(*, actor, employee, membership, plan: ImprovementPlan, comment: str = "") -> ImprovementPlan:
    plan = _locked_open(plan)
    if not may_acknowledge(plan, employee=employee):
        raise PermissionDenied("Only the person the plan is for acknowledges it.")
    if plan.acknowledged_at is not None:
        raise ValidationError({"__all__": "You have acknowledged this plan already."})
    plan.employee_comment = (comment or "").strip()
    plan.acknowledged_at = timezone.now()
    plan.save(update_fields=["employee_comment", "acknowledged_at", "updated_at"])
    audit.record(
        organization=plan.organization,
        actor=actor,
        action="improvement_plan.acknowledged",
        obj=plan,
        summary=f"{plan.employee.full_name} acknowledged their improvement plan",
        changes={"comment": plan.employee_comment} if plan.employee_comment else {},
    )
    return plan


@transaction.atomic
def plan_close(*, actor, employee, membership, plan: ImprovementPlan, status: str, outcome: str) -> ImprovementPlan:
    plan = _locked_open(plan)
    if not may_lead(plan.appraisal, employee=employee, membership=membership):
        raise PermissionDenied("Only HR or the appraising officer closes the plan.")
    errors = FieldErrors()
    if status not in (PlanStatus.IMPROVED, PlanStatus.NOT_IMPROVED):
        errors.add("status", "Choose whether the person improved.")
    if not (outcome or "").strip():
        errors.add("outcome", "Say what the review found.")
    errors.raise_if_any()
    plan.status, plan.outcome, plan.closed_at = status, outcome.strip(), timezone.now()
    plan.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    audit.record(
        organization=plan.organization,
        actor=actor,
        action="improvement_plan.closed",
        obj=plan,
        summary=f"Improvement plan for {plan.employee.full_name}: {plan.get_status_display().lower()}",
        changes={"status": [PlanStatus.OPEN, status]},
    )
    _tell(plan, f"Your improvement plan is closed: {plan.get_status_display().split(': ')[-1]}")
    if status == PlanStatus.NOT_IMPROVED:
        _tell_hr(plan, actor)
    return plan


def _tell_hr(plan: ImprovementPlan, actor) -> None:
    """A plan that did not bring the improvement is HR's to take up: every HR admin is told
    (but the one who closed it)."""
    url = plan_path(plan.organization, plan)
    title = f"{plan.employee.full_name} did not improve under their plan: for HR to take up"
    notify_many(
        organization=plan.organization,
        messages=[
            Message(recipient_id=user_id, kind=Kind.IMPROVEMENT_PLAN, title=title, url=url)
            for user_id in hr_admin_user_ids(plan.organization)
            if user_id != actor.pk
        ],
    )


def due_reviews(today: datetime.date | None = None):
    """Open plans whose review date has come and whose leader has not been reminded of it."""
    today = today or timezone.localdate()
    return ImprovementPlan.objects.filter(status=PlanStatus.OPEN, review_on__lte=today, review_reminded_on__isnull=True)


@transaction.atomic
def review_reminders_send(organization, today: datetime.date | None = None) -> int:
    """Remind once whoever leads each plan due for review (the appraising officer; HR's admins
    when it has none); returns how many plans. Rows claimed with SKIP LOCKED, so two overlapping
    runs never remind twice."""
    today = today or timezone.localdate()
    plans = list(
        due_reviews(today)
        .select_for_update(of=("self",), skip_locked=True)
        .select_related("employee", "officer")
        .order_by("pk")
    )
    if not plans:
        return 0
    ImprovementPlan.objects.filter(pk__in=[plan.pk for plan in plans]).update(review_reminded_on=today)
    hr = None
    messages = []
    for plan in plans:
        if plan.officer is not None and plan.officer.user_id:
            recipients = [plan.officer.user_id]
        else:
            hr = hr if hr is not None else hr_admin_user_ids(organization)
            recipients = hr
        url = plan_path(organization, plan)
        title = f"Review {plan.employee.full_name}'s improvement plan: due {plan.review_on:%d %b %Y}"
        messages += [Message(recipient_id=r, kind=Kind.IMPROVEMENT_PLAN, title=title, url=url) for r in recipients]
    notify_many(organization=organization, messages=messages)
    return len(plans)
