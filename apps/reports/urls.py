from django.urls import path

from . import views_training

app_name = "reports"

urlpatterns = [
    path("cycles/<uuid:cycle_id>/training-needs/", views_training.training_needs, name="training_needs"),
    path("cycles/<uuid:cycle_id>/training-needs.csv", views_training.training_needs_csv, name="training_needs_csv"),
]
