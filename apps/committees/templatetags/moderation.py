"""{% moderation_notes appraisal %}: the levels a moderation panel changed on an appraisal, with
the panel and its reason, for the appraisal's pages. Callers show it only where the person may
read the officer's level (the appraisee after release). {% level_cells row %}: a row of the
session page's distribution tables."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from apps.committees.selectors_moderation import adjustments_of

register = template.Library()


@register.inclusion_tag("committees/moderation/_notes.html")
def moderation_notes(appraisal):
    return {"adjustments": list(adjustments_of(appraisal))}


@register.inclusion_tag("committees/moderation/_panel_sessions.html", takes_context=True)
def moderation_panel_sessions(context, panel):
    """On a moderation panel's committee page: its sessions for those who may read them, and
    the way to open one for its chair and secretary."""
    from apps.committees.models_moderation import ModerationSession
    from apps.committees.permissions_moderation import Action, can, panel_roles

    request = context["request"]
    roles = panel_roles(panel, employee=getattr(request, "employee", None), membership=request.membership)
    can_view = can(roles, Action.VIEW)
    sessions = []
    if can_view:
        sessions = list(
            ModerationSession.objects.filter(panel=panel).select_related("cycle").order_by("status", "-opened_at")
        )
    return {
        "panel": panel,
        "sessions": sessions,
        "can_view": can_view,
        "can_run": can(roles, Action.RUN) and panel.is_active,
        "organization": context.get("organization"),
        "request": request,
    }


_BAR = '<span class="progress__bar level--{}" style="width: {}%" title="{}: {}"></span>'


@register.simple_tag
def level_cells(row, compact=False, has_unrated=False) -> str:
    """A row's level counts (a unit or an officer), as _level_cells.html drew them: the stacked bar
    (each level's share, its count in the title), then with `compact` the counts read out for
    screen readers, else a column per level; then the total. Built in Python: the session page
    draws some thirty such rows, which were a third of its template time."""
    cells = [cell for cell in row.cells if cell.count]
    bar = format_html_join("", _BAR, ((c.index, f"{c.percent:.1f}", c.label or "No level", c.count) for c in cells))
    html = format_html('<td><div class="progress progress--stacked" aria-hidden="true">{}</div>', bar)
    if compact:
        said = ", ".join(f"Level {cell.label or 'none'}: {cell.count}" for cell in cells)
        html += format_html('<span class="visually-hidden">{}</span></td>', said)
    else:
        html += mark_safe("</td>")
        html += format_html_join(
            "", '<td class="num">{}</td>', ((cell.count,) for cell in row.cells if cell.label or has_unrated)
        )
    return html + format_html('<td class="num">{}</td>', row.total)
