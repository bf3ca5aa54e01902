from django.urls import path

from .views import announcements, committees, issues, reports, training

app_name = "committees"

# Object ids are public UUIDs named `<model_name>_id` (the cross-tenant test relies on it).
urlpatterns = [
    path("", committees.committee_list, name="committee_list"),
    path("new/", committees.committee_create, name="committee_create"),
    path("<uuid:committee_id>/", committees.committee_detail, name="committee_detail"),
    path("<uuid:committee_id>/edit/", committees.committee_edit, name="committee_edit"),
    path("<uuid:committee_id>/members/", committees.member_add, name="member_add"),
    path("members/<uuid:committeemember_id>/", committees.member_edit, name="member_edit"),
    path("<uuid:committee_id>/access/", committees.access_change, name="access_change"),
    path("<uuid:committee_id>/reports/", reports.committee_reports, name="committee_reports"),
    path("<uuid:committee_id>/reports/new/", reports.report_create, name="report_create"),
    path("reports/<uuid:progressreport_id>/", reports.report_detail, name="report_detail"),
    path("reports/<uuid:progressreport_id>/submit/", reports.report_submit, name="report_submit"),
    path("issues/", issues.issue_list, name="issue_list"),
    path("<uuid:committee_id>/issues/new/", issues.issue_create, name="issue_create"),
    path("issues/<uuid:issue_id>/", issues.issue_edit, name="issue_edit"),
    path("<uuid:committee_id>/lessons/new/", issues.lesson_create, name="lesson_create"),
    path("training/", training.training_list, name="training_list"),
    path("training/new/", training.training_create, name="training_create"),
    path("training/<uuid:trainingsession_id>/", training.training_edit, name="training_edit"),
    path("announcements/", announcements.announcement_list, name="announcement_list"),
    path("announcements/new/", announcements.announcement_create, name="announcement_create"),
    path(
        "announcements/<uuid:announcement_id>/withdraw/",
        announcements.announcement_withdraw_view,
        name="announcement_withdraw",
    ),
]
