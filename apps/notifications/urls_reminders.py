"""A cycle's reminder pages, under the cycle's own addresses (/o/<slug>/cycles/<id>/reminders/)."""

from django.urls import path

from . import views_reminders as views

app_name = "reminders"

urlpatterns = [
    path("<uuid:cycle_id>/reminders/", views.reminder_rules, name="rules"),
    path("<uuid:cycle_id>/reminders/quiet-hours/", views.reminder_quiet_hours, name="quiet_hours"),
    path("<uuid:cycle_id>/reminders/log/", views.reminder_log, name="log"),
]
