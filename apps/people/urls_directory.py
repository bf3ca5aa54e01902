from django.urls import path

from .views import employees, grades, org_chart, person_search, positions, units

# Object ids in these URLs are public UUIDs named `<model_name>_id`; the cross-tenant test
# finds every such pattern and tries it with another tenant's objects.
urlpatterns = [
    path("org-chart/", org_chart.org_chart, name="org_chart"),
    path("org-chart/<uuid:orgunit_id>/", org_chart.org_chart_unit, name="org_chart_unit"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<uuid:orgunit_id>/", units.unit_detail, name="unit_detail"),
    path("units/<uuid:orgunit_id>/edit/", units.unit_edit, name="unit_edit"),
    path("positions/", positions.position_list, name="position_list"),
    path("positions/new/", positions.position_create, name="position_create"),
    path("positions/<uuid:position_id>/edit/", positions.position_edit, name="position_edit"),
    path("grades/", grades.grade_list, name="grade_list"),
    path("grades/new/", grades.grade_create, name="grade_create"),
    path("grades/<uuid:grade_id>/edit/", grades.grade_edit, name="grade_edit"),
    path("staff-classes/new/", grades.staff_class_create, name="staff_class_create"),
    path("staff-classes/<uuid:staffclass_id>/edit/", grades.staff_class_edit, name="staff_class_edit"),
    path("employees/", employees.employee_list, name="employee_list"),
    path("employees/new/", employees.employee_create, name="employee_create"),
    path("employees/<uuid:employee_id>/", employees.employee_detail, name="employee_detail"),
    path("employees/<uuid:employee_id>/edit/", employees.employee_edit, name="employee_edit"),
    path("employees/<uuid:employee_id>/deactivate/", employees.employee_deactivate, name="employee_deactivate"),
    path("employees/<uuid:employee_id>/reactivate/", employees.employee_reactivate, name="employee_reactivate"),
    # The person picker's suggestions (any member: every form with a picker asks it).
    path("person-search/", person_search.person_search, name="person_search"),
]
