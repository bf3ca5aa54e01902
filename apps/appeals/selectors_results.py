"""A cycle's results: who is recognised (the top levels of the frozen scale), who is below
standard and flagged for counselling (the lowest levels), and which appeals are outstanding.

A cycle may assess with several templates, each with its own frozen scale, so the top and
bottom levels are read per template (cycles.scoring.scale_bands). Someone below standard whose
previous cycle's result was below standard too is flagged for escalation to HR. Four queries in
all, whatever the number of appraisals: the cycle's templates, one per list (appeals outstanding
included), and the scales of the earlier cycles the below-standard list points at.
"""

from functools import reduce
from operator import or_

from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, Subquery, Value

from apps.cycles.models import Appraisal, AppraisalState, CycleTemplate, ImprovementPlan, PlanStatus
from apps.cycles.scoring import bottom_labels, scale_bands

from .models import Appeal, AppealState

# Final results: countersigned (awaiting release), released or acknowledged.
FINAL = (AppraisalState.COUNTERSIGNED, AppraisalState.RELEASED, AppraisalState.ACKNOWLEDGED)


def band_labels(snapshot: dict) -> tuple[list[str], list[str]]:
    """The labels of the top and the bottom levels of a frozen scale (lowest first)."""
    return [level["label"] for level in reversed(scale_bands(snapshot)[0])], bottom_labels(snapshot)


def _by_levels(cycle, bands: dict[int, list[str]]):
    filters = [Q(cycle_template_id=ct_id, overall_level__in=labels) for ct_id, labels in bands.items() if labels]
    if not filters:
        return Appraisal.objects.none()
    outstanding = Appeal.objects.filter(appraisal_id=OuterRef("pk")).exclude(state=AppealState.CLOSED)
    return (
        Appraisal.objects.filter(cycle=cycle, state__in=FINAL)
        .filter(reduce(or_, filters))
        .select_related("employee__unit", "appraising_officer")
        .annotate(under_appeal=Exists(outstanding))
        .order_by("-overall_score", "employee__last_name", "employee__first_name", "pk")
    )


def cycle_results(cycle) -> dict:
    top, bottom = {}, {}
    for ct_id, snapshot in CycleTemplate.objects.filter(cycle=cycle).values_list("pk", "snapshot"):
        top[ct_id], bottom[ct_id] = band_labels(snapshot)
    recognition = list(_by_levels(cycle, top))
    plan = ImprovementPlan.objects.filter(appraisal_id=OuterRef("pk"))
    substandard = list(
        _with_previous_result(_by_levels(cycle, bottom), cycle)
        .annotate(
            plan_public_id=Subquery(plan.values("public_id")[:1]), plan_status=Subquery(plan.values("status")[:1])
        )
        .order_by("overall_score", "employee__last_name", "pk")
    )
    _mark_persisting(substandard)
    for appraisal in substandard:
        appraisal.plan_status_label = PlanStatus(appraisal.plan_status).label if appraisal.plan_status else ""
    outstanding = list(
        Appeal.objects.filter(appraisal__cycle=cycle)
        .exclude(state=AppealState.CLOSED)
        .select_related("appellant__unit", "board")
        .order_by("created_at", "pk")
    )
    top_labels = sorted({label for labels in top.values() for label in labels})
    bottom_labels = sorted({label for labels in bottom.values() for label in labels})
    return {
        "recognition": recognition,
        "substandard": substandard,
        "outstanding": outstanding,
        "top_labels": top_labels,
        "bottom_labels": bottom_labels,
        "persisting": [appraisal for appraisal in substandard if appraisal.persisting],
    }


def _with_previous_result(appraisals, cycle):
    """Each appraisal with its appraisee's result in the latest earlier cycle that has one
    (`previous_template_id`, `previous_level`; None when this is their first)."""
    if cycle.launched_at is None:
        return appraisals.annotate(
            previous_template_id=Value(None, output_field=IntegerField()),
            previous_level=Value(None, output_field=CharField()),
        )
    earlier = (
        Appraisal.objects.filter(
            employee_id=OuterRef("employee_id"), state__in=FINAL, cycle__launched_at__lt=cycle.launched_at
        )
        .exclude(cycle_id=cycle.pk)
        .order_by("-cycle__launched_at", "-pk")
    )
    return appraisals.annotate(
        previous_template_id=Subquery(earlier.values("cycle_template_id")[:1]),
        previous_level=Subquery(earlier.values("overall_level")[:1]),
    )


def _mark_persisting(substandard: list) -> None:
    """`persisting` on each below-standard appraisal whose appraisee was below standard in their
    previous cycle too (the bottom levels of that cycle's own frozen scale): the escalation to
    HR the system foresees when substandard performance persists. One query for the earlier
    templates' scales."""
    template_ids = {a.previous_template_id for a in substandard if a.previous_template_id}
    bottom = (
        {
            ct_id: band_labels(snapshot)[1]
            for ct_id, snapshot in CycleTemplate.objects.filter(pk__in=template_ids).values_list("pk", "snapshot")
        }
        if template_ids
        else {}
    )
    for appraisal in substandard:
        appraisal.persisting = appraisal.previous_level in bottom.get(appraisal.previous_template_id, ())
