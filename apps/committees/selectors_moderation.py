"""What a moderation session shows: the appraisals of the panel's scope in the cycle, the
distribution of their levels per unit and per appraising officer against the guideline, and
each officer's spread and leniency. Every figure is a GROUP BY in PostgreSQL, so the page runs
a fixed number of queries however many appraisals the scope holds."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db.models import Count, F, Sum

from apps.common.paging import detached, keyset_page
from apps.cycles.models import Appraisal, AppraisalState, Cycle, CycleTemplate
from apps.people.models import Employee, OrgUnit
from apps.people.selectors import unit_paths
from apps.people.services.tree import segment
from apps.tenancy import generations

from .models_moderation import ModerationAdjustment, ModerationGuideline, ModerationSession, SessionStatus
from .scope import WHOLE_ORGANISATION, covers_path, in_scope_q, scope_paths

# The appraisals a panel calibrates are the countersigned ones; those still with their
# countersigning officer are listed as not ready yet.
READY = AppraisalState.COUNTERSIGNED
NOT_READY = AppraisalState.WITH_COUNTERSIGNING
LISTED_STATES = (READY, NOT_READY)

# An officer whose mean score is this many scale points above (lenient) or below (severe) the
# mean of everyone else's appraisals is flagged, once they have rated enough people for a mean
# to say something.
LENIENCY_THRESHOLD = Decimal("0.50")
LENIENCY_MIN_APPRAISALS = 3
PAGE_SIZE = 25
OFFICERS_PAGE_SIZE = 25
SEGMENT = len(segment(0))  # characters of one level of a unit path
UNRATED = ""  # the level of an appraisal without one; shown as "No level"
_CENT = Decimal("0.01")
_ZERO = Decimal("0")


def session_for_page():
    return ModerationSession.objects.select_related("panel", "cycle", "opened_by", "closed_by").prefetch_related(
        "panel__units", "panel__members"
    )


def scope_appraisals(session: ModerationSession, states=LISTED_STATES):
    """The session's appraisals: its cycle's, in its panel's scope, in `states`."""
    return Appraisal.objects.filter(
        in_scope_q(scope_paths(session.panel), "employee__unit__path"), cycle_id=session.cycle_id, state__in=states
    )


def cycle_levels(cycle: Cycle) -> list[str]:
    """The level labels of the cycle's frozen scales, highest first (one query; templates of a
    cycle normally share a scale, and a label shared by two scales is listed once)."""
    ranked = {}
    for snapshot in CycleTemplate.objects.filter(cycle=cycle).values_list("snapshot", flat=True):
        for level in (snapshot or {}).get("scale", {}).get("levels", []):
            value = Decimal(level["value"])
            ranked[level["label"]] = max(value, ranked.get(level["label"], value))
    return sorted(ranked, key=lambda label: ranked[label], reverse=True)


@dataclass
class LevelCell:
    label: str
    count: int
    percent: Decimal
    guideline: Decimal | None = None
    index: int = 0

    @property
    def guideline_text(self) -> str:
        return "" if self.guideline is None else f"{self.guideline.normalize():f}"

    @property
    def difference(self) -> Decimal | None:
        return None if self.guideline is None else self.percent - self.guideline


@dataclass
class DistributionRow:
    """One row of "By unit": a unit with everything under it, or a unit's own staff only."""

    key: str
    name: str
    total: int = 0
    counts: dict = field(default_factory=dict)
    cells: list = field(default_factory=list)
    unit: OrgUnit | None = None
    own_staff: bool = False  # the focus unit's own people, not its sub-units


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _cells(counts: dict, total: int, levels: list[str]) -> list[LevelCell]:
    return [
        LevelCell(label, counts.get(label, 0), _percent(counts.get(label, 0), total), index=i)
        for i, label in enumerate(levels)
    ]


@dataclass
class Focus:
    """What the session page looks at: a unit of the panel's scope and its rows (the unit's own
    staff and each sub-unit with everything under it), or, for a scope of several units, those
    units. Drilling down a row makes it the focus, so a table never holds more rows than a unit
    has sub-units, however large the organisation."""

    unit: OrgUnit | None
    rows: list[OrgUnit]
    roots: list[OrgUnit]  # the scope's top units
    trail: list[OrgUnit]  # the focus's ancestors inside the scope, top first, for the breadcrumbs

    whole_organisation: bool = False  # the focus holds everyone: no unit filter needed

    @property
    def paths(self) -> list[str] | None:
        if self.whole_organisation:
            return WHOLE_ORGANISATION
        return [self.unit.path] if self.unit is not None else [row.path for row in self.rows]


def _scope_roots(session: ModerationSession) -> list[OrgUnit]:
    """The units the panel names, or the organisation's top units when it names none."""
    named = list(session.panel.units.all())
    if named:
        # A named unit inside another named one is already covered by it.
        return sorted(
            (u for u in named if not any(u.path != o.path and u.path.startswith(o.path) for o in named)),
            key=lambda u: u.path,
        )
    return list(OrgUnit.objects.filter(depth=0).order_by("path"))


def _names_every_top_unit(roots: list[OrgUnit]) -> bool:
    """Whether a panel naming `roots` covers the organisation (one query, only for such panels)."""
    if not roots or any(root.depth for root in roots):
        return False
    return not OrgUnit.objects.filter(depth=0).exclude(pk__in=[root.pk for root in roots]).exists()


def focus_of(session: ModerationSession, unit: OrgUnit | None = None) -> Focus:
    """The page's focus: `unit` (the caller checked it lies in scope), else the scope's single
    top unit, else the scope's top units side by side. Two queries."""
    roots = _scope_roots(session)
    whole = scope_paths(session.panel) is WHOLE_ORGANISATION or _names_every_top_unit(roots)
    if unit is None and len(roots) == 1:
        unit = roots[0]
    if unit is None:
        return Focus(unit=None, rows=roots, roots=roots, trail=[], whole_organisation=whole)
    above = [int(part) for part in unit.path.split("/") if part and int(part) != unit.pk]
    root_paths = [root.path for root in roots]
    trail = [u for u in OrgUnit.objects.filter(pk__in=above).order_by("path") if covers_path(root_paths, u.path)]
    children = list(OrgUnit.objects.filter(parent=unit).order_by("name", "path"))
    # An organisation's only top unit holds everyone: its figures need no join to the unit tree.
    whole = whole and len(roots) == 1 and unit.pk == roots[0].pk
    return Focus(unit=unit, rows=[unit, *children], roots=roots, trail=trail, whole_organisation=whole)


def _row_path_of(focus: Focus):
    """A function from an appraisee's unit path to the path of the focus row it counts in (None:
    outside every row)."""
    if focus.unit is not None:
        # The focus unit's path plus one segment: a sub-unit's path, or the focus's own for its staff.
        width = len(focus.unit.path) + SEGMENT
        return lambda path: path[:width]
    roots = [row.path for row in focus.rows]
    return lambda path: next((root for root in roots if path.startswith(root)), None)


def _by_unit(listed, focus: Focus, levels: list[str]) -> tuple[list[DistributionRow], dict]:
    """Level counts of the ready appraisals per row of the focus, and the count of the listed ones
    per state, from one aggregate grouped by the appraisee's unit (integers: cheaper to group than
    a prefix of each row's unit path), summed into the rows through the units' paths (cached)."""
    grouped = listed.values("employee__unit_id", "state", "overall_level").annotate(n=Count("pk")).order_by()
    paths, row_path_of = unit_paths(), _row_path_of(focus)
    units = {row.path: row for row in focus.rows}
    rows: dict = {}
    states: dict = {}
    for entry in grouped:
        states[entry["state"]] = states.get(entry["state"], 0) + entry["n"]
        if entry["state"] != READY:
            continue
        unit = units.get(row_path_of(paths.get(entry["employee__unit_id"], "")))
        if unit is None:  # a unit created since the page's units were read
            continue
        own = focus.unit is not None and unit.pk == focus.unit.pk
        row = rows.setdefault(
            unit.path, DistributionRow(key=str(unit.public_id), name=unit.name, unit=unit, own_staff=own)
        )
        row.total += entry["n"]
        level = entry["overall_level"] or UNRATED
        row.counts[level] = row.counts.get(level, 0) + entry["n"]
    for row in rows.values():
        row.cells = _cells(row.counts, row.total, levels)
    # The focus's own staff first, then its sub-units by name.
    return sorted(rows.values(), key=lambda r: (not r.own_staff, r.name.lower())), states


@dataclass
class OfficerRow:
    """An appraising officer in the focus: their level counts, and their mean score, spread and
    leniency (mean minus the mean of everyone else's scored appraisals) over the scored ones."""

    officer_id: int | None
    key: str
    name: str
    count: int
    scored: int
    mean: Decimal | None
    spread: Decimal | None
    leniency: Decimal | None
    flagged: bool
    counts: dict = field(default_factory=dict)
    cells: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.count


def _officers(ready) -> list[OfficerRow]:
    """Every appraising officer of the focus with their level counts, from one query grouped by
    officer and level (an officer's mean and spread are summed up from their levels' sums and
    sums of squares) and one for their names (grouping by the name columns would hash the whole
    staff table a second time): the flagged first, the most lenient or severe of them first,
    then everyone else by name."""
    grouped = (
        ready.values("appraising_officer_id", "overall_level")
        .annotate(
            n=Count("pk"),
            scored=Count("overall_score"),
            total=Sum("overall_score"),
            squares=Sum(F("overall_score") * F("overall_score")),
        )
        .order_by()
    )
    figures: dict = {}
    for entry in grouped:
        officer = figures.setdefault(
            entry["appraising_officer_id"], {"n": 0, "scored": 0, "total": _ZERO, "squares": _ZERO, "counts": {}}
        )
        officer["n"] += entry["n"]
        officer["scored"] += entry["scored"]
        officer["total"] += entry["total"] or _ZERO
        officer["squares"] += entry["squares"] or _ZERO
        officer["counts"][entry["overall_level"] or UNRATED] = entry["n"]
    ids = [officer_id for officer_id in figures if officer_id is not None]
    people = {
        person["pk"]: person
        for person in Employee.objects.filter(pk__in=ids).values("pk", "public_id", "first_name", "last_name")
    }
    all_n = sum(officer["scored"] for officer in figures.values())
    all_total = sum((officer["total"] for officer in figures.values()), _ZERO)
    rows = []
    for officer_id, officer in figures.items():
        person = people.get(officer_id)
        scored, total = officer["scored"], officer["total"]
        mean = (total / scored).quantize(_CENT) if scored else None
        rest_n = all_n - scored
        leniency = (total / scored - (all_total - total) / rest_n).quantize(_CENT) if scored and rest_n else None
        rows.append(
            OfficerRow(
                officer_id=officer_id,
                key=str(person["public_id"]) if person else "",
                name=f"{person['first_name']} {person['last_name']}".strip() if person else "No appraising officer",
                count=officer["n"],
                scored=scored,
                mean=mean,
                spread=_spread(scored, total, officer["squares"]),
                leniency=leniency,
                flagged=leniency is not None
                and scored >= LENIENCY_MIN_APPRAISALS
                and abs(leniency) >= LENIENCY_THRESHOLD,
                counts=officer["counts"],
            )
        )
    return sorted(rows, key=lambda r: (not r.flagged, -abs(r.leniency or 0) if r.flagged else 0, r.name.lower()))


def _spread(scored: int, total: Decimal, squares: Decimal) -> Decimal | None:
    """The population standard deviation of `scored` scores from their sum and sum of squares
    (PostgreSQL's STDDEV_POP over the same scores, to the cent)."""
    if not scored:
        return None
    variance = (squares - total * total / scored) / scored
    return max(variance, _ZERO).sqrt().quantize(_CENT)


def guideline_for(cycle: Cycle) -> ModerationGuideline | None:
    return ModerationGuideline.objects.filter(cycle=cycle).first()


def focus_appraisals(session: ModerationSession, focus: Focus, states=LISTED_STATES):
    """The session's appraisals in the focus, which lies inside the panel's scope: the focus's
    filter alone says both, and none at all when the focus holds the whole organisation (no
    join to the appraisees' units for the figures that do not group by them)."""
    return Appraisal.objects.filter(
        in_scope_q(focus.paths, "employee__unit__path"), cycle_id=session.cycle_id, state__in=states
    )


def distribution(session: ModerationSession, focus: Focus | None = None, *, officers_page=1) -> dict:
    """Everything the session page charts for its focus: levels per unit row and overall
    against the guideline, one page of appraising officers with their levels, spread and
    leniency, and how many appraisals are ready. A fixed number of queries."""
    focus = focus or focus_of(session)
    levels = cycle_levels(session.cycle)
    ready = focus_appraisals(session, focus, states=(READY,))
    by_unit, states = _by_unit(focus_appraisals(session, focus), focus, levels + [UNRATED])
    # Detached: the page is cached, and every officer's row would weigh in it.
    officers = detached(Paginator(_officers(ready), OFFICERS_PAGE_SIZE).get_page(officers_page))
    for row in officers.object_list:
        row.cells = _cells(row.counts, row.count, levels + [UNRATED])
    guideline = guideline_for(session.cycle)
    shares = {label: Decimal(str(value)) for label, value in (guideline.shares if guideline else {}).items()}

    ready_count = sum(row.total for row in by_unit)
    overall = []
    for index, label in enumerate(levels + [UNRATED]):
        count = sum(row.cells[index].count for row in by_unit)
        if label == UNRATED and not count:
            continue
        overall.append(LevelCell(label, count, _percent(count, ready_count), shares.get(label), index=index))
    return {
        "focus": focus,
        "levels": levels,
        "has_unrated": any(cell.label == UNRATED for cell in overall),
        "overall": overall,
        "by_unit": by_unit,
        "officers": list(officers.object_list),
        "officers_page": officers,
        "ready_count": ready_count,
        "not_ready_count": states.get(NOT_READY, 0),
        "listed_count": sum(states.values()),
        "guideline": guideline,
        "threshold": LENIENCY_THRESHOLD,
        "min_appraisals": LENIENCY_MIN_APPRAISALS,
    }


def unit_choices(focus: Focus) -> list[OrgUnit]:
    """The units the filter offers: the scope's top units, the way down to the focus and the
    focus's sub-units (the rest is one drill-down away), in tree order."""
    chosen = {u.pk: u for u in [*focus.roots, *focus.trail, *focus.rows]}
    return sorted(chosen.values(), key=lambda u: u.path)


def appraisal_page(session: ModerationSession, focus: Focus, *, officer=None, page=1, count=None):
    """One page of the session's appraisals in the focus (a unit with its sub-units), filtered
    by appraising officer; each row carries the session's adjustments of it (one query).
    `count`: how many there are, when the caller knows (no count query then)."""
    queryset = (
        focus_appraisals(session, focus)
        .select_related("employee", "employee__unit", "appraising_officer")
        .defer("version", "updated_at")  # not read here, and not part of the page's cache domains
        .order_by("employee__unit__path", "employee__last_name", "employee__first_name", "pk")
    )
    if officer is not None:
        queryset = queryset.filter(appraising_officer=officer)
    page = keyset_page(queryset, PAGE_SIZE, page, count=count)
    rows = page.object_list
    adjustments: dict = {}
    for adjustment in ModerationAdjustment.objects.filter(session=session, appraisal__in=[a.pk for a in rows]):
        adjustments.setdefault(adjustment.appraisal_id, []).append(adjustment)
    for appraisal in rows:
        appraisal.session_adjustments = adjustments.get(appraisal.pk, [])
    page.rows = rows
    return page


# What the session page reads: the appraisal rows (levels, scores, states, officers; never their
# children, version or edit stamp, so an appraisee's saves leave the page cached), people (names,
# units), committees (the panel, its sessions, adjustments, the guideline) and cycles (the scales).
PAGE_DOMAINS = (generations.APPRAISAL_STATES, "people", "committees", "cycles")


def _page_number(value) -> int:
    """A page asked for in the query string, as the number the paginator would read it as (so
    junk in the URL neither splits the cache nor reaches its keys)."""
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def session_page(session: ModerationSession, *, unit=None, officer=None, page=1, officers_page=1, figures=True):
    """What the session page shows for a unit (None: the scope's top) and officer filter: the
    focus and a page of its appraisals and, with `figures`, the distribution, chart and unit
    choices. Kept until any of PAGE_DOMAINS is written (generations.cached): the same for
    everyone the panel lets read the session, so the caller checks that first."""
    page, officers_page = _page_number(page), _page_number(officers_page)

    def read() -> dict:
        focus = focus_of(session, unit)
        shown = {"focus": focus}
        if figures:
            shown.update(distribution(session, focus, officers_page=officers_page))
            shown["chart"] = level_chart(shown["overall"])
            shown["units"] = unit_choices(focus)
        # Every listed appraisal of the focus is counted by the figures already.
        count = shown["listed_count"] if figures and officer is None else None
        shown["page"] = appraisal_page(session, focus, officer=officer, page=page, count=count)
        return shown

    key = (session.pk, unit.pk if unit else "", officer.pk if officer else "", page, officers_page, int(figures))
    return generations.cached("moderation-session", key, PAGE_DOMAINS, read)


def open_sessions(cycle: Cycle):
    return ModerationSession.objects.filter(cycle=cycle, status=SessionStatus.OPEN)


def sessions_holding_release(cycle: Cycle, releasable) -> list[dict]:
    """The open sessions of `cycle` whose scope holds any of the `releasable` appraisals, with
    the names of the units they cover: release waits until each panel closes its session.
    One query for the sessions with their units, one EXISTS per open session (a handful)."""
    holding = []
    for session in open_sessions(cycle).select_related("panel").prefetch_related("panel__units"):
        paths = scope_paths(session.panel)
        if releasable.filter(in_scope_q(paths, "employee__unit__path")).exists():
            units = [unit.name for unit in session.panel.units.all()]
            holding.append({"session": session, "panel": session.panel, "units": units})
    return holding


def adjustments_of(appraisal: Appraisal):
    """The moderation adjustments of an appraisal with their panel, oldest first."""
    return (
        ModerationAdjustment.objects.filter(appraisal=appraisal)
        .select_related("session__panel")
        .order_by("created_at", "pk")
    )


__all__ = [
    "adjustments_of",
    "appraisal_page",
    "cycle_levels",
    "distribution",
    "focus_of",
    "session_page",
    "sessions_holding_release",
    "unit_choices",
]


def level_chart(overall: list[LevelCell]) -> dict:
    """The geometry of the distribution chart (an SVG drawn on the server): one bar per level
    with its share of the ready appraisals, and a marker at the guideline's share."""
    width, height, left, top, bottom = 520, 220, 40, 12, 36
    plot = height - top - bottom
    highest = max([cell.percent for cell in overall] + [cell.guideline or 0 for cell in overall] + [Decimal("10")])
    ceiling = min(100, int((highest + 9) // 10 * 10))
    slot = (width - left - 8) / max(len(overall), 1)

    def y_of(percent) -> float:
        return round(top + plot - float(percent) / ceiling * plot, 1)

    bars = []
    for i, cell in enumerate(overall):
        x = round(left + i * slot + slot * 0.2, 1)
        bars.append(
            {
                "cell": cell,
                "x": x,
                "width": round(slot * 0.6, 1),
                "y": y_of(cell.percent),
                "height": round(top + plot - y_of(cell.percent), 1),
                "mid": round(x + slot * 0.3, 1),
                "guide_y": y_of(cell.guideline) if cell.guideline is not None else None,
                "guide_x1": round(x - slot * 0.1, 1),
                "guide_x2": round(x + slot * 0.7, 1),
            }
        )
    parts = []
    for cell in overall:
        label = cell.label or "no level"
        text = f"level {label}: {cell.count} ({cell.percent}%)"
        if cell.guideline is not None:
            text += f", guideline {cell.guideline_text}%"
        parts.append(text)
    return {
        "width": width,
        "height": height,
        "left": left,
        "base_y": top + plot,
        "right": width - 8,
        "label_y": height - 12,
        "grid": [{"y": y_of(p), "label": f"{p}%"} for p in range(0, ceiling + 1, max(ceiling // 4, 5))],
        "bars": bars,
        "description": "Share of the ready appraisals at each level: " + "; ".join(parts) + ".",
    }


def holding_message(holding: list[dict]) -> str:
    """Why a release waits, in words: which panel is calibrating which units."""
    parts = []
    for hold in holding:
        units = ", ".join(hold["units"]) if hold["units"] else "the whole organisation"
        parts.append(f"Moderation panel {hold['panel'].name} is still calibrating {units}")
    return (
        "; ".join(parts)
        + ". Results there are released once the panel closes its session; release another unit meanwhile."
    )
