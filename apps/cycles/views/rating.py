from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


rating = countersigning = acknowledge = _todo
