from django.urls import path

from .views import comments, detail, files, lists, lodging, results

app_name = "appeals"

# Object ids are public UUIDs named `<model_name>_id` (the cross-tenant test relies on it).
urlpatterns = [
    path("", lodging.mine, name="mine"),
    path("board/", lists.queue, name="queue"),
    path("all/", lists.hr_list, name="hr_list"),
    path("lodge/<uuid:appraisal_id>/", lodging.lodge, name="lodge"),
    path("<uuid:appeal_id>/", detail.appeal_detail, name="appeal_detail"),
    path("<uuid:appeal_id>/step/", detail.appeal_step, name="appeal_step"),
    path("<uuid:appeal_id>/hearing/", detail.appeal_hearing, name="appeal_hearing"),
    path("<uuid:appeal_id>/decide/", detail.appeal_decide, name="appeal_decide"),
    path("<uuid:appeal_id>/notes/", detail.appeal_note, name="appeal_note"),
    path("<uuid:appeal_id>/close/", detail.appeal_close, name="appeal_close"),
    path("<uuid:appeal_id>/comments/request/", detail.appeal_request_comments, name="appeal_request_comments"),
    path("<uuid:appeal_id>/comments/", comments.appeal_comments, name="appeal_comments"),
    path("attachments/<uuid:appealattachment_id>/", files.attachment_download, name="attachment_download"),
    path("results/<uuid:cycle_id>/", results.results, name="cycle_results"),
]
