"""My appraisal tasks: what waits for the signed-in person across the active cycles, as
appraisee, appraising officer and countersigning officer, and for HR a panel per cycle."""

from django.shortcuts import render

from apps.tenancy.permissions import is_hr_admin

from ..selectors_tasks import my_tasks as tasks_for


def my_tasks(request):
    tasks = tasks_for(employee=request.employee, is_hr=is_hr_admin(request.membership))
    return render(request, "cycles/tasks/my_tasks.html", {"tasks": tasks})
