from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


appraisal_detail = planning_targets = midterm = appraisal_step = _todo
