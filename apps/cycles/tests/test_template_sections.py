from decimal import Decimal

import pytest
from django.urls import reverse

from apps.cycles.models import SectionKind, TemplateSection
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def _url(org, name, **kwargs):
    return reverse(f"cycles:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def template(org_a):
    with tenant_scope(org_a):
        return factories.AppraisalTemplateFactory(organization=org_a, name="Scheme")


def _section_data(**overrides):
    data = {
        "kind": SectionKind.WORK_TARGETS,
        "title": "Work targets",
        "guidance": "Agree 3 to 5 targets.",
        "weight": "60",
        "appraisee_fills": "on",
        "officer_rates": "on",
        "countersigning_sees": "on",
        "targets_need_goal": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_hr_adds_a_section_at_the_end(alice_client, org_a, template):
    with tenant_scope(org_a):
        factories.TemplateSectionFactory(organization=org_a, template=template, order=1)
    response = alice_client.post(
        _url(org_a, "section_create", appraisaltemplate_id=template.public_id), _section_data()
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        section = TemplateSection.objects.get(title="Work targets")
        assert section.order == 2 and section.weight == Decimal("60") and section.targets_need_goal
        assert not section.appraisee_self_rates


def test_a_weight_on_a_written_section_is_refused_at_the_weight_field(alice_client, org_a, template):
    response = alice_client.post(
        _url(org_a, "section_create", appraisaltemplate_id=template.public_id),
        _section_data(kind=SectionKind.GENERAL_COMMENTS, title="Comments", weight="10"),
    )
    assert response.status_code == 200
    assert "carries no weight" in response.context["form"].errors["weight"][0]
    with tenant_scope(org_a):
        assert not TemplateSection.objects.exists()


def test_a_second_work_targets_section_is_refused_at_the_kind_field(alice_client, org_a, template):
    with tenant_scope(org_a):
        factories.TemplateSectionFactory(organization=org_a, template=template, kind=SectionKind.WORK_TARGETS)
    response = alice_client.post(
        _url(org_a, "section_create", appraisaltemplate_id=template.public_id), _section_data()
    )
    assert "already has a work-targets section" in response.context["form"].errors["kind"][0]


def test_an_empty_weight_means_none(alice_client, org_a, template):
    alice_client.post(
        _url(org_a, "section_create", appraisaltemplate_id=template.public_id),
        _section_data(kind=SectionKind.TRAINING_NEEDS, title="Training", weight=""),
    )
    with tenant_scope(org_a):
        assert TemplateSection.objects.get(title="Training").weight == 0


def test_hr_edits_a_section(alice_client, org_a, template):
    with tenant_scope(org_a):
        section = factories.TemplateSectionFactory(organization=org_a, template=template, title="Old")
    page = alice_client.get(_url(org_a, "section_edit", templatesection_id=section.public_id))
    assert page.context["form"].initial["title"] == "Old"
    assert "Templates" in page.content.decode() and "Scheme" in page.content.decode()
    response = alice_client.post(
        _url(org_a, "section_edit", templatesection_id=section.public_id),
        _section_data(kind=SectionKind.COMPETENCIES, title="New", weight="40", appraisee_self_rates="on"),
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        section.refresh_from_db()
        assert section.title == "New" and section.appraisee_self_rates


def test_sections_move_up_and_down(alice_client, org_a, template):
    with tenant_scope(org_a):
        first = factories.TemplateSectionFactory(organization=org_a, template=template, order=1, title="First")
        second = factories.TemplateSectionFactory(organization=org_a, template=template, order=2, title="Second")
    move = _url(org_a, "section_move", templatesection_id=second.public_id)
    assert alice_client.get(move).status_code == 405
    assert alice_client.post(move, {"up": "1"}).status_code == 302
    with tenant_scope(org_a):
        assert [s.title for s in template.sections.order_by("order")] == ["Second", "First"]
    alice_client.post(move, {"up": "0"})
    with tenant_scope(org_a):
        assert [s.title for s in template.sections.order_by("order")] == ["First", "Second"]
    assert first.pk


def test_deleting_a_section_asks_first_then_deletes(alice_client, org_a, template):
    with tenant_scope(org_a):
        section = factories.TemplateSectionFactory(organization=org_a, template=template, title="Doomed")
        factories.CompetencyFactory(organization=org_a, section=section)
    url = _url(org_a, "section_delete", templatesection_id=section.public_id)
    html = alice_client.get(url).content.decode()
    assert "Delete the section “Doomed”?" in html and "1 competency" in html
    with tenant_scope(org_a):
        assert TemplateSection.objects.filter(pk=section.pk).exists()
    response = alice_client.post(url, {"confirm": "1"})
    assert response["Location"] == _url(org_a, "template_detail", appraisaltemplate_id=template.public_id)
    with tenant_scope(org_a):
        assert not TemplateSection.objects.filter(pk=section.pk).exists()


def test_another_tenants_section_is_404(charlie_client, org_a, org_b, template):
    with tenant_scope(org_a):
        section = factories.TemplateSectionFactory(organization=org_a, template=template)
    for name in ("section_edit", "section_delete", "section_move"):
        assert charlie_client.post(_url(org_b, name, templatesection_id=section.public_id)).status_code == 404
