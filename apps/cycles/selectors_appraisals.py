"""Reads of a cycle's appraisal list and of one appraisal's officers, with the joins and the
annotation that keep each page at a fixed number of queries whatever the number of rows."""

from django.db.models import Count, Q, QuerySet

from .models import Appraisal, AppraisalEvent, AppraisalState, Cycle


def appraisals_for_list(
    cycle: Cycle, *, search: str = "", unit=None, state: str = "", officer: str = "", without_officer: bool = False
) -> QuerySet[Appraisal]:
    """The cycle's appraisals with everything a row shows, filtered.

    `unit` includes its sub-units (a path prefix). `search` matches every word against the
    appraisee's name and staff number; `officer` does the same against the appraising officer.
    """
    queryset = (
        Appraisal.objects.filter(cycle=cycle)
        .select_related("employee__unit", "cycle_template__template", "appraising_officer", "countersigning_officer")
        .annotate(target_count=Count("targets"))
    )
    for word in search.split():
        queryset = queryset.filter(
            Q(employee__first_name__icontains=word)
            | Q(employee__last_name__icontains=word)
            | Q(employee__staff_number__icontains=word)
        )
    for word in officer.split():
        queryset = queryset.filter(
            Q(appraising_officer__first_name__icontains=word)
            | Q(appraising_officer__last_name__icontains=word)
            | Q(appraising_officer__staff_number__icontains=word)
        )
    if unit is not None:
        queryset = queryset.filter(employee__unit__path__startswith=unit.path)
    if state:
        queryset = queryset.filter(state=state)
    if without_officer:
        queryset = queryset.filter(appraising_officer__isnull=True)
    return queryset.order_by("employee__last_name", "employee__first_name", "pk")


def state_counts(cycle: Cycle) -> dict:
    """How many of the cycle's appraisals are in each state, in one aggregate query:
    {"total": n, "states": [(value, label, count), ...], "without_officer": n}."""
    aggregates = {value: Count("pk", filter=Q(state=value)) for value in AppraisalState.values}
    aggregates["total"] = Count("pk")
    aggregates["without_officer"] = Count("pk", filter=Q(appraising_officer__isnull=True))
    row = Appraisal.objects.filter(cycle=cycle).aggregate(**aggregates)
    return {
        "total": row["total"],
        "without_officer": row["without_officer"],
        "states": [(value, label, row[value]) for value, label in AppraisalState.choices],
    }


def appraisal_for_officers(queryset=None) -> QuerySet[Appraisal]:
    """One appraisal with its officers and the appraisee's reporting lines, enough to show
    the current officers and the defaults the reporting lines give, without a query each."""
    queryset = queryset if queryset is not None else Appraisal.objects.all()
    return queryset.select_related(
        "cycle",
        "cycle_template__template",
        "employee__unit",
        "employee__manager__manager",
        "employee__appraising_officer_override__manager",
        "employee__countersigning_officer_override",
        "appraising_officer",
        "countersigning_officer",
    )


def events_newest_first(appraisal: Appraisal) -> QuerySet[AppraisalEvent]:
    return AppraisalEvent.objects.filter(appraisal=appraisal).select_related("actor").order_by("-created_at", "-pk")
