from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("todo")


template_list = template_create = template_detail = template_edit = section_create = section_edit = section_delete = (
    section_move
) = competency_create = competency_edit = competency_delete = _todo
