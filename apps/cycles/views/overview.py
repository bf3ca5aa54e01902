from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


cycle_overview = cycle_release = _todo
