from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


goal_detail = goal_checkin = my_targets = employee_targets = _todo
