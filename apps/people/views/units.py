# filled in by its use case
from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


unit_list = unit_create = unit_detail = unit_edit = _todo
