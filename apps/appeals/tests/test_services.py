import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.appeals.models import (
    Appeal,
    AppealEvent,
    AppealExclusion,
    AppealState,
    CommentRequest,
    ExclusionReason,
    Outcome,
    Party,
)
from apps.appeals.services import comments, lodging, steps
from apps.cycles.models import Appraisal, RatingChange
from apps.notifications.models import Kind, Notification
from apps.tenancy.scoping import tenant_scope

from .world import actor, build_world


@pytest.fixture
def world(org_a, unit_a, alice):
    return build_world(org_a, unit_a, alice)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def lodge(world, subject="overall", grounds="My sales doubled.", files=(), who="ann"):
    return lodging.appeal_lodge(
        **actor(world, who), appraisal=world.appraisal, subject=subject, grounds=grounds, files=files
    )


def test_lodging_routes_to_the_closest_board_and_excludes_the_officer(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        assert appeal.board == world.board
        assert appeal.state == AppealState.LODGED
        assert appeal.contested_value == "3"
        excluded = dict(AppealExclusion.objects.filter(appeal=appeal).values_list("employee_id", "reason"))
        assert excluded == {world.emp["otto"].pk: ExclusionReason.APPRAISING_OFFICER}
        assert list(AppealEvent.objects.filter(appeal=appeal).values_list("action", flat=True)) == ["lodge"]
        told = set(Notification.objects.filter(kind=Kind.APPEAL).values_list("recipient_id", flat=True))
        assert told == {world.users[n].pk for n in ("bea", "sid", "mel")}


def test_a_board_with_nobody_left_to_sit_passes_to_the_next(world):
    with tenant_scope(world.org):
        world.board.members.exclude(employee=world.emp["otto"]).delete()
        appeal = lodge(world)
        # The central board's only member, Cora, is Ann's countersigning officer: nobody can sit.
        assert appeal.board is None
        assert set(Notification.objects.filter(kind=Kind.APPEAL).values_list("recipient_id", flat=True)) == {
            world.users["alice"].pk
        }


def test_hr_routes_an_unassigned_appeal_once_a_board_exists(world):
    with tenant_scope(world.org):
        world.board.is_active = False
        world.board.save()
        appeal = lodge(world)
        assert appeal.board is None
        with pytest.raises(PermissionDenied):
            lodging.appeal_route(**actor(world, "bea"), appeal=appeal)
        world.board.is_active = True
        world.board.save()
        appeal = lodging.appeal_route(**actor(world, "alice"), appeal=appeal)
        assert appeal.board == world.board


def test_lodging_is_the_appraisees_alone(world):
    with tenant_scope(world.org), pytest.raises(PermissionDenied):
        lodge(world, who="otto")


def test_after_the_window_lodging_is_refused(world):
    with tenant_scope(world.org):
        Appraisal.objects.filter(pk=world.appraisal.pk).update(released_at=timezone.now() - datetime.timedelta(days=15))
        with pytest.raises(ValidationError, match="appeal window closed"):
            lodge(world)


def test_before_release_lodging_is_refused(world):
    with tenant_scope(world.org):
        Appraisal.objects.filter(pk=world.appraisal.pk).update(state="countersigned", released_at=None)
        with pytest.raises(ValidationError, match="once the result has been released"):
            lodge(world)


@pytest.mark.parametrize(
    ("subject", "grounds", "field"),
    [("nonsense", "x", "subject"), ("overall", "  ", "grounds"), ("competency:zz", "x", "subject")],
)
def test_field_errors(world, subject, grounds, field):
    with tenant_scope(world.org), pytest.raises(ValidationError) as caught:
        lodge(world, subject=subject, grounds=grounds)
    assert field in caught.value.message_dict


def test_one_open_appeal_per_subject(world):
    with tenant_scope(world.org):
        lodge(world)
        lodge(world, subject=f"target:{world.target.public_id}")
        with pytest.raises(ValidationError) as caught:
            lodge(world)
        assert "subject" in caught.value.message_dict


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("virus.exe", b"MZ", "not a file type"), ("huge.pdf", b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB")],
)
def test_attachment_limits_are_field_errors(world, name, content, message):
    with tenant_scope(world.org), pytest.raises(ValidationError) as caught:
        lodge(world, files=[SimpleUploadedFile(name, content)])
    assert message in caught.value.message_dict["attachments"][0]
    with tenant_scope(world.org):
        assert not Appeal.objects.exists()


def test_attachments_are_stored_under_the_tenant(world, tmp_path):
    with tenant_scope(world.org):
        appeal = lodge(world, files=[SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 numbers")])
        attachment = appeal.attachments.get()
        assert attachment.file.name.startswith(f"appeals/{world.org.public_id}/")
        assert (tmp_path / attachment.file.name).read_bytes() == b"%PDF-1.4 numbers"


def _to_review(world, appeal):
    steps.appeal_acknowledge(**actor(world, "bea"), appeal=appeal)
    return steps.appeal_start_review(**actor(world, "sid"), appeal=appeal)


def test_the_whole_way_with_an_upheld_decision_changing_the_level(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        steps.appeal_acknowledge(**actor(world, "bea"), appeal=appeal)
        due = timezone.now() + datetime.timedelta(days=3)
        comments.comments_request(
            **actor(world, "bea"),
            appeal=appeal,
            parties=[Party.APPRAISING_OFFICER, Party.APPELLANT],
            question="Why level 3?",
            due_at=due,
        )
        appeal.refresh_from_db()
        assert appeal.state == AppealState.UNDER_REVIEW
        otto_request = CommentRequest.objects.get(appeal=appeal, party=Party.APPRAISING_OFFICER)
        comments.comments_respond(**actor(world, "otto"), request=otto_request, response="Targets were late.")
        steps.appeal_schedule_hearing(
            **actor(world, "sid"), appeal=appeal, hearing_at=timezone.now() + datetime.timedelta(days=5), place="Room 4"
        )
        steps.appeal_decide(
            **actor(world, "bea"), appeal=appeal, outcome=Outcome.UPHELD, reasons="Sales doubled.", new_value="4"
        )
        appeal.refresh_from_db()
        assert (appeal.state, appeal.outcome, appeal.changed_to) == (AppealState.DECIDED, Outcome.UPHELD, "4")
        appraisal = Appraisal.objects.get(pk=world.appraisal.pk)
        assert appraisal.overall_level == "4"
        change = RatingChange.objects.get(appraisal=appraisal, field="overall_level")
        assert (change.old_value, change.new_value) == ("3", "4")
        assert "Appeal decided by Sales appeal board" in change.reason
        steps.appeal_acknowledge_outcome(**actor(world, "ann"), appeal=appeal)
        appeal.refresh_from_db()
        assert appeal.state == AppealState.CLOSED and appeal.outcome_acknowledged_at
        actions = list(AppealEvent.objects.filter(appeal=appeal).values_list("action", flat=True))
        assert actions == [
            "lodge",
            "acknowledge",
            "request_comments",
            "respond",
            "schedule_hearing",
            "decide",
            "acknowledge_outcome",
        ]
        ann_notices = Notification.objects.filter(recipient=world.users["ann"]).values_list("title", flat=True)
        assert any("decided: upheld" in title for title in ann_notices)


def test_a_decision_on_a_rating_recomputes_through_the_adjustment(world):
    with tenant_scope(world.org):
        appeal = lodge(world, subject=f"target:{world.target.public_id}")
        _to_review(world, appeal)
        steps.appeal_decide(
            **actor(world, "bea"), appeal=appeal, outcome=Outcome.PARTLY_UPHELD, reasons="Partly.", new_value="5"
        )
        world.target.refresh_from_db()
        assert world.target.officer_rating == 5
        appraisal = Appraisal.objects.get(pk=world.appraisal.pk)
        assert appraisal.overall_score == 4  # 50% targets at 5, 50% competency at 3
        appeal.refresh_from_db()
        assert appeal.changed_to == "5 Outstanding"


@pytest.mark.parametrize(
    ("outcome", "new_value", "field"),
    [
        (Outcome.UPHELD, "", "new_value"),
        (Outcome.DISMISSED, "4", "new_value"),
        (Outcome.UPHELD, "9", "new_value"),
        (Outcome.UPHELD, "3", "new_value"),  # already at 3
        ("maybe", "", "outcome"),
    ],
)
def test_decision_errors_are_at_the_fields_and_change_nothing(world, outcome, new_value, field):
    with tenant_scope(world.org):
        appeal = lodge(world)
        _to_review(world, appeal)
        with pytest.raises(ValidationError) as caught:
            steps.appeal_decide(**actor(world, "bea"), appeal=appeal, outcome=outcome, reasons="r", new_value=new_value)
        assert field in caught.value.message_dict
        appeal.refresh_from_db()
        assert appeal.state == AppealState.UNDER_REVIEW
        assert Appraisal.objects.get(pk=world.appraisal.pk).overall_level == "3"


def test_excluded_and_plain_members_cannot_decide(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        _to_review(world, appeal)
        for name in ("otto", "mel", "alice", "ann", "dave"):
            with pytest.raises(PermissionDenied):
                steps.appeal_decide(**actor(world, name), appeal=appeal, outcome=Outcome.DISMISSED, reasons="r")


def test_steps_out_of_order_are_refused(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        with pytest.raises(PermissionDenied):
            steps.appeal_decide(**actor(world, "bea"), appeal=appeal, outcome=Outcome.DISMISSED, reasons="r")
        with pytest.raises(PermissionDenied):
            steps.appeal_close(**actor(world, "alice"), appeal=appeal)


def test_hr_closes_a_decided_appeal(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        _to_review(world, appeal)
        steps.appeal_decide(**actor(world, "bea"), appeal=appeal, outcome=Outcome.DISMISSED, reasons="No grounds.")
        steps.appeal_close(**actor(world, "alice"), appeal=appeal, note="Not acknowledged in a month.")
        appeal.refresh_from_db()
        assert appeal.state == AppealState.CLOSED and appeal.outcome_acknowledged_at is None
        # A closed appeal makes room for a new one on the same subject.
        assert lodge(world).pk != appeal.pk


def test_comment_requests_remind_once_when_due(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        _to_review(world, appeal)
        comments.comments_request(
            **actor(world, "bea"),
            appeal=appeal,
            parties=[Party.APPRAISING_OFFICER],
            question="Comment?",
            due_at=timezone.now() + datetime.timedelta(hours=1),
        )
        request = CommentRequest.objects.get()
        assert not request.is_overdue
        assert Notification.objects.filter(recipient=world.users["otto"], kind=Kind.APPEAL).count() == 1
        later = timezone.now() + datetime.timedelta(hours=2)
        assert comments.comment_reminders_send(world.org, now=later) == 1
        assert comments.comment_reminders_send(world.org, now=later) == 0
        assert Notification.objects.filter(recipient=world.users["otto"], kind=Kind.REMINDER).count() == 1
        CommentRequest.objects.update(due_at=timezone.now() - datetime.timedelta(minutes=1))
        assert CommentRequest.objects.get().is_overdue


def test_comment_request_errors(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        _to_review(world, appeal)
        with pytest.raises(ValidationError) as caught:
            comments.comments_request(
                **actor(world, "bea"), appeal=appeal, parties=[], question="", due_at=timezone.now()
            )
        assert "parties" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            comments.comments_request(
                **actor(world, "bea"), appeal=appeal, parties=["appellant"], question="q", due_at=timezone.now()
            )
        assert "due_at" in caught.value.message_dict


def test_only_the_addressee_answers_and_only_once(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        _to_review(world, appeal)
        comments.comments_request(
            **actor(world, "bea"),
            appeal=appeal,
            parties=[Party.APPELLANT],
            question="More?",
            due_at=timezone.now() + datetime.timedelta(days=1),
        )
        request = CommentRequest.objects.get()
        with pytest.raises(PermissionDenied):
            comments.comments_respond(**actor(world, "otto"), request=request, response="x")
        comments.comments_respond(**actor(world, "ann"), request=request, response="Here.")
        with pytest.raises(ValidationError):
            comments.comments_respond(**actor(world, "ann"), request=request, response="Again.")


def test_notes_are_the_boards(world):
    with tenant_scope(world.org):
        appeal = lodge(world)
        steps.appeal_add_note(**actor(world, "mel"), appeal=appeal, text="Check the Q3 figures.")
        for name in ("ann", "otto", "dave"):
            with pytest.raises(PermissionDenied):
                steps.appeal_add_note(**actor(world, name), appeal=appeal, text="x")
        assert not AppealEvent.objects.get(action="note").visible_to_appellant


def test_the_reminder_task_runs_in_its_organisation(world, org_b):
    from apps.appeals.tasks import remind_comments

    with tenant_scope(world.org):
        appeal = lodge(world)
        _to_review(world, appeal)
        comments.comments_request(
            **actor(world, "bea"),
            appeal=appeal,
            parties=[Party.APPELLANT],
            question="q",
            due_at=timezone.now() + datetime.timedelta(hours=1),
        )
        CommentRequest.objects.update(due_at=timezone.now() - datetime.timedelta(minutes=5))
    assert remind_comments(org_b.pk) == 0
    assert remind_comments(world.org.pk) == 1
    with tenant_scope(world.org):
        assert Notification.objects.filter(recipient=world.users["ann"], kind=Kind.REMINDER).count() == 1


def test_a_renamed_file_is_refused(world):
    with tenant_scope(world.org), pytest.raises(ValidationError) as caught:
        lodge(world, files=[SimpleUploadedFile("report.pdf", b"MZ\x90\x00 a program")])
    assert "is not a real PDF file" in caught.value.message_dict["attachments"][0]
