from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


period_list = period_close = _todo
