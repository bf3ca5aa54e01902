from django.urls import path

from .views import imports

urlpatterns = [
    path("", imports.import_start, name="import_start"),
    path("sample/<slug:kind>.csv", imports.import_sample, name="import_sample"),
    path("<uuid:csvimport_id>/", imports.import_review, name="import_review"),
]
