# filled in by its use case
from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


import_start = import_sample = import_review = _todo
