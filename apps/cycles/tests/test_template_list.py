from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cycles.models import SectionKind
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def _url(org, name, **kwargs):
    return reverse(f"cycles:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _complete_template(org, name, staff_class):
    template = factories.AppraisalTemplateFactory(organization=org, name=name)
    template.staff_classes.add(staff_class)
    factories.TemplateSectionFactory(
        organization=org, template=template, kind=SectionKind.WORK_TARGETS, weight=Decimal("60")
    )
    competencies = factories.TemplateSectionFactory(organization=org, template=template, weight=Decimal("40"))
    factories.CompetencyFactory(organization=org, section=competencies)
    return template


def test_the_list_has_an_empty_state_with_a_create_button(alice_client, org_a):
    html = alice_client.get(_url(org_a, "template_list")).content.decode()
    assert "No appraisal templates yet" in html
    assert _url(org_a, "template_create") in html


def test_the_list_shows_scale_assignment_sections_and_readiness(alice_client, org_a):
    with tenant_scope(org_a):
        managers = factories.StaffClassFactory(organization=org_a, name="Managers")
        ready = _complete_template(org_a, "Managers scheme", managers)
        grade = factories.GradeFactory(organization=org_a, code="S2")
        draft = factories.AppraisalTemplateFactory(organization=org_a, name="Support draft", is_active=False)
        draft.grades.add(grade)
    html = alice_client.get(_url(org_a, "template_list")).content.decode()
    assert ready.scale.name in html and "Managers" in html and "Grade S2" in html
    assert "Ready for a cycle" in html
    assert "Needs attention (1)" in html and "nothing would be scored" in html
    assert "Inactive" in html


def test_the_list_names_staff_classes_no_active_template_assesses(alice_client, org_a):
    with tenant_scope(org_a):
        covered = factories.StaffClassFactory(organization=org_a, name="Covered class")
        _complete_template(org_a, "Scheme", covered)
        factories.StaffClassFactory(organization=org_a, name="Forgotten class")
        partly = factories.StaffClassFactory(organization=org_a, name="Half class")
        named = factories.GradeFactory(organization=org_a, staff_class=partly, code="H1")
        factories.GradeFactory(organization=org_a, staff_class=partly, code="H2")
        graded = factories.AppraisalTemplateFactory(organization=org_a, name="By grade")
        graded.grades.add(named)
    response = alice_client.get(_url(org_a, "template_list"))
    gaps = {gap["staff_class"].name: gap for gap in response.context["unassessed"]}
    assert set(gaps) == {"Forgotten class", "Half class"}
    assert [g.code for g in gaps["Half class"]["missing_grades"]] == ["H2"]
    assert "Staff not covered by an active template" in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(alice_client, org_a):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(_url(org_a, "template_list")).status_code == 200
        return len(queries)

    with tenant_scope(org_a):
        _complete_template(org_a, "First", factories.StaffClassFactory(organization=org_a))
    count()  # the first request of a session does one-off work (session, caches)
    one = count()
    with tenant_scope(org_a):
        for n in range(4):
            template = _complete_template(org_a, f"More {n}", factories.StaffClassFactory(organization=org_a))
            template.grades.add(factories.GradeFactory(organization=org_a))
    assert count() == one


def test_members_may_not_see_templates(bob_client, org_a):
    assert bob_client.get(_url(org_a, "template_list")).status_code == 403
