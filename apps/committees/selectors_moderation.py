"""What a moderation session shows: the appraisals of the panel's scope in the cycle, the
distribution of their levels per unit and per appraising officer against the guideline, and
each officer's spread and leniency. Every figure is a GROUP BY in PostgreSQL, so the page runs
a fixed number of queries however many appraisals the scope holds."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db.models import Count, StdDev, Sum

from apps.cycles.models import Appraisal, AppraisalState, Cycle, CycleTemplate

from .models_moderation import ModerationAdjustment, ModerationGuideline, ModerationSession, SessionStatus
from .scope import in_scope_q, scope_paths

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
UNRATED = ""  # the level of an appraisal without one; shown as "No level"
_CENT = Decimal("0.01")


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
    key: str
    name: str
    total: int = 0
    counts: dict = field(default_factory=dict)
    cells: list = field(default_factory=list)


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _rows(grouped, levels: list[str], key_field: str, name_of) -> list[DistributionRow]:
    """Level counts grouped by (key, level) → one row per key with a cell per level."""
    rows: dict = {}
    for entry in grouped:
        key = entry[key_field]
        row = rows.setdefault(key, DistributionRow(key=str(key or ""), name=name_of(entry)))
        row.total += entry["n"]
        row.counts[entry["overall_level"] or UNRATED] = entry["n"]
    for row in rows.values():
        row.cells = [
            LevelCell(label, row.counts.get(label, 0), _percent(row.counts.get(label, 0), row.total), index=i)
            for i, label in enumerate(levels)
        ]
    return sorted(rows.values(), key=lambda r: r.name.lower())


def _officer_name(entry) -> str:
    if entry["appraising_officer_id"] is None:
        return "No appraising officer"
    return f"{entry['appraising_officer__first_name']} {entry['appraising_officer__last_name']}".strip()


@dataclass
class OfficerStats:
    key: str
    name: str
    count: int
    mean: Decimal | None
    spread: Decimal | None
    leniency: Decimal | None
    flagged: bool


def _officer_stats(ready, levels_rows) -> list[OfficerStats]:
    grouped = list(
        ready.filter(overall_score__isnull=False)
        .values("appraising_officer_id", "appraising_officer__public_id")
        .annotate(n=Count("pk"), total=Sum("overall_score"), spread=StdDev("overall_score", sample=False))
    )
    names = {row.key: row.name for row in levels_rows}
    all_n = sum(entry["n"] for entry in grouped)
    all_total = sum((entry["total"] for entry in grouped), Decimal("0"))
    stats = []
    for entry in grouped:
        mean = entry["total"] / entry["n"]
        rest_n = all_n - entry["n"]
        leniency = (mean - (all_total - entry["total"]) / rest_n).quantize(_CENT) if rest_n else None
        key = str(entry["appraising_officer__public_id"] or "")
        stats.append(
            OfficerStats(
                key=key,
                name=names.get(key, "No appraising officer"),
                count=entry["n"],
                mean=mean.quantize(_CENT),
                spread=Decimal(str(entry["spread"])).quantize(_CENT) if entry["spread"] is not None else None,
                leniency=leniency,
                flagged=leniency is not None
                and entry["n"] >= LENIENCY_MIN_APPRAISALS
                and abs(leniency) >= LENIENCY_THRESHOLD,
            )
        )
    return sorted(stats, key=lambda s: s.name.lower())


def guideline_for(cycle: Cycle) -> ModerationGuideline | None:
    return ModerationGuideline.objects.filter(cycle=cycle).first()


def distribution(session: ModerationSession) -> dict:
    """Everything the session page charts: per unit, per officer, overall against the
    guideline, officers' spread and leniency, and how many appraisals are ready."""
    levels = cycle_levels(session.cycle)
    ready = scope_appraisals(session, states=(READY,))
    by_unit = _rows(
        ready.values("employee__unit__public_id", "employee__unit__name", "overall_level").annotate(n=Count("pk")),
        levels + [UNRATED],
        "employee__unit__public_id",
        lambda entry: entry["employee__unit__name"],
    )
    by_officer = _rows(
        ready.values(
            "appraising_officer_id",
            "appraising_officer__public_id",
            "appraising_officer__first_name",
            "appraising_officer__last_name",
            "overall_level",
        ).annotate(n=Count("pk")),
        levels + [UNRATED],
        "appraising_officer__public_id",
        _officer_name,
    )
    officers = _officer_stats(ready, by_officer)
    states = {entry["state"]: entry["n"] for entry in scope_appraisals(session).values("state").annotate(n=Count("pk"))}
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
        "levels": levels,
        "has_unrated": any(cell.label == UNRATED for cell in overall),
        "overall": overall,
        "by_unit": by_unit,
        "by_officer": by_officer,
        "officers": officers,
        "ready_count": ready_count,
        "not_ready_count": states.get(NOT_READY, 0),
        "guideline": guideline,
        "threshold": LENIENCY_THRESHOLD,
        "min_appraisals": LENIENCY_MIN_APPRAISALS,
    }


def appraisal_page(session: ModerationSession, *, unit=None, officer=None, page=1):
    """One page of the session's appraisals, filtered by unit (with its sub-units) and by
    appraising officer; each row carries the session's adjustments of it (one query)."""
    queryset = (
        scope_appraisals(session)
        .select_related("employee", "employee__unit", "appraising_officer")
        .order_by("employee__unit__path", "employee__last_name", "employee__first_name", "pk")
    )
    if unit is not None:
        queryset = queryset.filter(employee__unit__path__startswith=unit.path)
    if officer is not None:
        queryset = queryset.filter(appraising_officer=officer)
    page = Paginator(queryset, PAGE_SIZE).get_page(page)
    rows = list(page.object_list)
    adjustments: dict = {}
    for adjustment in ModerationAdjustment.objects.filter(session=session, appraisal__in=[a.pk for a in rows]):
        adjustments.setdefault(adjustment.appraisal_id, []).append(adjustment)
    for appraisal in rows:
        appraisal.session_adjustments = adjustments.get(appraisal.pk, [])
    page.rows = rows
    return page


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


__all__ = ["adjustments_of", "appraisal_page", "cycle_levels", "distribution", "sessions_holding_release"]


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
