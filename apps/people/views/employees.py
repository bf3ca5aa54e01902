# filled in by its use case
from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


employee_list = employee_create = employee_detail = employee_edit = employee_deactivate = employee_reactivate = _todo
