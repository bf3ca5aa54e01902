from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


scale_list = scale_create = scale_edit = _todo
