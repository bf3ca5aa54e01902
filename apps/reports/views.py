from django.shortcuts import render

from apps.people.selectors import dashboard_figures, direct_reports_of
from apps.tenancy.permissions import is_hr_admin


def dashboard(request):
    """Each person's start page: who they are in the organisation, their team, and for HR
    the organisation's headline figures."""
    employee = request.employee
    context = {
        "employee": employee,
        "direct_reports": direct_reports_of(employee) if employee else [],
        "figures": dashboard_figures() if is_hr_admin(request.membership) else None,
    }
    return render(request, "reports/dashboard.html", context)
