"""The mid-term review: progress notes, revisions with a reason, and the meeting date."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.cycles.models import AppraisalState, AppraisalTarget, PhaseKind, RatingChange
from apps.cycles.services.midterm import midterm_meeting_save, midterm_note_save, target_revise
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

from .appraisal_cast import actor, build_cast, client_for, fresh, set_state


@pytest.fixture
def cast(org_a, unit_a, alice):
    return build_cast(org_a, unit_a, alice)


@pytest.fixture
def target(cast):
    set_state(cast, AppraisalState.MIDTERM, PhaseKind.MIDTERM)
    with tenant_scope(cast.org):
        return factories.AppraisalTargetFactory(
            organization=cast.org, appraisal=cast.appraisal, title="Close the books", weight=Decimal("100")
        )


def test_the_appraisee_writes_a_progress_note_and_it_is_kept(cast, target):
    with tenant_scope(cast.org):
        midterm_note_save(appraisal=cast.appraisal, target=target, note="Day 6 now", **actor(cast, "ann"))
        target.refresh_from_db()
        assert target.midterm_note == "Day 6 now"
        assert RatingChange.objects.filter(field="midterm_note", new_value="Day 6 now").exists()
    assert fresh(cast).version == 2


def test_the_officer_revises_a_target_with_a_reason(cast, target):
    with tenant_scope(cast.org):
        target_revise(
            appraisal=cast.appraisal,
            target=target,
            title="Close the books in 5 days",
            measure="",
            weight=Decimal("100"),
            goal=None,
            reason="New system",
            **actor(cast, "otto"),
        )
        change = RatingChange.objects.get(field="title")
        assert (change.old_value, change.reason) == ("Close the books", "New system")


def test_a_revision_without_a_reason_is_refused(cast, target):
    with tenant_scope(cast.org), pytest.raises(ValidationError) as refused:
        target_revise(
            appraisal=cast.appraisal, target=target, title="X", weight=Decimal("100"), reason=" ", **actor(cast, "otto")
        )
    assert "reason" in refused.value.message_dict


def test_the_appraisee_may_not_revise_targets_at_mid_term(cast, target):
    with tenant_scope(cast.org), pytest.raises(PermissionDenied):
        target_revise(
            appraisal=cast.appraisal,
            target=target,
            title="X",
            weight=Decimal("100"),
            reason="I want",
            **actor(cast, "ann"),
        )


def test_the_officer_records_the_meeting_but_not_in_the_future(cast, target):
    with tenant_scope(cast.org):
        midterm_meeting_save(appraisal=cast.appraisal, meeting_on=datetime.date(2026, 1, 20), **actor(cast, "otto"))
        with pytest.raises(ValidationError) as refused:
            midterm_meeting_save(
                appraisal=cast.appraisal,
                meeting_on=datetime.date.today() + datetime.timedelta(days=3),
                **actor(cast, "otto"),
            )
    assert "midterm_meeting_on" in refused.value.message_dict
    assert fresh(cast).midterm_meeting_on == datetime.date(2026, 1, 20)


@pytest.mark.parametrize("who", ["ann", "cora", "alice"])
def test_only_the_officer_records_the_meeting(cast, target, who):
    with tenant_scope(cast.org), pytest.raises(PermissionDenied):
        midterm_meeting_save(appraisal=cast.appraisal, meeting_on=datetime.date(2026, 1, 20), **actor(cast, who))


def test_a_stale_note_is_refused(cast, target):
    with tenant_scope(cast.org):
        midterm_note_save(appraisal=cast.appraisal, target=target, note="First", **actor(cast, "ann"))
        with pytest.raises(ValidationError):
            midterm_note_save(
                appraisal=cast.appraisal, target=target, note="Second", expected_version=1, **actor(cast, "otto")
            )
        assert AppraisalTarget.objects.get(pk=target.pk).midterm_note == "First"


def test_notes_are_closed_outside_the_midterm(cast, target):
    set_state(cast, AppraisalState.PLANNING, PhaseKind.PLANNING)
    with tenant_scope(cast.org), pytest.raises(PermissionDenied):
        midterm_note_save(appraisal=cast.appraisal, target=target, note="Late", **actor(cast, "ann"))


# --- The page ----------------------------------------------------------------------------------


def _url(cast):
    return org_reverse("cycles:midterm", cast.org, appraisal_id=cast.appraisal.public_id)


def test_the_page_saves_a_note_for_one_target(cast, target):
    prefix = f"t{target.public_id.hex}"
    response = client_for(cast, "ann").post(
        _url(cast), {"op": "note", "target": target.public_id, f"{prefix}-note": "On track", f"{prefix}-version": 1}
    )
    assert response.status_code == 302
    with tenant_scope(cast.org):
        assert AppraisalTarget.objects.get(pk=target.pk).midterm_note == "On track"


def test_the_page_shows_a_missing_reason_at_the_field(cast, target):
    response = client_for(cast, "otto").post(
        _url(cast),
        {"op": "revise", "target": target.public_id, "title": "X", "weight": "100", "reason": "", "version": 1},
    )
    assert response.status_code == 200
    assert "reason" in response.context["revise_form"].errors


def test_the_page_records_the_meeting(cast, target):
    response = client_for(cast, "otto").post(
        _url(cast), {"op": "meeting", "midterm_meeting_on": "2026-01-20", "version": 1}
    )
    assert response.status_code == 302
    assert fresh(cast).midterm_meeting_on == datetime.date(2026, 1, 20)


def test_the_appraisee_may_not_post_the_meeting(cast, target):
    response = client_for(cast, "ann").post(
        _url(cast), {"op": "meeting", "midterm_meeting_on": "2026-01-20", "version": 1}
    )
    assert response.status_code == 403


def test_an_outsider_gets_404(cast, target, charlie_client):
    assert client_for(cast, "dave").get(_url(cast)).status_code == 404
    assert charlie_client.get(_url(cast).replace("/o/alpha/", "/o/beta/")).status_code == 404


def test_the_revise_link_shows_the_form_with_a_reason_field(cast, target):
    response = client_for(cast, "otto").get(_url(cast), {"revise": target.public_id})
    assert response.status_code == 200
    assert "reason" in response.context["revise_form"].fields
    assert b"Save the revision" in response.content
    # The appraisee writes notes but is offered no revision.
    page = client_for(cast, "ann").get(_url(cast), {"revise": target.public_id})
    assert page.context["revise_form"] is None and b"Save the note" in page.content
