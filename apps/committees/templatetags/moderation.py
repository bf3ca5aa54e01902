"""{% moderation_notes appraisal %}: the levels a moderation panel changed on an appraisal, with
the panel and its reason, for the appraisal's pages. Callers show it only where the person may
read the officer's level (the appraisee after release)."""

from django import template

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
