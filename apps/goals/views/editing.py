from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


goal_create = goal_edit = goal_status = goal_agree = goal_propose = indicator_create = indicator_edit = _todo
