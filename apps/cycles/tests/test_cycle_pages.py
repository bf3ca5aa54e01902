"""HR pages of cycles: the list, preparing and editing a cycle, and who takes part."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.cycles.models import Cycle, CycleStatus, PhaseKind, SectionKind
from apps.cycles.services.cycles import cycle_save, phases_save
from apps.tenancy.models import Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def url(org, name, **kwargs):
    return reverse(f"cycles:{name}", kwargs={"org_slug": org.slug, **kwargs})


def build_world(org, alice, people=()):
    """A complete template for one staff class, a period, and a drafted cycle with phases,
    whose participants (`people`, users or employees) are all on the template's grade."""
    grade = factories.GradeFactory(organization=org, code="G5")
    with tenant_scope(org):
        membership = Membership.objects.get(user=alice, organization=org)
        for person in people:
            employee = person if hasattr(person, "staff_number") else person.employments.get()
            employee.grade = grade
            employee.save()
        scale = factories.RatingScaleFactory(organization=org)
        for value in (1, 2, 3):
            factories.ScaleLevelFactory(organization=org, scale=scale, value=Decimal(value))
        template = factories.AppraisalTemplateFactory(organization=org, scale=scale, name="Officers scheme")
        template.staff_classes.add(grade.staff_class)
        factories.TemplateSectionFactory(
            organization=org, template=template, kind=SectionKind.WORK_TARGETS, weight=Decimal("100")
        )
        period = factories.GoalPeriodFactory(organization=org, name="2026")
        cycle = cycle_save(
            actor=alice, membership=membership, name="Appraisal 2026", period=period, templates=[template]
        )
        start = timezone.make_aware(datetime.datetime(2026, 1, 5, 9))
        phases_save(
            actor=alice,
            membership=membership,
            cycle=cycle,
            phases=[
                {
                    "kind": kind,
                    "starts_at": start + datetime.timedelta(days=30 * i),
                    "ends_at": start + datetime.timedelta(days=30 * i + 29),
                }
                for i, kind in enumerate(PhaseKind.values)
            ],
        )
    return {"membership": membership, "cycle": cycle, "period": period, "grade": grade, "template": template}


@pytest.fixture
def world(alice, bob, org_a):
    return build_world(org_a, alice, people=(alice, bob))


PAGES = ("cycle_detail", "cycle_edit", "cycle_phases", "cycle_participants", "cycle_launch", "cycle_progress")


def test_members_are_refused_every_cycle_page(bob_client, org_a, world):
    cycle_id = world["cycle"].public_id
    assert bob_client.get(url(org_a, "cycle_list")).status_code == 403
    assert bob_client.get(url(org_a, "cycle_create")).status_code == 403
    for name in PAGES:
        assert bob_client.get(url(org_a, name, cycle_id=cycle_id)).status_code == 403, name
    assert bob_client.post(url(org_a, "cycle_launch", cycle_id=cycle_id)).status_code == 403


def test_another_tenants_cycle_is_not_found(charlie_client, org_a, org_b, world):
    cycle_id = world["cycle"].public_id
    for name in PAGES:
        assert charlie_client.get(url(org_b, name, cycle_id=cycle_id)).status_code == 404, name
    assert charlie_client.post(url(org_b, "cycle_launch", cycle_id=cycle_id)).status_code == 404
    assert charlie_client.post(url(org_b, "cycle_edit", cycle_id=cycle_id), {"name": "Hijack"}).status_code == 404
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=world["cycle"].pk).status == CycleStatus.DRAFT


def test_the_list_invites_to_prepare_a_first_cycle(alice_client, org_a):
    html = alice_client.get(url(org_a, "cycle_list")).content.decode()
    assert "No appraisal cycles yet" in html and "Prepare a cycle" in html


def test_the_list_shows_status_period_and_current_phase(alice_client, org_a, world):
    html = alice_client.get(url(org_a, "cycle_list")).content.decode()
    assert "Appraisal 2026" in html and "Being prepared" in html and "2026" in html
    assert "5 Jan 2026" in html


def _list_queries(client, org):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(org, "cycle_list")).status_code == 200
    return len(queries)


def test_the_list_runs_a_fixed_number_of_queries(alice_client, org_a):
    with tenant_scope(org_a):
        factories.CyclePhaseFactory(organization=org_a)
    _list_queries(alice_client, org_a)  # the first request of a session does some bookkeeping
    one = _list_queries(alice_client, org_a)
    with tenant_scope(org_a):
        for _ in range(3):
            cycle = factories.CycleFactory(organization=org_a, status=CycleStatus.LAUNCHING, launch_total=10)
            factories.CyclePhaseFactory(organization=org_a, cycle=cycle)
            factories.AppraisalFactory(organization=org_a, cycle_template__cycle=cycle)
    assert _list_queries(alice_client, org_a) == one


def _form_data(world, **overrides):
    data = {
        "name": "Appraisal 2027",
        "description": "The yearly appraisal.",
        "period": world["period"].public_id,
        "templates": [world["template"].public_id],
        "appeal_window_days": "10",
        "excluded": "",
    }
    data.update(overrides)
    return data


def test_hr_prepares_a_cycle_leaving_people_out_by_staff_number(alice_client, org_a, bob, unit_a, world):
    with tenant_scope(org_a):
        bob_employee = bob.employments.get()
        other = factories.EmployeeFactory(organization=org_a, unit=unit_a, staff_number="X-77")
    response = alice_client.post(
        url(org_a, "cycle_create"),
        _form_data(
            world,
            excluded=f"{bob_employee.staff_number}\n x-77 ,",
            units=[unit_a.public_id],
            grades=[world["grade"].public_id],
            hired_on_or_before="2025-12-31",
        ),
    )
    with tenant_scope(org_a):
        cycle = Cycle.objects.get(name="Appraisal 2027")
        assert set(cycle.excluded.all()) == {bob_employee, other}
        assert list(cycle.units.all()) == [unit_a]
        assert list(cycle.templates.all()) == [world["template"]]
        assert cycle.appeal_window_days == 10
    assert response.status_code == 302
    assert response["Location"] == url(org_a, "cycle_phases", cycle_id=cycle.public_id)


def test_unknown_staff_numbers_are_named_at_the_field(alice_client, org_a, world):
    response = alice_client.post(url(org_a, "cycle_create"), _form_data(world, excluded="NOPE-1, NOPE-2"))
    assert response.status_code == 200
    assert "NOPE-1, NOPE-2" in str(response.context["form"].errors["excluded"])
    with tenant_scope(org_a):
        assert not Cycle.objects.filter(name="Appraisal 2027").exists()


def test_service_errors_land_at_their_field(alice_client, org_a, world):
    response = alice_client.post(url(org_a, "cycle_create"), _form_data(world, name="appraisal 2026"))
    assert response.status_code == 200
    assert "Another cycle has this name." in response.context["form"].errors["name"]


def test_the_form_warns_about_a_template_with_problems(alice_client, org_a, world):
    with tenant_scope(org_a):
        factories.AppraisalTemplateFactory(organization=org_a, scale=world["template"].scale, name="Empty scheme")
    html = alice_client.get(url(org_a, "cycle_create")).content.decode()
    assert "Empty scheme" in html and "Needs attention" in html


def test_hr_edits_a_draft(alice_client, org_a, world):
    cycle = world["cycle"]
    html = alice_client.get(url(org_a, "cycle_edit", cycle_id=cycle.public_id)).content.decode()
    assert 'value="Appraisal 2026"' in html
    response = alice_client.post(
        url(org_a, "cycle_edit", cycle_id=cycle.public_id), _form_data(world, name="Appraisal 2026 (renamed)")
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=cycle.pk).name == "Appraisal 2026 (renamed)"


def test_a_launched_cycle_shows_its_set_up_read_only(alice_client, org_a, world):
    with tenant_scope(org_a):
        Cycle.objects.filter(pk=world["cycle"].pk).update(status=CycleStatus.ACTIVE)
    cycle_id = world["cycle"].public_id
    response = alice_client.get(url(org_a, "cycle_edit", cycle_id=cycle_id))
    html = response.content.decode()
    assert "its set-up is fixed" in html and '<form method="post" class="form' not in html
    response = alice_client.post(url(org_a, "cycle_edit", cycle_id=cycle_id), _form_data(world, name="Changed"))
    assert response.status_code == 200
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=world["cycle"].pk).name == "Appraisal 2026"


def test_participants_shows_counts_officers_and_people_without_a_template(
    alice_client, org_a, alice, bob, unit_a, world
):
    with tenant_scope(org_a):
        factories.EmployeeFactory(organization=org_a, unit=unit_a, first_name="Gradeless", last_name="Person")
    response = alice_client.get(url(org_a, "cycle_participants", cycle_id=world["cycle"].public_id))
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 3
    assert [(row["unit"], row["count"]) for row in context["per_unit"]] == [(unit_a, 3)]
    assert [row["count"] for row in context["per_template"]] == [2]
    assert context["unmatched"] == 1
    assert [p.first_name for p in context["without_template"]] == ["Gradeless"]
    html = response.content.decode()
    assert "1 participant match no template" in html
    # Bob's appraising officer is his manager, Alice.
    bob_row = next(p for p in context["participants"] if p.first_name == "Bob")
    assert bob_row.appraising_officer.first_name == "Alice"


def _participant_queries(client, org, cycle):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(org, "cycle_participants", cycle_id=cycle.public_id)).status_code == 200
    return len(queries)


def test_participants_runs_a_fixed_number_of_queries(alice_client, org_a, alice, unit_a, world):
    with tenant_scope(org_a):
        factories.EmployeeFactory(organization=org_a, unit=unit_a)  # someone without a template from the start
    _participant_queries(alice_client, org_a, world["cycle"])  # first request: session bookkeeping
    before = _participant_queries(alice_client, org_a, world["cycle"])
    with tenant_scope(org_a):
        child = factories.OrgUnitFactory(organization=org_a, parent=unit_a)
        boss = factories.EmployeeFactory(organization=org_a, unit=child, grade=world["grade"])
        for _ in range(4):
            factories.EmployeeFactory(organization=org_a, unit=child, grade=world["grade"], manager=boss)
            factories.EmployeeFactory(organization=org_a, unit=child)  # no grade: no template
    assert _participant_queries(alice_client, org_a, world["cycle"]) == before
