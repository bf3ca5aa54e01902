"""Creating, editing and reading a template as a whole."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cycles.models import AppraisalTemplate, SectionKind
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def _url(org, name, **kwargs):
    return reverse(f"cycles:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def catalogue(org_a):
    with tenant_scope(org_a):
        scale = factories.RatingScaleFactory(organization=org_a, name="Five points")
        for value in (1, 2, 3, 4, 5):
            factories.ScaleLevelFactory(organization=org_a, scale=scale, value=Decimal(value), label=str(value))
        managers = factories.StaffClassFactory(organization=org_a, name="Managers")
        grade = factories.GradeFactory(organization=org_a, code="G9")
    return {"scale": scale, "managers": managers, "grade": grade}


def test_hr_creates_a_template_and_lands_on_its_page(alice_client, org_a, catalogue):
    response = alice_client.post(
        _url(org_a, "template_create"),
        {
            "name": "Managers scheme",
            "scale": catalogue["scale"].public_id,
            "staff_classes": [catalogue["managers"].public_id],
            "grades": [catalogue["grade"].public_id],
            "is_active": "on",
        },
    )
    with tenant_scope(org_a):
        template = AppraisalTemplate.objects.get(name="Managers scheme")
        assert list(template.staff_classes.all()) == [catalogue["managers"]]
        assert list(template.grades.all()) == [catalogue["grade"]]
        assert AuditEvent.objects.filter(action="template.created").exists()
    assert response.status_code == 302
    assert response["Location"] == _url(org_a, "template_detail", appraisaltemplate_id=template.public_id)


def test_the_form_offers_only_this_tenants_choices(alice_client, org_a, org_b, catalogue):
    with tenant_scope(org_b):
        foreign_scale = factories.RatingScaleFactory(organization=org_b, name="Foreign scale")
        factories.StaffClassFactory(organization=org_b, name="Foreign class")
    html = alice_client.get(_url(org_a, "template_create")).content.decode()
    assert "Five points" in html and "Managers" in html
    assert "Foreign" not in html
    response = alice_client.post(_url(org_a, "template_create"), {"name": "X", "scale": foreign_scale.public_id})
    assert response.status_code == 200 and "scale" in response.context["form"].errors


def test_a_class_taken_by_another_active_template_is_refused_at_its_field(alice_client, org_a, catalogue):
    with tenant_scope(org_a):
        other = factories.AppraisalTemplateFactory(organization=org_a, name="Existing", scale=catalogue["scale"])
        other.staff_classes.add(catalogue["managers"])
        template = factories.AppraisalTemplateFactory(organization=org_a, name="Second", scale=catalogue["scale"])
    response = alice_client.post(
        _url(org_a, "template_edit", appraisaltemplate_id=template.public_id),
        {
            "name": "Second",
            "scale": catalogue["scale"].public_id,
            "staff_classes": [catalogue["managers"].public_id],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "already assessed on “Existing”" in response.context["form"].errors["staff_classes"][0]


def test_the_template_form_asks_for_a_scale_first(alice_client, org_a):
    assert "Create a rating scale first" in alice_client.get(_url(org_a, "template_create")).content.decode()


def test_editing_shows_the_current_values(alice_client, org_a, catalogue):
    with tenant_scope(org_a):
        template = factories.AppraisalTemplateFactory(organization=org_a, name="Kept", scale=catalogue["scale"])
        template.staff_classes.add(catalogue["managers"])
    form = alice_client.get(_url(org_a, "template_edit", appraisaltemplate_id=template.public_id)).context["form"]
    assert form.initial["name"] == "Kept" and form.initial["staff_classes"] == [catalogue["managers"]]


def _full_template(org, scale, name="Scheme"):
    template = factories.AppraisalTemplateFactory(organization=org, scale=scale, name=name)
    factories.TemplateSectionFactory(
        organization=org,
        template=template,
        kind=SectionKind.WORK_TARGETS,
        title=f"{name} targets",
        weight=Decimal("70"),
    )
    competencies = factories.TemplateSectionFactory(
        organization=org, template=template, title=f"{name} skills", weight=Decimal("20")
    )
    competency = factories.CompetencyFactory(organization=org, section=competencies, name=f"{name} leadership")
    for level in scale.levels.all():
        factories.CompetencyDescriptorFactory(
            organization=org, competency=competency, level=level, text=f"At {level.label}"
        )
    factories.TemplateSectionFactory(
        organization=org, template=template, kind=SectionKind.CAREER, weight=0, title="Career"
    )
    return template


def test_the_detail_page_shows_sections_grid_weights_and_problems(alice_client, org_a, catalogue):
    with tenant_scope(org_a):
        template = _full_template(org_a, catalogue["scale"])
    response = alice_client.get(_url(org_a, "template_detail", appraisaltemplate_id=template.public_id))
    html = response.content.decode()
    assert 'role="alert"' in html and "add up to 90%, not 100%" in html
    assert "Scheme targets" in html and "Targets must serve a goal" in html and "AO rates" in html
    assert "Scheme leadership" in html
    assert html.index("At 5") < html.index("At 1")  # the grid runs from the highest level down
    assert response.context["weight_total"] == Decimal("90") and not response.context["weights_ok"]


def test_a_complete_template_is_ready_for_a_cycle(alice_client, org_a, catalogue):
    with tenant_scope(org_a):
        template = _full_template(org_a, catalogue["scale"])
        template.sections.filter(kind=SectionKind.WORK_TARGETS).update(weight=Decimal("80"))
        template.staff_classes.add(catalogue["managers"])
    html = alice_client.get(_url(org_a, "template_detail", appraisaltemplate_id=template.public_id)).content.decode()
    assert "Ready for a cycle" in html and 'role="alert"' not in html


def test_the_detail_page_runs_a_fixed_number_of_queries(alice_client, org_a, catalogue):
    with tenant_scope(org_a):
        small = factories.AppraisalTemplateFactory(organization=org_a, scale=catalogue["scale"], name="Small")
        only = factories.TemplateSectionFactory(organization=org_a, template=small, title="Only")
        factories.CompetencyFactory(organization=org_a, section=only)
        big = _full_template(org_a, catalogue["scale"], name="Big")
        more = factories.TemplateSectionFactory(organization=org_a, template=big, weight=Decimal("10"))
        for _ in range(3):
            competency = factories.CompetencyFactory(organization=org_a, section=more)
            factories.CompetencyDescriptorFactory(
                organization=org_a, competency=competency, level=catalogue["scale"].levels.first()
            )
        big.grades.add(catalogue["grade"])

    def count(template):
        with CaptureQueriesContext(connection) as queries:
            url = _url(org_a, "template_detail", appraisaltemplate_id=template.public_id)
            assert alice_client.get(url).status_code == 200
        return len(queries)

    count(small)  # the first request of a session does one-off work (session, caches)
    assert count(small) == count(big)


def test_the_detail_page_of_an_empty_template_invites_a_first_section(alice_client, org_a, catalogue):
    with tenant_scope(org_a):
        template = factories.AppraisalTemplateFactory(organization=org_a, scale=catalogue["scale"])
    html = alice_client.get(_url(org_a, "template_detail", appraisaltemplate_id=template.public_id)).content.decode()
    assert "No sections yet" in html and "Add the first section" in html


def test_members_get_403_on_every_template_page(bob_client, org_a, catalogue):
    with tenant_scope(org_a):
        template = _full_template(org_a, catalogue["scale"])
        section = template.sections.first()
        competency = factories.CompetencyFactory(organization=org_a, section=section)
    urls = [
        _url(org_a, "template_create"),
        _url(org_a, "template_detail", appraisaltemplate_id=template.public_id),
        _url(org_a, "template_edit", appraisaltemplate_id=template.public_id),
        _url(org_a, "section_create", appraisaltemplate_id=template.public_id),
        _url(org_a, "section_edit", templatesection_id=section.public_id),
        _url(org_a, "section_delete", templatesection_id=section.public_id),
        _url(org_a, "competency_create", templatesection_id=section.public_id),
        _url(org_a, "competency_edit", competency_id=competency.public_id),
        _url(org_a, "competency_delete", competency_id=competency.public_id),
    ]
    for url in urls:
        assert bob_client.get(url).status_code == 403, url
        assert bob_client.post(url, {"confirm": "1"}).status_code == 403, url
    move = _url(org_a, "section_move", templatesection_id=section.public_id)
    assert bob_client.post(move, {"up": "1"}).status_code == 403
