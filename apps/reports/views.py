from django.shortcuts import render

from apps.committees.selectors import current_announcements_for
from apps.goals import selectors as goal_selectors
from apps.goals.permissions import GoalActor
from apps.people.selectors import dashboard_figures, direct_reports_of
from apps.tenancy.permissions import is_hr_admin


def dashboard(request):
    """Each person's start page: who they are in the organisation, their targets and team,
    where the strategy stands, and for HR the organisation's headline figures."""
    employee = request.employee
    actor = GoalActor.for_request(request)
    period = goal_selectors.default_period(goal_selectors.periods_newest_first())
    context = {
        "employee": employee,
        "direct_reports": direct_reports_of(employee) if employee else [],
        "figures": dashboard_figures() if is_hr_admin(request.membership) else None,
        "goals": goal_selectors.dashboard_summary(actor, period),
        "announcements": current_announcements_for(employee if employee else None),
    }
    return render(request, "reports/dashboard.html", context)
