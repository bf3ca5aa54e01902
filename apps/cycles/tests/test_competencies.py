from decimal import Decimal

import pytest
from django.urls import reverse

from apps.cycles.forms_templates import CompetencyForm
from apps.cycles.models import Competency, CompetencyDescriptor, SectionKind
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def _url(org, name, **kwargs):
    return reverse(f"cycles:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def section(org_a):
    with tenant_scope(org_a):
        scale = factories.RatingScaleFactory(organization=org_a)
        for value, name in ((1, "Poor"), (2, "Good"), (3, "Excellent")):
            factories.ScaleLevelFactory(
                organization=org_a, scale=scale, value=Decimal(value), label=str(value), name=name
            )
        template = factories.AppraisalTemplateFactory(organization=org_a, scale=scale, name="Scheme")
        return factories.TemplateSectionFactory(organization=org_a, template=template, title="Core skills")


def _levels(org, section):
    with tenant_scope(org):
        return list(section.template.scale.levels.order_by("-value"))


def test_the_form_has_one_descriptor_per_level_highest_first(alice_client, org_a, section):
    response = alice_client.get(_url(org_a, "competency_create", templatesection_id=section.public_id))
    form = response.context["form"]
    assert [field.label for field in form.descriptor_fields()] == ["3 Excellent", "2 Good", "1 Poor"]
    html = response.content.decode()
    assert "Core skills" in html and "Scheme" in html  # breadcrumbs


def test_hr_adds_a_competency_with_its_descriptors(alice_client, org_a, section):
    top, middle, bottom = _levels(org_a, section)
    data = {
        "name": "Teamwork",
        "description": "Works with others",
        CompetencyForm.level_field(top): "Builds teams",
        CompetencyForm.level_field(bottom): "Works alone",
        CompetencyForm.level_field(middle): "",
    }
    response = alice_client.post(_url(org_a, "competency_create", templatesection_id=section.public_id), data)
    assert response.status_code == 302
    with tenant_scope(org_a):
        competency = Competency.objects.get(name="Teamwork")
        texts = {d.level.label: d.text for d in competency.descriptors.select_related("level")}
        assert texts == {"3": "Builds teams", "1": "Works alone"}


def test_editing_a_competency_changes_and_clears_descriptors(alice_client, org_a, section):
    top, _, bottom = _levels(org_a, section)
    with tenant_scope(org_a):
        competency = factories.CompetencyFactory(organization=org_a, section=section, name="Old")
        factories.CompetencyDescriptorFactory(organization=org_a, competency=competency, level=top, text="Was")
    url = _url(org_a, "competency_edit", competency_id=competency.public_id)
    assert alice_client.get(url).context["form"].initial[CompetencyForm.level_field(top)] == "Was"
    response = alice_client.post(
        url, {"name": "New", CompetencyForm.level_field(top): "", CompetencyForm.level_field(bottom): "Now"}
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        assert [(d.level_id, d.text) for d in CompetencyDescriptor.objects.all()] == [(bottom.pk, "Now")]


def test_a_competency_needs_a_name(alice_client, org_a, section):
    response = alice_client.post(_url(org_a, "competency_create", templatesection_id=section.public_id), {"name": ""})
    assert response.status_code == 200 and "name" in response.context["form"].errors


def test_competencies_only_go_into_a_competencies_section(alice_client, org_a, section):
    with tenant_scope(org_a):
        career = factories.TemplateSectionFactory(
            organization=org_a, template=section.template, kind=SectionKind.CAREER, weight=0
        )
    response = alice_client.post(
        _url(org_a, "competency_create", templatesection_id=career.public_id), {"name": "Misplaced"}
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        assert not Competency.objects.exists()


def test_deleting_a_competency_asks_first(alice_client, org_a, section):
    with tenant_scope(org_a):
        competency = factories.CompetencyFactory(organization=org_a, section=section, name="Gone")
    url = _url(org_a, "competency_delete", competency_id=competency.public_id)
    assert "Delete the competency “Gone”?" in alice_client.get(url).content.decode()
    assert alice_client.post(url, {"confirm": "1"}).status_code == 302
    with tenant_scope(org_a):
        assert not Competency.objects.exists()


def test_another_tenants_competency_is_404(charlie_client, org_b, org_a, section):
    with tenant_scope(org_a):
        competency = factories.CompetencyFactory(organization=org_a, section=section)
    for name in ("competency_edit", "competency_delete"):
        assert charlie_client.get(_url(org_b, name, competency_id=competency.public_id)).status_code == 404
    url = _url(org_b, "competency_create", templatesection_id=section.public_id)
    assert charlie_client.post(url, {"name": "X"}).status_code == 404
