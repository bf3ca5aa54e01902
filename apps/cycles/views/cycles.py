from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


cycle_list = cycle_create = cycle_detail = cycle_edit = cycle_phases = _todo
cycle_participants = cycle_launch = cycle_progress = _todo
