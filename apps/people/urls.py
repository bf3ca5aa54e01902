from django.urls import include, path

app_name = "people"

# Split by use case: the directory (units, posts, grades, people, org chart) and the
# CSV import each keep their own URL module.
urlpatterns = [
    path("", include("apps.people.urls_directory")),
    path("import/", include("apps.people.urls_import")),
]
