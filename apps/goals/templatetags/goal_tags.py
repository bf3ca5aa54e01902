"""Presentation helpers for goals: percentages, status badges, progress bars, and the
check-in history drawn as server-rendered SVG (no chart library, no JavaScript).

    {% load goal_tags %}
    {{ goal.progress|pct }}
    {% goal_status_badge goal %}
    {% progress_bar goal.progress label="Progress" %}
    {% sparkline goal.checkins.all %}
    {% checkin_chart checkins goal=goal %}
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.timezone import localtime

from ..models import GoalLevel, GoalStatus

register = template.Library()

STATUS_BADGE_CLASSES = {
    GoalStatus.DRAFT: "badge badge--warn",
    GoalStatus.ACTIVE: "badge",
    GoalStatus.ACHIEVED: "badge badge--ok",
    GoalStatus.MISSED: "badge badge--danger",
    GoalStatus.DROPPED: "badge badge--muted",
}


_TENTH = Decimal("0.1")


def _clamp(value) -> Decimal:
    value = Decimal(value or 0)
    return max(Decimal("0"), min(Decimal("100"), value))


def _plain(value: Decimal) -> str:
    """45.50 → "45.5", 100.00 → "100": no trailing zeros, never scientific notation."""
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "") else text


@register.filter
def pct(value) -> str:
    """A percentage for people, to one decimal at most: "45.5%", "48.2%" for a rolled-up
    48.16, "100%"; a dash when there is none. The stored value keeps its two decimals."""
    if value is None or value == "":
        return "—"
    return f"{_plain(Decimal(value).quantize(_TENTH, rounding=ROUND_HALF_UP))}%"


@register.filter
def number(value) -> str:
    """A decimal without trailing zeros (indicator values), or a dash."""
    if value is None or value == "":
        return "—"
    return _plain(Decimal(value))


@register.filter
def ago(moment) -> str:
    """ "3 days ago", or "just now" rather than "0 minutes ago"."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment, depth=1)} ago"


@register.simple_tag
def goal_status_label(goal) -> str:
    """A work target in draft is a proposal waiting for the manager's agreement: say so."""
    if goal.status == GoalStatus.DRAFT and goal.level == GoalLevel.INDIVIDUAL:
        return "Waiting for agreement"
    return goal.get_status_display()


@register.simple_tag
def goal_status_badge(goal):
    return format_html(
        '<span class="{}">{}</span>', STATUS_BADGE_CLASSES.get(goal.status, "badge"), goal_status_label(goal)
    )


@register.simple_tag
def progress_bar(value, label="Progress"):
    """An accessible progress bar: a progressbar role with its value, not just a coloured div."""
    value = _clamp(value)
    return format_html(
        '<div class="progress" role="progressbar" aria-label="{}" aria-valuemin="0" aria-valuemax="100" '
        'aria-valuenow="{}" aria-valuetext="{}"><div class="progress__bar" style="width: {}%"></div></div>',
        label,
        _plain(value),
        pct(value),
        _plain(value),
    )


# --- Charts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """The drawing area in SVG user units; the SVG scales to its container's width."""

    width: int
    height: int
    left: int = 0
    right: int = 0
    top: int = 0
    bottom: int = 0

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def baseline(self) -> float:
        return self.height - self.bottom

    def y(self, value) -> float:
        return round(self.top + (1 - float(_clamp(value)) / 100) * self.plot_height, 1)


def _xs(moments, box: Box) -> list[float]:
    """x positions by time, so gaps between check-ins show; evenly spaced when they all fall
    at the same moment; one point sits in the middle."""
    if len(moments) == 1:
        return [round(box.left + box.plot_width / 2, 1)]
    start, end = moments[0], moments[-1]
    span = (end - start).total_seconds()
    if span <= 0:
        step = box.plot_width / (len(moments) - 1)
        return [round(box.left + i * step, 1) for i in range(len(moments))]
    return [round(box.left + (m - start).total_seconds() / span * box.plot_width, 1) for m in moments]


def _coord(value: float) -> str:
    return f"{value:.1f}"


def _describe(checkins) -> str:
    first, last = checkins[0], checkins[-1]
    count = len(checkins)
    if count == 1:
        return f"One check-in, on {_day(first.created_at)}: progress {pct(first.progress_after)}."
    return (
        f"{count} check-ins from {_day(first.created_at)} to {_day(last.created_at)}. "
        f"Progress went from {pct(first.progress_after)} to {pct(last.progress_after)}."
    )


def _day(moment) -> str:
    return date_format(localtime(moment), "j M Y")


@register.inclusion_tag("goals/targets/_checkin_chart.html")
def checkin_chart(checkins, goal):
    """The progress after each check-in over time, as a line chart with a data table beside it
    for screen readers and for anyone who prefers the numbers."""
    checkins = list(checkins)
    box = Box(width=640, height=200, left=46, right=18, top=14, bottom=32)
    context = {"checkins": checkins, "goal": goal, "box": box, "chart_id": f"chart-{goal.public_id.hex[:12]}"}
    if not checkins:
        return context
    xs = _xs([c.created_at for c in checkins], box)
    # Coordinates go to the template as strings: a float there would be localised ("12,5").
    points = [
        {
            "x": _coord(x),
            "y": _coord(box.y(c.progress_after)),
            "checkin": c,
            "tooltip": f"{_day(c.created_at)}: {pct(c.progress_after)}",
        }
        for x, c in zip(xs, checkins, strict=True)
    ]
    line = " ".join(f"{p['x']},{p['y']}" for p in points)
    baseline = _coord(box.baseline)
    area = f"M{points[0]['x']},{baseline} L" + " L".join(f"{p['x']},{p['y']}" for p in points)
    area += f" L{points[-1]['x']},{baseline} Z"
    gridlines = [{"value": v, "y": _coord(box.y(v)), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)]
    context.update(
        points=points,
        line=line,
        area=area,
        gridlines=gridlines,
        description=_describe(checkins),
        first_label=_day(checkins[0].created_at),
        last_label=_day(checkins[-1].created_at) if len(checkins) > 1 else "",
        label_y=box.height - 10,
        right_edge=box.width - box.right,
    )
    return context


@register.simple_tag
def sparkline(checkins, label="Progress"):
    """A small line of the progress after each check-in, for cards; nothing below two points."""
    checkins = list(checkins)
    if len(checkins) < 2:
        return ""
    box = Box(width=120, height=28, left=2, right=2, top=3, bottom=3)
    xs = _xs([c.created_at for c in checkins], box)
    line = " ".join(f"{_coord(x)},{_coord(box.y(c.progress_after))}" for x, c in zip(xs, checkins, strict=True))
    last_x, last_y = _coord(xs[-1]), _coord(box.y(checkins[-1].progress_after))
    shown = checkins[-6:]
    lead = "the last six check-ins" if len(checkins) > len(shown) else "each check-in"
    summary = f"{label} at {lead}: {', '.join(pct(c.progress_after) for c in shown)}"
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}" '
        'focusable="false"><polyline points="{}" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/><circle cx="{}" cy="{}" r="2.5" fill="currentColor"/></svg>',
        box.width,
        box.height,
        box.width,
        box.height,
        summary,
        line,
        last_x,
        last_y,
    )


@register.simple_tag
def confidence_label(value) -> str:
    if value is None:
        return "—"
    return f"{value}/5"
