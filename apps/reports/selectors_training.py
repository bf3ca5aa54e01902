"""A cycle's training needs, rolled up for HR, the Performance Management Committee and the HR
support group, who plan the training: which competencies the appraising officers rated low,
where in the organisation, and what each person and their officer wrote about it.

Only appraisals the appraising officer has handed on count (with the countersigning officer,
countersigned, released or acknowledged): before that the ratings are drafts, and a
self-assessment is the appraisee's own until it is handed in.

A competency is one to develop when the officer rated it in the bottom band of the template's
frozen scale (cycles.scoring.scale_bands: the results page's "below standard" levels). A cycle
may assess with several templates, each with its own competencies and scale, so thresholds and
names are read per template and competencies are counted together by name, as HR plans
training by subject. Every read is a fixed number of queries whatever the number of appraisals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from apps.cycles.models import (
    Appraisal,
    AppraisalState,
    CompetencyRating,
    Cycle,
    CycleStatus,
    CycleTemplate,
    SectionKind,
    SectionResponse,
)
from apps.cycles.scoring import scale_bands
from apps.people.models import OrgUnit
from apps.people.selectors import unit_paths

# The officer has handed the ratings on: from here they count.
RATED_STATES = (
    AppraisalState.WITH_COUNTERSIGNING,
    AppraisalState.COUNTERSIGNED,
    AppraisalState.RELEASED,
    AppraisalState.ACKNOWLEDGED,
)


@dataclass
class Frozen:
    """What the cycle's frozen templates say: competency names by key, the highest rating that
    is still one to develop per template, and the keys of the training-needs sections."""

    names: dict = field(default_factory=dict)  # competency key → name
    thresholds: dict = field(default_factory=dict)  # cycle template id → highest value to develop
    levels: dict = field(default_factory=dict)  # cycle template id → the bottom levels' names
    training_keys: list = field(default_factory=list)

    def low(self) -> Q:
        """Competency ratings in their template's bottom band (a filter on CompetencyRating)."""
        parts = [
            Q(appraisal__cycle_template_id=ct_id, officer_rating__lte=threshold)
            for ct_id, threshold in self.thresholds.items()
        ]
        return reduce(or_, parts) if parts else Q(pk__in=[])

    def name_of(self, key: str) -> str:
        return self.names.get(key, "A competency no longer in the template")

    @property
    def bottom_level_names(self) -> list[str]:
        return sorted({name for names in self.levels.values() for name in names})


def frozen(cycle) -> Frozen:
    facts = Frozen()
    for ct_id, snapshot in CycleTemplate.objects.filter(cycle=cycle).values_list("pk", "snapshot"):
        _top, bottom = scale_bands(snapshot or {})
        if bottom:
            facts.thresholds[ct_id] = max(Decimal(level["value"]) for level in bottom)
            facts.levels[ct_id] = [_level_name(level) for level in bottom]
        for section in (snapshot or {}).get("sections", []):
            if section.get("kind") == SectionKind.TRAINING_NEEDS:
                facts.training_keys.append(section["key"])
            for competency in section.get("competencies", []):
                facts.names[competency["key"]] = competency["name"]
    return facts


def _level_name(level: dict) -> str:
    """ "2 (Fair)": the label people rate with, and its name when it has one."""
    return f"{level['label']} ({level['name']})" if level.get("name") else level["label"]


def rated_appraisals(cycle, unit: OrgUnit | None = None):
    appraisals = Appraisal.objects.filter(cycle=cycle, state__in=RATED_STATES)
    if unit is not None:
        appraisals = appraisals.filter(employee__unit__path__startswith=unit.path)
    return appraisals


def _needing(facts: Frozen):
    """An EXISTS of the appraisal's competencies to develop."""
    return Exists(CompetencyRating.objects.filter(facts.low(), appraisal_id=OuterRef("pk")))


def _share(part: int, whole: int) -> Decimal:
    """`part` of `whole` in percent, to a tenth."""
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal("0")


@dataclass
class CompetencyNeeds:
    name: str
    rated: int = 0
    to_develop: int = 0

    @property
    def percent(self) -> Decimal:
        return _share(self.to_develop, self.rated)


def by_competency(appraisals, facts: Frozen) -> list[CompetencyNeeds]:
    """Each competency (by name, across templates) with how many were rated and how many rated
    low: one query grouped by template and competency. The most needed first."""
    grouped = (
        CompetencyRating.objects.filter(appraisal__in=appraisals, officer_rating__isnull=False)
        .values("competency_key")
        .annotate(rated=Count("pk"), to_develop=Count("pk", filter=facts.low()))
        .order_by()
    )
    rows: dict[str, CompetencyNeeds] = {}
    for entry in grouped:
        name = facts.name_of(entry["competency_key"])
        row = rows.setdefault(name, CompetencyNeeds(name))
        row.rated += entry["rated"]
        row.to_develop += entry["to_develop"]
    return sorted(rows.values(), key=lambda row: (-row.to_develop, -row.percent, row.name.lower()))


@dataclass
class UnitNeeds:
    unit: OrgUnit
    own_staff: bool = False
    appraised: int = 0
    with_needs: int = 0

    @property
    def percent(self) -> Decimal:
        return _share(self.with_needs, self.appraised)


def by_unit(appraisals, facts: Frozen, unit: OrgUnit | None) -> list[UnitNeeds]:
    """People appraised and people with a competency to develop, per sub-unit of `unit` (each
    with its own sub-units; the unit's own staff in a row of their own) or, without a unit, of
    the organisation's top unit (per top unit when there are several): one query grouped by the
    appraisee's unit, summed up the tree through the units' paths (cached)."""
    if unit is None:
        roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("name"))
        # One top unit holds everyone: its sub-units say more than one row of the whole.
        unit = roots[0] if len(roots) == 1 else None
    if unit is None:
        rows = [UnitNeeds(u) for u in roots]
    else:
        rows = [UnitNeeds(unit, own_staff=True)] + [
            UnitNeeds(u) for u in OrgUnit.objects.filter(parent=unit).order_by("name")
        ]
    grouped = (
        appraisals.annotate(needing=_needing(facts))
        .values("employee__unit_id")
        .annotate(appraised=Count("pk"), with_needs=Count("pk", filter=Q(needing=True)))
        .order_by()
    )
    paths = unit_paths()
    for entry in grouped:
        path = paths.get(entry["employee__unit_id"], "")
        row = _row_for(rows, path)
        if row is not None:
            row.appraised += entry["appraised"]
            row.with_needs += entry["with_needs"]
    return [row for row in rows if row.appraised]


def _row_for(rows: list[UnitNeeds], path: str) -> UnitNeeds | None:
    """The row an appraisee of the unit at `path` counts in: the unit's own staff only at that
    very unit, a sub-unit's row for anything at or below it."""
    for row in rows:
        if row.own_staff:
            if path == row.unit.path:
                return row
        elif path.startswith(row.unit.path):
            return row
    return None


def stated_needs(appraisals, facts: Frozen):
    """The appraisals with something to plan for: a competency to develop, training needs the
    appraisee wrote, or the officer's recommendation or remarks on them. Each row carries
    `stated` (the appraisee's words) and `officer_view` (the officer's remarks on the section);
    in unit and name order."""
    section = SectionResponse.objects.filter(appraisal_id=OuterRef("pk"), section_key__in=facts.training_keys)
    # Which rows to list is decided by two EXISTS (semi-joins the planner runs once over the
    # rows); the texts are read for the page's rows only.
    worded = section.exclude(appraisee_text="", officer_text="")
    return (
        appraisals.filter(Q(_needing(facts)) | Q(Exists(worded)) | ~Q(training_recommendations=""))
        .annotate(
            stated=Coalesce(Subquery(section.values("appraisee_text")[:1]), Value(""), output_field=TextField()),
            officer_view=Coalesce(Subquery(section.values("officer_text")[:1]), Value(""), output_field=TextField()),
        )
        .select_related("employee", "employee__unit", "employee__position", "appraising_officer")
        .order_by("employee__unit__path", "employee__last_name", "employee__first_name", "pk")
    )


def attach_competencies(rows: list[Appraisal], facts: Frozen) -> None:
    """Each row's competencies to develop (`to_develop`, names), in one query for the rows."""
    found: dict[int, list[str]] = {}
    for appraisal_id, key in (
        CompetencyRating.objects.filter(facts.low(), appraisal_id__in=[row.pk for row in rows])
        .order_by("appraisal_id", "officer_rating", "competency_key")
        .values_list("appraisal_id", "competency_key")
    ):
        found.setdefault(appraisal_id, []).append(facts.name_of(key))
    for row in rows:
        row.to_develop = found.get(row.pk, [])


def summary(cycle, unit: OrgUnit | None) -> dict:
    """The report's figures for the cycle (in `unit` and its sub-units when given)."""
    facts = frozen(cycle)
    appraisals = rated_appraisals(cycle, unit)
    units = by_unit(appraisals, facts, unit)
    competencies = by_competency(appraisals, facts)
    return {
        "facts": facts,
        "appraisals": appraisals,
        "competencies": competencies,
        "units": units,
        "appraised": sum(row.appraised for row in units),
        "with_needs": sum(row.with_needs for row in units),
    }


def cycles_with_needs(limit: int = 3):
    """The launched cycles, newest first: those a training needs report can be read for."""
    return list(
        Cycle.objects.filter(status__in=(CycleStatus.ACTIVE, CycleStatus.CLOSED)).order_by("-launched_at", "-pk")[
            :limit
        ]
    )
