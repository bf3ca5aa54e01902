"""Workflow steps taken from the appraisal page: done, refused with a message, or 403."""

import pytest
from django.contrib.messages import get_messages

from apps.cycles.models import Appraisal, AppraisalEvent, AppraisalState, PhaseKind
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse

from .appraisal_cast import build_cast, client_for, fresh, set_state


@pytest.fixture
def cast(org_a, unit_a, alice):
    return build_cast(org_a, unit_a, alice)


def _url(cast, name="cycles:appraisal_step"):
    return org_reverse(name, cast.org, appraisal_id=cast.appraisal.public_id)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_appraisee_submits_the_self_assessment(cast):
    set_state(cast, AppraisalState.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    response = client_for(cast, "ann").post(_url(cast), {"action": "submit_self_assessment", "version": 1})
    assert response.status_code == 302 and response.url == _url(cast, "cycles:appraisal_detail")
    assert fresh(cast).state == AppraisalState.WITH_OFFICER
    with tenant_scope(cast.org):
        assert AppraisalEvent.objects.filter(appraisal=cast.appraisal, to_state=AppraisalState.WITH_OFFICER).exists()


def test_a_missing_note_is_a_message_not_an_error_page(cast):
    set_state(cast, AppraisalState.WITH_OFFICER, PhaseKind.APPRAISAL)
    response = client_for(cast, "otto").post(_url(cast), {"action": "return_to_appraisee", "note": " ", "version": 1})
    assert response.status_code == 302
    assert any("Say why" in m for m in _messages(response))
    assert fresh(cast).state == AppraisalState.WITH_OFFICER


def test_a_stale_version_is_refused_with_a_message(cast):
    set_state(cast, AppraisalState.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    with tenant_scope(cast.org):
        Appraisal.objects.filter(pk=cast.appraisal.pk).update(version=3)
    response = client_for(cast, "ann").post(_url(cast), {"action": "submit_self_assessment", "version": 1})
    assert response.status_code == 302
    assert any("Someone else changed" in m for m in _messages(response))
    assert fresh(cast).state == AppraisalState.SELF_ASSESSMENT


def test_a_step_in_the_wrong_phase_or_state_is_a_message(cast):
    response = client_for(cast, "ann").post(_url(cast), {"action": "submit_self_assessment", "version": 1})
    assert response.status_code == 302 and _messages(response)
    response = client_for(cast, "ann").post(_url(cast), {"action": "no_such_step", "version": 1})
    assert response.status_code == 302 and _messages(response)
    assert fresh(cast).state == AppraisalState.PLANNING


def test_a_step_that_is_not_yours_is_403(cast):
    set_state(cast, AppraisalState.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    response = client_for(cast, "otto").post(_url(cast), {"action": "submit_self_assessment", "version": 1})
    assert response.status_code == 403
    assert fresh(cast).state == AppraisalState.SELF_ASSESSMENT


def test_outsiders_get_404_and_get_is_not_allowed(cast, charlie_client):
    set_state(cast, AppraisalState.SELF_ASSESSMENT, PhaseKind.SELF_ASSESSMENT)
    assert (
        client_for(cast, "dave").post(_url(cast), {"action": "submit_self_assessment", "version": 1}).status_code == 404
    )
    other = _url(cast).replace("/o/alpha/", "/o/beta/")
    assert charlie_client.post(other, {"action": "submit_self_assessment", "version": 1}).status_code == 404
    assert client_for(cast, "ann").get(_url(cast)).status_code == 405
    assert fresh(cast).state == AppraisalState.SELF_ASSESSMENT
