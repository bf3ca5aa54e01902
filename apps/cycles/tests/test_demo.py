"""The demo's appraisal configuration: complete, ready for a cycle, and seeded only once."""

from django.core.management import call_command

from apps.cycles.demo import SCALE_NAME
from apps.cycles.models import AppraisalTemplate, Competency, CompetencyDescriptor, RatingScale, TemplateSection
from apps.cycles.services.templates import template_problems
from apps.tenancy.models import Organization
from apps.tenancy.scoping import platform_unscoped, tenant_scope


def _counts():
    with platform_unscoped():
        return [
            model.objects.count()
            for model in (RatingScale, AppraisalTemplate, TemplateSection, Competency, CompetencyDescriptor)
        ]


def test_seeding_twice_gives_one_ready_configuration_per_organisation(db):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first, "a second run must add nothing"

    for slug in ("acme", "globex"):
        organization = Organization.objects.get(slug=slug)
        with tenant_scope(organization):
            scale = RatingScale.objects.get()
            assert scale.name == SCALE_NAME
            assert [(level.label, level.name) for level in scale.levels.all()][::4] == [
                ("5", "Outstanding"),
                ("1", "Unsatisfactory"),
            ]
            assert all(level.descriptor for level in scale.levels.all())
            templates = {t.name: t for t in AppraisalTemplate.objects.prefetch_related("staff_classes")}
            assert set(templates) == {"Managers and professionals", "Front-line staff"}
            assert {sc.code for sc in templates["Managers and professionals"].staff_classes.all()} == {"SM", "MP"}
            assert {sc.code for sc in templates["Front-line staff"].staff_classes.all()} == {"FL"}


def test_the_demo_templates_are_ready_for_a_cycle(db):
    call_command("seed_demo")
    acme = Organization.objects.get(slug="acme")
    with tenant_scope(acme):
        managers = AppraisalTemplate.objects.get(name="Managers and professionals")
        front_line = AppraisalTemplate.objects.get(name="Front-line staff")
        assert template_problems(managers) == []
        assert template_problems(front_line) == []

        weights = {s.kind: s.weight for s in managers.sections.all() if s.is_scored}
        assert weights == {"work_targets": 60, "competencies": 40}
        assert managers.sections.count() == 5 and front_line.sections.count() == 4
        competencies = Competency.objects.filter(section__template=managers)
        assert list(competencies.values_list("name", flat=True)) == [
            "Leadership",
            "Planning and organising",
            "Decision making",
            "Developing people",
        ]
        # Every competency has a descriptor at each of the five levels.
        for competency in Competency.objects.all():
            assert competency.descriptors.count() == 5
        assert Competency.objects.filter(section__template=front_line).count() == 3
