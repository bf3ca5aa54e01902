"""The countersigning officer: agree or differ with reasons, countersign, or return with a note;
sees only the sections the template shows them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.cycles.models import Appraisal, AppraisalState, PhaseKind, RatingChange
from apps.cycles.services.countersigning import countersigning_return, countersigning_save, countersigning_sign
from apps.cycles.services.rating import rating_submit
from apps.tenancy.scoping import tenant_scope

from . import test_rating
from .test_rating import as_officer, client_for, full_ratings, url

world = test_rating.world  # the shared fixture: Ann, her officer Otto and countersigning officer Cora


@pytest.fixture
def rated(world):
    """Otto has rated and submitted; the cycle is in its countersigning phase."""
    with tenant_scope(world["org"]):
        rating_submit(
            **as_officer(world),
            appraisal=world["appraisal"],
            expected_version=1,
            ratings=full_ratings(world, "4"),
            overall_assessment="Otto's overall view",
        )
        cycle = world["appraisal"].cycle
        cycle.current_phase = PhaseKind.COUNTERSIGNING
        cycle.save()
        world["appraisal"].refresh_from_db()
    return world


def as_co(world):
    return {
        "actor": world["users"]["cora"],
        "membership": world["memberships"]["cora"],
        "employee": world["employees"]["cora"],
    }


def test_a_differing_view_needs_reasons_at_the_remarks_field(rated):
    with tenant_scope(rated["org"]), pytest.raises(ValidationError) as error:
        countersigning_save(**as_co(rated), appraisal=rated["appraisal"], expected_version=None, agrees=False)
    assert "countersigning_remarks" in error.value.message_dict


def test_countersigning_records_the_view_with_history_and_moves_on(rated):
    with tenant_scope(rated["org"]):
        appraisal = countersigning_sign(
            **as_co(rated),
            appraisal=rated["appraisal"],
            expected_version=rated["appraisal"].version,
            agrees=False,
            remarks="Targets were easy",
        )
        assert appraisal.state == AppraisalState.COUNTERSIGNED
        appraisal.refresh_from_db()
        assert (appraisal.countersigning_agrees, appraisal.countersigning_remarks) == (False, "Targets were easy")
        assert RatingChange.objects.filter(field="countersigning_remarks", new_value="Targets were easy").exists()


def test_countersigning_needs_a_view(rated):
    with tenant_scope(rated["org"]), pytest.raises(ValidationError) as error:
        countersigning_sign(**as_co(rated), appraisal=rated["appraisal"], expected_version=None, agrees=None)
    assert "countersigning_agrees" in error.value.message_dict


def test_returning_needs_a_note_and_goes_back_to_the_officer(rated):
    with tenant_scope(rated["org"]):
        with pytest.raises(ValidationError) as error:
            countersigning_return(**as_co(rated), appraisal=rated["appraisal"], expected_version=None, note=" ")
        assert "note" in error.value.message_dict
        appraisal = countersigning_return(
            **as_co(rated), appraisal=rated["appraisal"], expected_version=None, note="Rate target 2 again"
        )
        assert appraisal.state == AppraisalState.WITH_OFFICER


def test_only_the_countersigning_officer_countersigns(rated):
    with tenant_scope(rated["org"]), pytest.raises(PermissionDenied):
        countersigning_save(**as_officer(rated), appraisal=rated["appraisal"], expected_version=None, agrees=True)


def test_the_page_shows_ratings_but_not_the_hidden_section(rated):
    response = client_for(rated["users"]["cora"]).get(url(rated, "countersigning"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Otto&#x27;s overall view" in content and "4.00" in content
    assert "General comments" not in content  # countersigning_sees is off for that section


def test_the_page_shows_a_missing_reason_at_its_field(rated):
    response = client_for(rated["users"]["cora"]).post(
        url(rated, "countersigning"),
        {"version": rated["appraisal"].version, "countersigning_agrees": "no", "countersign": ""},
    )
    assert 'id="id_countersigning_remarks_error"' in response.content.decode()
    with tenant_scope(rated["org"]):
        assert Appraisal.objects.get(pk=rated["appraisal"].pk).state == AppraisalState.WITH_COUNTERSIGNING


def test_countersign_and_return_from_the_page(rated):
    client = client_for(rated["users"]["cora"])
    response = client.post(
        url(rated, "countersigning"), {"version": rated["appraisal"].version, "return": "", "note": "Look again"}
    )
    assert response.status_code == 302
    with tenant_scope(rated["org"]):
        assert Appraisal.objects.get(pk=rated["appraisal"].pk).state == AppraisalState.WITH_OFFICER


def test_the_appraisee_sees_no_officer_rating_on_the_countersigning_page(rated):
    ann = client_for(rated["users"]["ann"])
    response = ann.get(url(rated, "countersigning"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Otto&#x27;s overall view" not in content and "4.00" not in content
    assert ann.post(url(rated, "countersigning"), {"version": "1", "countersign": ""}).status_code == 403


def test_outsiders_get_404(rated, bob_client):
    assert bob_client.get(url(rated, "countersigning")).status_code == 404
