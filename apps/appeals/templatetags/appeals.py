"""`{% appeal_panel appraisal %}`: on the appraisee's released report, the way to lodge an
appeal while the window is open (or that it has closed), and their appeals on it."""

from django import template

from ..models import Appeal
from ..services.lodging import appeal_window

register = template.Library()


@register.inclusion_tag("appeals/_appeal_panel.html", takes_context=True)
def appeal_panel(context, appraisal):
    request = context.get("request")
    employee = getattr(request, "employee", None)
    if employee is None or appraisal.employee_id != employee.pk:
        return {"show": False}
    window = appeal_window(appraisal)
    if window.closes_at is None:
        return {"show": False}
    appeals = list(Appeal.objects.filter(appraisal=appraisal).order_by("created_at", "pk"))
    return {"show": True, "appraisal": appraisal, "window": window, "appeals": appeals, "request": request}
