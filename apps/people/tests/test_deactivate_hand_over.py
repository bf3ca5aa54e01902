"""Deactivating someone with a successor: their reports, units, officer overrides and open
appraisal duties move to the successor in the same transaction, with the record saying what."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.cycles.models import Appraisal, AppraisalEvent, AppraisalState
from apps.people.models import Employee, OrgUnit
from apps.people.services.employees import employee_deactivate
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org_a, unit_a, alice):
    """Dora heads Sales and manages Ann and Ben; Sue (her successor) reports to Dora too; Dora's
    manager is Max. Ann's countersigning override names Dora."""
    with tenant_scope(org_a):
        make = lambda first, **kw: factories.EmployeeFactory(organization=org_a, unit=unit_a, first_name=first, **kw)  # noqa: E731
        max_ = make("Max")
        dora = make("Dora", manager=max_)
        sue = make("Sue", manager=dora)
        ann = make("Ann", manager=dora, countersigning_officer_override=dora)
        ben = make("Ben", manager=dora)
        sales = factories.OrgUnitFactory(organization=org_a, parent=unit_a, name="Sales", head=dora)
        hr = Membership.objects.select_related("organization").get(organization=org_a, user=alice)
    return {"max": max_, "dora": dora, "sue": sue, "ann": ann, "ben": ben, "sales": sales, "hr": hr, "org": org_a}


def _deactivate(team, alice, successor):
    with tenant_scope(team["org"]):
        return employee_deactivate(actor=alice, membership=team["hr"], employee=team["dora"], successor=successor)


def test_reports_units_and_overrides_move_to_the_successor(team, alice):
    _deactivate(team, alice, team["sue"])
    with tenant_scope(team["org"]):
        people = {e.first_name: e for e in Employee.objects.filter(first_name__in=["Sue", "Ann", "Ben"])}
        assert people["Ann"].manager_id == people["Ben"].manager_id == team["sue"].pk
        # Sue reported to Dora: she now reports to Dora's manager, not to herself.
        assert people["Sue"].manager_id == team["max"].pk
        assert people["Ann"].countersigning_officer_override_id == team["sue"].pk
        assert OrgUnit.objects.get(pk=team["sales"].pk).head_id == team["sue"].pk
        event = AuditEvent.objects.get(action="employee.deactivated")
    assert "handed over to" in event.summary and "2 direct reports" in event.summary
    assert "1 unit headed" in event.summary and "1 officer override" in event.summary


def test_open_appraisals_change_officers_and_released_ones_do_not(team, alice):
    with tenant_scope(team["org"]):
        ct = factories.CycleTemplateFactory(organization=team["org"])
        appraisal = lambda employee, state, **kw: factories.AppraisalFactory(  # noqa: E731
            organization=team["org"], cycle_template=ct, employee=employee, state=state, **kw
        )
        open_ao = appraisal(
            team["ann"],
            AppraisalState.SELF_ASSESSMENT,
            appraising_officer=team["dora"],
            countersigning_officer=team["max"],
        )
        open_co = appraisal(
            team["ben"],
            AppraisalState.WITH_COUNTERSIGNING,
            appraising_officer=team["max"],
            countersigning_officer=team["dora"],
        )
        own = appraisal(
            team["sue"],
            AppraisalState.WITH_OFFICER,
            appraising_officer=team["dora"],
            countersigning_officer=team["max"],
        )
        released = appraisal(team["max"], AppraisalState.RELEASED, appraising_officer=team["dora"])
    _deactivate(team, alice, team["sue"])
    with tenant_scope(team["org"]):
        rows = {a.pk: a for a in Appraisal.objects.all()}
        assert rows[open_ao.pk].appraising_officer_id == team["sue"].pk
        assert rows[open_ao.pk].version == open_ao.version + 1
        assert rows[open_co.pk].countersigning_officer_id == team["sue"].pk
        # Sue cannot appraise herself, and a released report keeps its officers.
        assert rows[own.pk].appraising_officer_id == team["dora"].pk
        assert rows[released.pk].appraising_officer_id == team["dora"].pk
        notes = list(AppraisalEvent.objects.values_list("appraisal_id", "note"))
        summary = AuditEvent.objects.get(action="employee.deactivated").summary
    assert sorted(pk for pk, _ in notes) == sorted([open_ao.pk, open_co.pk])
    assert all("takes over" in note for _, note in notes)
    assert "2 open appraisals" in summary and "1 officer role on open appraisals left for HR" in summary


def test_without_a_successor_nothing_moves_and_the_record_says_who_needs_a_manager(team, alice):
    _deactivate(team, alice, None)
    with tenant_scope(team["org"]):
        assert Employee.objects.get(pk=team["ann"].pk).manager_id == team["dora"].pk
        assert "3 direct reports need a new manager" in AuditEvent.objects.get(action="employee.deactivated").summary


@pytest.mark.parametrize("who", ["dora", "inactive"])
def test_the_successor_must_be_someone_else_and_active(team, alice, who):
    with tenant_scope(team["org"]):
        successor = (
            team["dora"] if who == "dora" else factories.EmployeeFactory(organization=team["org"], is_active=False)
        )
    with pytest.raises(ValidationError) as raised:
        _deactivate(team, alice, successor)
    assert "successor" in raised.value.message_dict
    with tenant_scope(team["org"]):
        assert Employee.objects.get(pk=team["dora"].pk).is_active  # nothing half-done


def test_someone_further_down_the_team_is_refused_as_it_would_loop_the_lines(team, alice):
    with tenant_scope(team["org"]):
        deep = factories.EmployeeFactory(organization=team["org"], first_name="Deb", manager=team["ann"])
    with pytest.raises(ValidationError) as raised:
        _deactivate(team, alice, deep)
    assert "reports to someone in" in raised.value.message_dict["successor"][0]


def test_the_page_offers_the_manager_and_hands_over_to_whoever_is_chosen(team, alice_client):
    url = reverse(
        "people:employee_deactivate", kwargs={"org_slug": team["org"].slug, "employee_id": team["dora"].public_id}
    )
    page = alice_client.get(url).content.decode()
    assert "Hand over to" in page and str(team["max"].public_id) in page  # her manager, chosen beforehand
    response = alice_client.post(url, {"successor": str(team["sue"].public_id)})
    assert response.status_code == 302
    with tenant_scope(team["org"]):
        assert Employee.objects.get(pk=team["ann"].pk).manager_id == team["sue"].pk
    # Another tenant's person is a field error, and nothing happens.
    with tenant_scope(team["org"]):
        factories.EmployeeFactory(organization=team["org"])
    other = factories.OrganizationFactory()
    with tenant_scope(other):
        stranger = factories.EmployeeFactory(organization=other)
    url_ben = reverse(
        "people:employee_deactivate", kwargs={"org_slug": team["org"].slug, "employee_id": team["ben"].public_id}
    )
    response = alice_client.post(url_ben, {"successor": str(stranger.public_id)})
    assert response.status_code == 200 and 'id="id_successor_error"' in response.content.decode()
    with tenant_scope(team["org"]):
        assert Employee.objects.get(pk=team["ben"].pk).is_active
