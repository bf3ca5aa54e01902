# filled in by its use case
from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


position_list = position_create = position_edit = _todo
