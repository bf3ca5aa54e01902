from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("count/", views.notification_count, name="count"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("settings/", views.preferences, name="preferences"),
    path("<uuid:notification_id>/", views.notification_open, name="open"),
    path("<uuid:notification_id>/read/", views.notification_read, name="read"),
]
