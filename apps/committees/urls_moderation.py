from django.urls import path

from . import views_moderation as views

app_name = "moderation"

# Object ids are public UUIDs named `<model_name>_id` (the cross-tenant test relies on it).
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("panels/<uuid:committee_id>/open/", views.session_open, name="session_open"),
    path("sessions/<uuid:moderationsession_id>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:moderationsession_id>/close/", views.session_close, name="session_close"),
    path(
        "sessions/<uuid:moderationsession_id>/appraisals/<uuid:appraisal_id>/adjust/",
        views.appraisal_adjust,
        name="appraisal_adjust",
    ),
    path("cycles/<uuid:cycle_id>/guideline/", views.guideline_edit, name="guideline_edit"),
]
