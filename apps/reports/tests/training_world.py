"""The training needs tests' organisation (test_training_needs.py, test_browser_training_needs.py)."""

from decimal import Decimal
from types import SimpleNamespace

from apps.cycles.models import AppraisalState, CycleStatus, PhaseKind, SectionKind
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

S = AppraisalState


def _scale(names):
    """A scale whose levels are 1..n, named `names` from the lowest."""
    return {
        "id": "scale",
        "name": f"{len(names)} levels",
        "levels": [
            {"value": f"{v}.00", "label": str(v), "name": name, "band_from": f"{v - 0.5}"}
            for v, name in enumerate(names, start=1)
        ],
    }


def _snapshot(scale, competencies, training_key):
    return {
        "template": {"id": training_key, "name": f"Template {training_key}"},
        "scale": scale,
        "sections": [
            {
                "key": f"comp-{training_key}",
                "kind": SectionKind.COMPETENCIES,
                "title": "Competencies",
                "weight": "100",
                "competencies": [{"key": key, "name": name, "description": ""} for key, name in competencies],
            },
            {"key": training_key, "kind": SectionKind.TRAINING_NEEDS, "title": "Training", "competencies": []},
        ],
    }


FIVE = _scale(["Poor", "Fair", "Good", "Very good", "Outstanding"])
THREE = _scale(["Below", "Meets", "Above"])


def build_world(org_a, unit_a) -> SimpleNamespace:
    """HQ (unit_a) > Sales > North, and HQ > Ops. Template A rates Teamwork and Planning on five
    levels (1 and 2 to develop); template B rates Teamwork on three (only 1 to develop)."""
    with tenant_scope(org_a):
        sales = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Sales")
        north = factories.OrgUnitFactory(organization=org_a, parent=sales, name="North")
        ops = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Ops")
        cycle = factories.CycleFactory(
            organization=org_a, status=CycleStatus.ACTIVE, current_phase=PhaseKind.RELEASE, name="Year 2026"
        )
        a = factories.CycleTemplateFactory(
            organization=org_a, cycle=cycle, snapshot=_snapshot(FIVE, [("a1", "Teamwork"), ("a2", "Planning")], "ta")
        )
        b = factories.CycleTemplateFactory(
            organization=org_a, cycle=cycle, snapshot=_snapshot(THREE, [("b1", "Teamwork")], "tb")
        )
        world = SimpleNamespace(org=org_a, cycle=cycle, hq=unit_a, sales=sales, north=north, ops=ops, a=a, b=b)
        world.p1 = add_appraisal(world, north, a, S.COUNTERSIGNED, {"a1": 2, "a2": 4}, stated="An Excel course")
        world.p1.training_recommendations = "Mentoring"
        world.p1.save()
        world.p2 = add_appraisal(world, ops, b, S.RELEASED, {"b1": 2})  # 2 meets on three levels
        world.p3 = add_appraisal(world, sales, a, S.WITH_OFFICER, {"a1": 1}, stated="Not handed on")  # a draft
        world.p4 = add_appraisal(world, ops, b, S.ACKNOWLEDGED, {"b1": 1}, officer_view="Needs the refresher")
        world.p5 = add_appraisal(world, north, a, S.WITH_COUNTERSIGNING, {"a1": 3, "a2": 1})
        world.p6 = add_appraisal(world, unit_a, a, S.COUNTERSIGNED, {}, stated='=HYPERLINK("http://x")')
        world.unrated = add_appraisal(world, sales, a, S.COUNTERSIGNED, {"a1": None})
    return world


def add_appraisal(world, unit, ct, state, ratings, *, stated="", officer_view=""):
    employee = factories.EmployeeFactory(organization=world.org, unit=unit)
    appraisal = factories.AppraisalFactory(organization=world.org, cycle_template=ct, employee=employee, state=state)
    for key, value in ratings.items():
        factories.CompetencyRatingFactory(
            organization=world.org,
            appraisal=appraisal,
            competency_key=key,
            officer_rating=None if value is None else Decimal(value),
        )
    if stated or officer_view:
        factories.SectionResponseFactory(
            organization=world.org,
            appraisal=appraisal,
            section_key=ct.snapshot["sections"][1]["key"],
            appraisee_text=stated,
            officer_text=officer_view,
        )
    return appraisal
