"""Reassigning appraising and countersigning officers from the appraisal list (in bulk) and
on one appraisal: staff numbers resolved inside the tenant, errors at the field, nothing half
written, and ids from another cycle or tenant ignored."""

import pytest

from apps.cycles.models import Appraisal, AppraisalEvent, AppraisalState, CycleStatus
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories


@pytest.fixture
def world(org_a, unit_a):
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a, name="Appraisal 2026", status=CycleStatus.ACTIVE)
        cycle_template = factories.CycleTemplateFactory(organization=org_a, cycle=cycle)
        old_officer = factories.EmployeeFactory(organization=org_a, unit=unit_a, staff_number="OLD-1")
        new_officer = factories.EmployeeFactory(
            organization=org_a, unit=unit_a, staff_number="NEW-1", first_name="Nora", last_name="New"
        )
        appraisals = [
            factories.AppraisalFactory(
                organization=org_a, cycle_template=cycle_template, appraising_officer=old_officer
            )
            for _ in range(3)
        ]
    return {"cycle": cycle, "cycle_template": cycle_template, "new": new_officer, "appraisals": appraisals}


def _bulk_url(org, cycle):
    return org_reverse("cycles:officers_bulk_reassign", org, cycle_id=cycle.public_id)


def _officer_ids(org, appraisals):
    with tenant_scope(org):
        return [Appraisal.objects.get(pk=a.pk).appraising_officer_id for a in appraisals]


def test_bulk_reassign_changes_the_ticked_appraisals_and_returns_to_the_filtered_list(alice_client, org_a, world):
    ticked, untouched = world["appraisals"][:2], world["appraisals"][2]

    response = alice_client.post(
        _bulk_url(org_a, world["cycle"]),
        {
            "appraisal": [str(a.public_id) for a in ticked],
            "appraising_officer": "new-1",  # staff numbers are matched regardless of case
            "note": "Team moved",
            "filters": "state=planning&q=x",
        },
    )

    assert response.status_code == 302
    list_url = org_reverse("cycles:appraisal_list", org_a, cycle_id=world["cycle"].public_id)
    assert response.url == list_url + "?state=planning&q=x"
    assert _officer_ids(org_a, ticked) == [world["new"].pk, world["new"].pk]
    assert _officer_ids(org_a, [untouched]) != [world["new"].pk]
    with tenant_scope(org_a):
        assert AppraisalEvent.objects.filter(appraisal__in=ticked, note__contains="Team moved").count() == 2
    follow = alice_client.get(response.url)
    assert "2 appraisals reassigned" in follow.content.decode()


def test_an_unknown_staff_number_is_shown_at_its_field_with_the_selection_kept(alice_client, org_a, world):
    ticked = world["appraisals"][0]
    before = _officer_ids(org_a, world["appraisals"])

    response = alice_client.post(
        _bulk_url(org_a, world["cycle"]),
        {"appraisal": [str(ticked.public_id)], "appraising_officer": "NOPE-9", "filters": ""},
    )

    assert response.status_code == 200
    form = response.context["bulk_form"]
    assert "NOPE-9" in form.errors["appraising_officer"][0]
    assert response.context["selected"] == {str(ticked.public_id)}
    assert f'value="{ticked.public_id}" form="bulk-form"' in response.content.decode()
    assert "checked" in response.content.decode()
    assert _officer_ids(org_a, world["appraisals"]) == before


def test_a_service_refusal_writes_nothing(alice_client, org_a, world):
    # The new officer's own appraisal is among the ticked ones: nobody appraises themselves.
    with tenant_scope(org_a):
        own = factories.AppraisalFactory(
            organization=org_a, cycle_template=world["cycle_template"], employee=world["new"]
        )
    ticked = [world["appraisals"][0], own]
    before = _officer_ids(org_a, ticked)

    response = alice_client.post(
        _bulk_url(org_a, world["cycle"]),
        {"appraisal": [str(a.public_id) for a in ticked], "appraising_officer": "NEW-1"},
    )

    assert response.status_code == 200
    assert "cannot appraise themselves" in str(response.context["bulk_form"].errors)
    assert _officer_ids(org_a, ticked) == before


def test_nothing_ticked_or_no_officer_given_is_explained(alice_client, org_a, world):
    nothing_ticked = alice_client.post(_bulk_url(org_a, world["cycle"]), {"appraising_officer": "NEW-1"})
    assert "Tick the appraisals" in str(nothing_ticked.context["bulk_form"].non_field_errors())
    no_officer = alice_client.post(
        _bulk_url(org_a, world["cycle"]), {"appraisal": [str(world["appraisals"][0].public_id)]}
    )
    assert "new appraising officer" in str(no_officer.context["bulk_form"].non_field_errors())


def test_ids_from_another_cycle_or_tenant_and_garbage_are_ignored(alice_client, org_a, org_b, unit_b, world):
    with tenant_scope(org_a):
        other_cycle = factories.AppraisalFactory(organization=org_a)
    with tenant_scope(org_b):
        foreign = factories.AppraisalFactory(organization=org_b)
        foreign_officer = foreign.appraising_officer_id
    mine = world["appraisals"][0]

    response = alice_client.post(
        _bulk_url(org_a, world["cycle"]),
        {
            "appraisal": [str(mine.public_id), str(other_cycle.public_id), str(foreign.public_id), "not-a-uuid"],
            "appraising_officer": "NEW-1",
        },
    )

    assert response.status_code == 302
    assert _officer_ids(org_a, [mine]) == [world["new"].pk]
    assert _officer_ids(org_a, [other_cycle]) == [None]
    with tenant_scope(org_b):
        assert Appraisal.objects.get(pk=foreign.pk).appraising_officer_id == foreign_officer


def test_a_staff_number_of_another_tenant_is_unknown(alice_client, org_a, org_b, unit_b, world):
    with tenant_scope(org_b):
        factories.EmployeeFactory(organization=org_b, unit=unit_b, staff_number="BETA-1")

    response = alice_client.post(
        _bulk_url(org_a, world["cycle"]),
        {"appraisal": [str(world["appraisals"][0].public_id)], "appraising_officer": "BETA-1"},
    )

    assert "BETA-1" in response.context["bulk_form"].errors["appraising_officer"][0]


def test_bulk_reassign_is_for_hr_of_the_tenant_only(bob_client, charlie_client, org_a, org_b, world):
    data = {"appraisal": [str(world["appraisals"][0].public_id)], "appraising_officer": "NEW-1"}
    assert bob_client.post(_bulk_url(org_a, world["cycle"]), data).status_code == 403
    assert charlie_client.post(_bulk_url(org_b, world["cycle"]), data).status_code == 404
    assert _officer_ids(org_a, world["appraisals"][:1]) != [world["new"].pk]


# --- One appraisal ----------------------------------------------------------------------------


def _one_url(org, appraisal):
    return org_reverse("cycles:officers_reassign", org, appraisal_id=appraisal.public_id)


def test_one_appraisal_shows_its_officers_defaults_and_history_newest_first(alice, bob, alice_client, org_a, world):
    with tenant_scope(org_a):
        appraisal = factories.AppraisalFactory(
            organization=org_a, cycle_template=world["cycle_template"], employee=bob.employments.get()
        )
        factories.AppraisalEventFactory(organization=org_a, appraisal=appraisal, note="Cycle launched")
        factories.AppraisalEventFactory(
            organization=org_a,
            appraisal=appraisal,
            from_state=AppraisalState.PLANNING,
            to_state=AppraisalState.MIDTERM,
            note="Targets agreed",
        )

    response = alice_client.get(_one_url(org_a, appraisal))

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["default_ao"].user == alice  # Bob reports to Alice
    assert [e.note for e in response.context["events"]] == ["Targets agreed", "Cycle launched"]
    assert page.index("Targets agreed") < page.index("Cycle launched")
    assert "Planning → Mid-term review" in page


def test_one_appraisal_gets_a_new_countersigning_officer(alice_client, org_a, world):
    appraisal = world["appraisals"][0]

    response = alice_client.post(_one_url(org_a, appraisal), {"countersigning_officer": "NEW-1", "note": "Cover"})

    assert response.status_code == 302
    with tenant_scope(org_a):
        appraisal.refresh_from_db()
        assert appraisal.countersigning_officer_id == world["new"].pk
        assert appraisal.appraising_officer.staff_number == "OLD-1"
        assert appraisal.events.get().note == "Officers reassigned. Cover"


def test_one_appraisal_shows_errors_at_the_field(alice_client, org_a, world):
    appraisal = world["appraisals"][0]

    response = alice_client.post(
        _one_url(org_a, appraisal), {"appraising_officer": "OLD-1", "countersigning_officer": "OLD-1"}
    )

    assert response.status_code == 200
    assert "someone other than the appraising officer" in str(response.context["form"].errors["countersigning_officer"])


def test_one_appraisal_is_for_hr_of_the_tenant_only(bob_client, charlie_client, org_a, org_b, world):
    appraisal = world["appraisals"][0]
    assert bob_client.get(_one_url(org_a, appraisal)).status_code == 403
    assert charlie_client.get(_one_url(org_b, appraisal)).status_code == 404
    assert charlie_client.post(_one_url(org_b, appraisal), {"appraising_officer": "NEW-1"}).status_code == 404
