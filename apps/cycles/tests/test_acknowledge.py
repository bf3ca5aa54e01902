"""After release: the appraisee reads the result, the feedback interview is recorded, and the
appraisee acknowledges; before release no officer rating shows on these pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.cycles.models import Appraisal, AppraisalState, PhaseKind
from apps.cycles.services.acknowledgement import appraisal_acknowledge, feedback_interview_record
from apps.cycles.services.rating import rating_save
from apps.tenancy.scoping import tenant_scope

from . import test_rating
from .test_rating import as_officer, client_for, full_ratings, url

world = test_rating.world  # the shared fixture: Ann, her officer Otto and countersigning officer Cora


@pytest.fixture
def rated(world):
    """Otto's ratings are saved (with a tell-tale comment); the appraisal is still with him."""
    with tenant_scope(world["org"]):
        rating_save(
            **as_officer(world),
            appraisal=world["appraisal"],
            expected_version=1,
            ratings=full_ratings(world, "4", comment="Otto's private words"),
            overall_assessment="Otto's overall view",
        )
    return world


def release(world):
    with tenant_scope(world["org"]):
        Appraisal.objects.filter(pk=world["appraisal"].pk).update(state=AppraisalState.RELEASED)
        cycle = world["appraisal"].cycle
        cycle.current_phase = PhaseKind.ACKNOWLEDGEMENT
        cycle.save()
        world["appraisal"].refresh_from_db()


def as_ann(world):
    return {
        "actor": world["users"]["ann"],
        "membership": world["memberships"]["ann"],
        "employee": world["employees"]["ann"],
    }


@pytest.mark.parametrize("page", ["rating", "countersigning", "acknowledge"])
def test_before_release_the_appraisee_sees_no_officer_rating(rated, page):
    response = client_for(rated["users"]["ann"]).get(url(rated, page))
    assert response.status_code == 200
    content = response.content.decode()
    for secret in ("Otto&#x27;s private words", "Otto&#x27;s overall view", "4.00", "Officer's rating"):
        assert secret not in content, (page, secret)


def test_after_release_the_appraisee_reads_the_whole_result(rated):
    release(rated)
    response = client_for(rated["users"]["ann"]).get(url(rated, "acknowledge"))
    content = response.content.decode()
    assert "Otto&#x27;s private words" in content and "Otto&#x27;s overall view" in content and "4.00" in content
    assert "Officer's rating" in content and "Acknowledge" in content


def test_the_appraisee_acknowledges_with_a_comment(rated):
    release(rated)
    with tenant_scope(rated["org"]):
        appraisal = appraisal_acknowledge(
            **as_ann(rated),
            appraisal=rated["appraisal"],
            expected_version=rated["appraisal"].version,
            comment="Fair enough",
        )
        appraisal.refresh_from_db()
        assert appraisal.state == AppraisalState.ACKNOWLEDGED
        assert appraisal.acknowledgement_comment == "Fair enough" and appraisal.acknowledged_at is not None


def test_acknowledging_outside_its_phase_writes_nothing(rated):
    release(rated)
    with tenant_scope(rated["org"]):
        cycle = rated["appraisal"].cycle
        cycle.current_phase = PhaseKind.APPRAISAL
        cycle.save()
        with pytest.raises(ValidationError):
            appraisal_acknowledge(**as_ann(rated), appraisal=rated["appraisal"], expected_version=None, comment="x")
        appraisal = Appraisal.objects.get(pk=rated["appraisal"].pk)
        assert appraisal.acknowledgement_comment == "" and appraisal.acknowledged_at is None


def test_only_the_appraisee_acknowledges(rated):
    release(rated)
    with tenant_scope(rated["org"]), pytest.raises(PermissionDenied):
        appraisal_acknowledge(**as_officer(rated), appraisal=rated["appraisal"], expected_version=None)


def test_the_officer_or_the_appraisee_records_the_interview_not_in_the_future(rated):
    release(rated)
    today = timezone.localdate()
    with tenant_scope(rated["org"]):
        with pytest.raises(ValidationError) as error:
            feedback_interview_record(
                **as_officer(rated),
                appraisal=rated["appraisal"],
                expected_version=None,
                held_on=today + datetime.timedelta(days=3),
            )
        assert "feedback_interview_on" in error.value.message_dict
        appraisal = feedback_interview_record(
            **as_officer(rated), appraisal=rated["appraisal"], expected_version=None, held_on=today
        )
        assert appraisal.feedback_interview_on == today
        feedback_interview_record(**as_ann(rated), appraisal=rated["appraisal"], expected_version=None, held_on=today)


def test_the_interview_cannot_be_recorded_before_release(rated):
    with tenant_scope(rated["org"]), pytest.raises(PermissionDenied):
        feedback_interview_record(
            **as_ann(rated), appraisal=rated["appraisal"], expected_version=None, held_on=timezone.localdate()
        )


def test_acknowledge_from_the_page_and_a_stale_form_is_told(rated):
    release(rated)
    client = client_for(rated["users"]["ann"])
    version = rated["appraisal"].version
    response = client.post(url(rated, "acknowledge"), {"version": version - 1, "acknowledge": ""})
    assert "Someone else saved" in response.content.decode()
    response = client.post(
        url(rated, "acknowledge"), {"version": version, "acknowledge": "", "acknowledgement_comment": "Thanks"}
    )
    assert response.status_code == 302
    with tenant_scope(rated["org"]):
        assert Appraisal.objects.get(pk=rated["appraisal"].pk).state == AppraisalState.ACKNOWLEDGED


def test_outsiders_get_404(rated, bob_client, charlie_client):
    assert bob_client.get(url(rated, "acknowledge")).status_code == 404
    assert charlie_client.post(url(rated, "acknowledge"), {"acknowledge": ""}).status_code == 404
