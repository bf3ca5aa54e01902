from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


appraisal_list = officers_bulk_reassign = officers_reassign = _todo
