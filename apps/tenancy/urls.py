from django.urls import path

from . import views

app_name = "tenancy"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.choose_organization, name="choose"),
]
