from django.urls import path

from .views import cascade, editing, periods, targets

app_name = "goals"

# Object ids are public UUIDs named `<model_name>_id` (the cross-tenant test relies on it).
urlpatterns = [
    path("", cascade.cascade, name="cascade"),
    path("nodes/<uuid:goal_id>/children/", cascade.cascade_children, name="cascade_children"),
    path("units/<uuid:orgunit_id>/", cascade.unit_goals, name="unit_goals"),
    path("gaps/", cascade.alignment_gaps, name="alignment_gaps"),
    path("new/", editing.goal_create, name="goal_create"),
    path("<uuid:goal_id>/edit/", editing.goal_edit, name="goal_edit"),
    path("<uuid:goal_id>/status/", editing.goal_status, name="goal_status"),
    path("<uuid:goal_id>/agree/", editing.goal_agree, name="goal_agree"),
    path("<uuid:goal_id>/propose/", editing.goal_propose, name="goal_propose"),
    path("<uuid:goal_id>/indicators/new/", editing.indicator_create, name="indicator_create"),
    path("indicators/<uuid:keyindicator_id>/edit/", editing.indicator_edit, name="indicator_edit"),
    path("<uuid:goal_id>/", targets.goal_detail, name="goal_detail"),
    path("<uuid:goal_id>/check-in/", targets.goal_checkin, name="goal_checkin"),
    path("mine/", targets.my_targets, name="my_targets"),
    path("people/<uuid:employee_id>/", targets.employee_targets, name="employee_targets"),
    path("periods/", periods.period_list, name="period_list"),
    path("periods/<uuid:goalperiod_id>/close/", periods.period_close, name="period_close"),
]
