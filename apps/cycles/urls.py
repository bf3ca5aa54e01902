from django.urls import path

from .views import appraisal, appraisals, cycles, overview, phases, rating, scales, self_assessment, tasks, templates

app_name = "cycles"

# Object ids are public UUIDs named `<model_name>_id` (the cross-tenant test relies on it).
urlpatterns = [
    path("", cycles.cycle_list, name="cycle_list"),
    path("new/", cycles.cycle_create, name="cycle_create"),
    path("<uuid:cycle_id>/", cycles.cycle_detail, name="cycle_detail"),
    path("<uuid:cycle_id>/edit/", cycles.cycle_edit, name="cycle_edit"),
    path("<uuid:cycle_id>/phases/", cycles.cycle_phases, name="cycle_phases"),
    path("<uuid:cycle_id>/participants/", cycles.cycle_participants, name="cycle_participants"),
    path("<uuid:cycle_id>/launch/", cycles.cycle_launch, name="cycle_launch"),
    path("<uuid:cycle_id>/phases/advance/", phases.cycle_phase_advance, name="cycle_phase_advance"),
    path("<uuid:cycle_id>/phases/extend/", phases.cycle_phase_extend, name="cycle_phase_extend"),
    path("schedule/", phases.phase_schedule, name="phase_schedule"),
    path("<uuid:cycle_id>/progress/", cycles.cycle_progress, name="cycle_progress"),
    path("<uuid:cycle_id>/appraisals/", appraisals.appraisal_list, name="appraisal_list"),
    path("<uuid:cycle_id>/appraisals/reassign/", appraisals.officers_bulk_reassign, name="officers_bulk_reassign"),
    path("appraisals/<uuid:appraisal_id>/officers/", appraisals.officers_reassign, name="officers_reassign"),
    # The appraisal in the browser, screen by screen.
    path("tasks/", tasks.my_tasks, name="my_tasks"),
    path("<uuid:cycle_id>/overview/", overview.cycle_overview, name="cycle_overview"),
    path("<uuid:cycle_id>/release/", overview.cycle_release, name="cycle_release"),
    path("appraisals/<uuid:appraisal_id>/", appraisal.appraisal_detail, name="appraisal_detail"),
    path("appraisals/<uuid:appraisal_id>/history/", appraisal.appraisal_history, name="appraisal_history"),
    path("appraisals/<uuid:appraisal_id>/targets/", appraisal.planning_targets, name="planning_targets"),
    path("appraisals/<uuid:appraisal_id>/midterm/", appraisal.midterm, name="midterm"),
    path("appraisals/<uuid:appraisal_id>/step/", appraisal.appraisal_step, name="appraisal_step"),
    path("appraisals/<uuid:appraisal_id>/self-assessment/", self_assessment.self_assessment, name="self_assessment"),
    path("appraisals/<uuid:appraisal_id>/autosave/", self_assessment.autosave, name="autosave"),
    path("appraisals/<uuid:appraisal_id>/rating/", rating.rating, name="rating"),
    path("appraisals/<uuid:appraisal_id>/countersigning/", rating.countersigning, name="countersigning"),
    path("appraisals/<uuid:appraisal_id>/acknowledge/", rating.acknowledge, name="acknowledge"),
    path("scales/", scales.scale_list, name="scale_list"),
    path("scales/new/", scales.scale_create, name="scale_create"),
    path("scales/<uuid:ratingscale_id>/", scales.scale_edit, name="scale_edit"),
    path("templates/", templates.template_list, name="template_list"),
    path("templates/new/", templates.template_create, name="template_create"),
    path("templates/<uuid:appraisaltemplate_id>/", templates.template_detail, name="template_detail"),
    path("templates/<uuid:appraisaltemplate_id>/edit/", templates.template_edit, name="template_edit"),
    path("templates/<uuid:appraisaltemplate_id>/sections/new/", templates.section_create, name="section_create"),
    path("sections/<uuid:templatesection_id>/edit/", templates.section_edit, name="section_edit"),
    path("sections/<uuid:templatesection_id>/delete/", templates.section_delete, name="section_delete"),
    path("sections/<uuid:templatesection_id>/move/", templates.section_move, name="section_move"),
    path("sections/<uuid:templatesection_id>/competencies/new/", templates.competency_create, name="competency_create"),
    path("competencies/<uuid:competency_id>/edit/", templates.competency_edit, name="competency_edit"),
    path("competencies/<uuid:competency_id>/delete/", templates.competency_delete, name="competency_delete"),
]
