from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


my_tasks = _todo
