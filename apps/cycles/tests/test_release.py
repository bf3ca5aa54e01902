"""HR releases the countersigned results, all units or one unit with its sub-units, in bulk,
only in the release and acknowledgement phases."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.cycles.models import Appraisal, AppraisalEvent, CycleStatus, PhaseKind
from apps.cycles.models import AppraisalState as S
from apps.cycles.services.release import release_results
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


@pytest.fixture
def world(org_a, unit_a, alice):
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(
            organization=org_a, status=CycleStatus.ACTIVE, current_phase=PhaseKind.RELEASE, name="Appraisal 2026"
        )
        ct = factories.CycleTemplateFactory(organization=org_a, cycle=cycle)
        sales = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Sales")
        north = factories.OrgUnitFactory(organization=org_a, parent=sales, name="Sales North")
        ops = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Operations")

        def appraisal(unit, state):
            employee = factories.EmployeeFactory(organization=org_a, unit=unit)
            return factories.AppraisalFactory(organization=org_a, cycle_template=ct, employee=employee, state=state)

        appraisals = {
            "sales": appraisal(sales, S.COUNTERSIGNED),
            "north": appraisal(north, S.COUNTERSIGNED),
            "ops": appraisal(ops, S.COUNTERSIGNED),
            "rating": appraisal(sales, S.WITH_OFFICER),
            "done": appraisal(ops, S.ACKNOWLEDGED),
        }
        membership = Membership.objects.get(user=alice, organization=org_a)
    return {"cycle": cycle, "sales": sales, "ops": ops, "a": appraisals, "membership": membership}


def _states(org, world):
    with tenant_scope(org):
        return {key: Appraisal.objects.get(pk=a.pk).state for key, a in world["a"].items()}


def test_it_releases_every_countersigned_appraisal_and_nothing_else(alice, org_a, world):
    with tenant_scope(org_a):
        released = release_results(actor=alice, membership=world["membership"], cycle=world["cycle"])
        assert released == 3
        sales = Appraisal.objects.get(pk=world["a"]["sales"].pk)
        assert sales.released_at is not None
        assert sales.version == world["a"]["sales"].version + 1
        events = AppraisalEvent.objects.filter(to_state=S.RELEASED)
        assert events.count() == 3
        assert {e.from_state for e in events} == {S.COUNTERSIGNED}
        assert AuditEvent.objects.filter(action="cycle.release_results").count() == 1
    assert _states(org_a, world) == {
        "sales": S.RELEASED,
        "north": S.RELEASED,
        "ops": S.RELEASED,
        "rating": S.WITH_OFFICER,
        "done": S.ACKNOWLEDGED,
    }


def test_it_releases_one_unit_with_its_sub_units(alice, org_a, world):
    with tenant_scope(org_a):
        released = release_results(
            actor=alice, membership=world["membership"], cycle=world["cycle"], unit=world["sales"]
        )
    assert released == 2
    states = _states(org_a, world)
    assert (states["sales"], states["north"], states["ops"]) == (S.RELEASED, S.RELEASED, S.COUNTERSIGNED)


def test_releasing_again_releases_nothing_twice(alice, org_a, world):
    with tenant_scope(org_a):
        release_results(actor=alice, membership=world["membership"], cycle=world["cycle"])
        assert release_results(actor=alice, membership=world["membership"], cycle=world["cycle"]) == 0
        assert AppraisalEvent.objects.count() == 3


@pytest.mark.parametrize("phase", [PhaseKind.COUNTERSIGNING, PhaseKind.APPRAISAL, ""])
def test_it_refuses_outside_the_release_phases(alice, org_a, world, phase):
    with tenant_scope(org_a):
        world["cycle"].current_phase = phase
        world["cycle"].save()
        with pytest.raises(ValidationError, match="release and acknowledgement phases"):
            release_results(actor=alice, membership=world["membership"], cycle=world["cycle"])
    assert _states(org_a, world)["sales"] == S.COUNTERSIGNED


def test_it_releases_during_the_acknowledgement_phase_too(alice, org_a, world):
    with tenant_scope(org_a):
        world["cycle"].current_phase = PhaseKind.ACKNOWLEDGEMENT
        world["cycle"].save()
        assert release_results(actor=alice, membership=world["membership"], cycle=world["cycle"]) == 3


def test_members_may_not_release(bob, org_a, world):
    with tenant_scope(org_a):
        membership = Membership.objects.get(user=bob, organization=org_a)
        with pytest.raises(PermissionDenied):
            release_results(actor=bob, membership=membership, cycle=world["cycle"])


def _url(org, cycle):
    return f"/o/{org.slug}/cycles/{cycle.public_id}/release/"


def test_the_page_counts_what_would_be_released(alice_client, org_a, world):
    page = alice_client.get(_url(org_a, world["cycle"])).content.decode()
    assert "<strong>3</strong> countersigned appraisals would be released in all units" in page
    page = alice_client.get(_url(org_a, world["cycle"]), {"unit": world["ops"].public_id}).content.decode()
    assert "<strong>1</strong> countersigned appraisal would be released in Operations" in page


def test_the_page_answers_htmx_with_the_scope_fragment(alice_client, org_a, world):
    response = alice_client.get(_url(org_a, world["cycle"]), {"unit": world["sales"].public_id}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<strong>2</strong>" in page
    assert "<html" not in page


def test_posting_releases_and_says_so(alice_client, org_a, world):
    response = alice_client.post(_url(org_a, world["cycle"]), {"unit": str(world["sales"].public_id)}, follow=True)
    assert "Released 2 results in Sales and its sub-units." in response.content.decode()
    assert _states(org_a, world)["ops"] == S.COUNTERSIGNED


def test_posting_outside_the_phase_shows_the_error(alice_client, org_a, world):
    with tenant_scope(org_a):
        world["cycle"].current_phase = PhaseKind.COUNTERSIGNING
        world["cycle"].save()
    response = alice_client.post(_url(org_a, world["cycle"]), {"unit": ""})
    assert response.status_code == 200
    assert "release and acknowledgement phases" in response.content.decode()
    assert _states(org_a, world)["sales"] == S.COUNTERSIGNED


def test_members_get_403(bob_client, org_a, world):
    assert bob_client.get(_url(org_a, world["cycle"])).status_code == 403
    assert bob_client.post(_url(org_a, world["cycle"]), {"unit": ""}).status_code == 403
    assert _states(org_a, world)["sales"] == S.COUNTERSIGNED


def test_another_tenants_cycle_or_unit_is_not_found(alice_client, org_a, org_b, unit_b, world):
    with tenant_scope(org_b):
        foreign_cycle = factories.CycleFactory(
            organization=org_b, status=CycleStatus.ACTIVE, current_phase=PhaseKind.RELEASE
        )
    assert alice_client.get(_url(org_a, foreign_cycle)).status_code == 404
    assert alice_client.post(_url(org_a, foreign_cycle), {"unit": ""}).status_code == 404
    response = alice_client.post(_url(org_a, world["cycle"]), {"unit": str(unit_b.public_id)})
    assert response.status_code == 404
    assert _states(org_a, world)["sales"] == S.COUNTERSIGNED


def test_a_malformed_unit_id_is_not_found_and_releases_nothing(alice_client, org_a, world):
    assert alice_client.get(_url(org_a, world["cycle"]), {"unit": "not-a-uuid"}).status_code == 404
    assert alice_client.post(_url(org_a, world["cycle"]), {"unit": "not-a-uuid"}).status_code == 404
    assert _states(org_a, world)["sales"] == S.COUNTERSIGNED
