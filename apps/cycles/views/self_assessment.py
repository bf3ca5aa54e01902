from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


self_assessment = autosave = _todo
