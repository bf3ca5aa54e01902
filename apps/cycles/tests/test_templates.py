from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.cycles.models import SectionKind
from apps.cycles.services.freeze import template_snapshot
from apps.cycles.services.templates import competency_save, section_save, template_for, template_problems, template_save
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def hr(alice, org_a):
    return alice, Membership.objects.get(user=alice, organization=org_a)


@pytest.fixture
def scale(org_a):
    scale = factories.RatingScaleFactory(organization=org_a)
    for value in (1, 2, 3):
        factories.ScaleLevelFactory(organization=org_a, scale=scale, value=Decimal(value))
    return scale


def test_a_complete_template_has_no_problems_and_freezes(hr, org_a, scale):
    user, membership = hr
    staff_class = factories.StaffClassFactory(organization=org_a)
    with tenant_scope(org_a):
        template = template_save(
            actor=user, membership=membership, name="Managers", scale=scale, staff_classes=[staff_class]
        )
        assert template_problems(template) == [
            "Add a work-targets or competencies section: nothing would be scored.",
        ]
        section_save(
            actor=user,
            membership=membership,
            template=template,
            kind=SectionKind.WORK_TARGETS,
            title="Targets",
            weight=Decimal("60"),
        )
        competencies = section_save(
            actor=user,
            membership=membership,
            template=template,
            kind=SectionKind.COMPETENCIES,
            title="Competencies",
            weight=Decimal("40"),
        )
        level = scale.levels.first()
        competency_save(
            actor=user, membership=membership, section=competencies, name="Leadership", descriptors={level: "Inspires"}
        )
        assert template_problems(template) == []
        snapshot = template_snapshot(template)
        assert [s["kind"] for s in snapshot["sections"]] == ["work_targets", "competencies"]
        assert snapshot["sections"][1]["competencies"][0]["descriptors"] == {str(level.value): "Inspires"}
        assert len(snapshot["scale"]["levels"]) == 3
        assert snapshot["template"]["appraisee_sees_countersigning"] is True
        template = template_save(
            actor=user,
            membership=membership,
            template=template,
            name="Managers",
            scale=scale,
            staff_classes=[staff_class],
            appraisee_sees_countersigning=False,
        )
        assert template_snapshot(template)["template"]["appraisee_sees_countersigning"] is False


def test_section_rules_are_checked_at_the_field(hr, org_a, scale):
    user, membership = hr
    with tenant_scope(org_a):
        template = template_save(actor=user, membership=membership, name="Staff", scale=scale)
        with pytest.raises(ValidationError) as error:
            section_save(
                actor=user,
                membership=membership,
                template=template,
                kind=SectionKind.CAREER,
                title="Career",
                weight=Decimal("10"),
            )
        assert "weight" in error.value.message_dict
        section_save(
            actor=user,
            membership=membership,
            template=template,
            kind=SectionKind.WORK_TARGETS,
            title="T",
            weight=Decimal("100"),
        )
        with pytest.raises(ValidationError) as error:
            section_save(
                actor=user,
                membership=membership,
                template=template,
                kind=SectionKind.WORK_TARGETS,
                title="T2",
                weight=Decimal("0"),
            )
        assert "kind" in error.value.message_dict


def test_a_staff_class_is_assessed_by_one_active_template(hr, org_a, scale):
    user, membership = hr
    staff_class = factories.StaffClassFactory(organization=org_a)
    with tenant_scope(org_a):
        template_save(actor=user, membership=membership, name="First", scale=scale, staff_classes=[staff_class])
        with pytest.raises(ValidationError) as error:
            template_save(actor=user, membership=membership, name="Second", scale=scale, staff_classes=[staff_class])
        assert "staff_classes" in error.value.message_dict


def test_a_grade_template_wins_over_the_staff_class_template(hr, org_a, unit_a, scale):
    user, membership = hr
    grade = factories.GradeFactory(organization=org_a)
    employee = factories.EmployeeFactory(organization=org_a, unit=unit_a, grade=grade)
    with tenant_scope(org_a):
        by_class = template_save(
            actor=user, membership=membership, name="Class", scale=scale, staff_classes=[grade.staff_class]
        )
        by_grade = template_save(actor=user, membership=membership, name="Grade", scale=scale, grades=[grade])
        templates = [by_class, by_grade]
        assert template_for(employee, templates) == by_grade
        assert template_for(employee, [by_class]) == by_class
