"""A cycle's results: who is recognised (the top levels of the frozen scale), who is below
standard and flagged for counselling (the lowest levels), and which appeals are outstanding.

A cycle may assess with several templates, each with its own frozen scale, so the top and
bottom levels are read per template (cycles.scoring.scale_bands). Three queries in all, whatever the
number of appraisals: the cycle's templates, then one per list (appeals outstanding included).
"""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q

from apps.cycles.models import Appraisal, AppraisalState, CycleTemplate
from apps.cycles.scoring import scale_bands

from .models import Appeal, AppealState

# Final results: countersigned (awaiting release), released or acknowledged.
FINAL = (AppraisalState.COUNTERSIGNED, AppraisalState.RELEASED, AppraisalState.ACKNOWLEDGED)


def band_labels(snapshot: dict) -> tuple[list[str], list[str]]:
    """The labels of the top and the bottom levels of a frozen scale (lowest first)."""
    top, bottom = scale_bands(snapshot)
    return [level["label"] for level in reversed(top)], [level["label"] for level in reversed(bottom)]


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
    substandard = list(_by_levels(cycle, bottom).order_by("overall_score", "employee__last_name", "pk"))
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
    }
