# filled in by its use case
from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


org_chart = org_chart_unit = _todo
