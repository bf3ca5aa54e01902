import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.appeals.models import Appeal, AppealNote, AppealState, CommentRequest, Outcome, Party
from apps.appeals.services import comments, lodging, steps
from apps.committees.models import CommitteeKind
from apps.cycles.models import Appraisal, AppraisalState
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

from .world import actor, build_world, client_for, fresh_appraisal, snapshot


@pytest.fixture
def world(org_a, unit_a, alice):
    return build_world(org_a, unit_a, alice)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(world, name, **kwargs):
    return org_reverse(f"appeals:{name}", world.org, **kwargs)


def lodged(world, subject="overall"):
    with tenant_scope(world.org):
        return lodging.appeal_lodge(**actor(world, "ann"), appraisal=world.appraisal, subject=subject, grounds="g")


def test_the_final_report_offers_an_appeal_while_the_window_is_open(world):
    report = org_reverse("cycles:acknowledge", world.org, appraisal_id=world.appraisal.public_id)
    page = client_for(world, "ann").get(report).content.decode()
    assert "Lodge an appeal" in page and url(world, "lodge", appraisal_id=world.appraisal.public_id) in page
    assert "Lodge an appeal" not in client_for(world, "otto").get(report).content.decode()
    with tenant_scope(world.org):
        Appraisal.objects.filter(pk=world.appraisal.pk).update(released_at=timezone.now() - datetime.timedelta(days=20))
    page = client_for(world, "ann").get(report).content.decode()
    assert "Lodge an appeal" not in page and "The appeal window closed on" in page


def test_lodging_with_an_attachment_then_downloading_it(world):
    ann = client_for(world, "ann")
    lodge_url = url(world, "lodge", appraisal_id=world.appraisal.public_id)
    page = ann.get(lodge_url).content.decode()
    assert "The overall level (now: 3)" in page and "Target: Grow sales" in page and "Competency: Teamwork" in page
    response = ann.post(
        lodge_url,
        {
            "subject": f"target:{world.target.public_id}",
            "grounds": "I closed every deal.",
            "attachments": [SimpleUploadedFile("figures.pdf", b"%PDF-1.4 q3"), SimpleUploadedFile("note.txt", b"hi")],
        },
    )
    with tenant_scope(world.org):
        appeal = Appeal.objects.get()
        files = list(appeal.attachments.all())
    assert response.status_code == 302 and response["Location"] == url(
        world, "appeal_detail", appeal_id=appeal.public_id
    )
    detail = ann.get(response["Location"]).content.decode()
    assert "figures.pdf" in detail and "Sales appeal board" in detail
    download = url(world, "attachment_download", appealattachment_id=files[0].public_id)
    got = ann.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 q3"
    assert got["Content-Disposition"].startswith("attachment")
    assert client_for(world, "bea").get(download).status_code == 200
    for outsider in ("otto", "dave", "cora"):
        assert client_for(world, outsider).get(download).status_code == 404


def test_a_refused_file_is_an_error_at_the_field(world):
    response = client_for(world, "ann").post(
        url(world, "lodge", appraisal_id=world.appraisal.public_id),
        {"subject": "overall", "grounds": "g", "attachments": [SimpleUploadedFile("run.exe", b"MZ")]},
    )
    assert response.status_code == 400
    assert "is not a file type we accept" in response.content.decode()
    with tenant_scope(world.org):
        assert not Appeal.objects.exists()


def test_after_the_window_the_page_says_so_and_lodges_nothing(world):
    with tenant_scope(world.org):
        Appraisal.objects.filter(pk=world.appraisal.pk).update(released_at=timezone.now() - datetime.timedelta(days=20))
    lodge_url = url(world, "lodge", appraisal_id=world.appraisal.public_id)
    ann = client_for(world, "ann")
    assert "The appeal window has closed" in ann.get(lodge_url).content.decode()
    ann.post(lodge_url, {"subject": "overall", "grounds": "late"})
    with tenant_scope(world.org):
        assert not Appeal.objects.exists()


def test_only_the_appraisee_reaches_the_lodge_page(world):
    lodge_url = url(world, "lodge", appraisal_id=world.appraisal.public_id)
    for name in ("otto", "alice", "dave"):
        assert client_for(world, name).get(lodge_url).status_code == 404


def test_the_appellant_reads_the_decision_but_not_the_boards_notes(world):
    appeal = lodged(world)
    with tenant_scope(world.org):
        steps.appeal_add_note(**actor(world, "mel"), appeal=appeal, text="SECRET deliberation")
        steps.appeal_acknowledge(**actor(world, "bea"), appeal=appeal)
        steps.appeal_start_review(**actor(world, "bea"), appeal=appeal)
        steps.appeal_decide(
            **actor(world, "bea"), appeal=appeal, outcome=Outcome.UPHELD, reasons="Good REASONS", new_value="4"
        )
    detail = url(world, "appeal_detail", appeal_id=appeal.public_id)
    ann_page = client_for(world, "ann").get(detail).content.decode()
    assert "Good REASONS" in ann_page and "Decision: Upheld" in ann_page
    assert (
        "SECRET" not in ann_page and "Added an internal note" not in ann_page and "Members not sitting" not in ann_page
    )
    assert "I have read the outcome" in ann_page
    for name in ("mel", "alice"):
        page = client_for(world, name).get(detail).content.decode()
        assert "SECRET deliberation" in page and "Otto" in page  # the note, and who is excluded
    for name in ("otto", "dave", "cora"):
        assert client_for(world, name).get(detail).status_code == 404


def test_board_steps_through_the_pages(world):
    appeal = lodged(world)
    detail = url(world, "appeal_detail", appeal_id=appeal.public_id)
    step = url(world, "appeal_step", appeal_id=appeal.public_id)
    assert client_for(world, "mel").post(step, {"step": "acknowledge"}).status_code == 403
    bea = client_for(world, "bea")
    assert "Acknowledge the appeal" in bea.get(detail).content.decode()
    assert bea.post(step, {"step": "acknowledge"})["Location"] == detail
    assert bea.post(step, {"step": "bogus"}).status_code == 302
    response = bea.post(
        url(world, "appeal_request_comments", appeal_id=appeal.public_id),
        {"parties": [Party.APPRAISING_OFFICER], "question": "Why 3?", "due_at": ""},
    )
    assert response.status_code == 400 and "Give the deadline" in response.content.decode()
    due = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = bea.post(
        url(world, "appeal_request_comments", appeal_id=appeal.public_id),
        {"parties": [Party.APPRAISING_OFFICER], "question": "Why 3?", "due_at": due},
    )
    assert response.status_code == 302
    response = bea.post(url(world, "appeal_decide", appeal_id=appeal.public_id), {"outcome": "upheld", "reasons": "x"})
    assert response.status_code == 400 and "choose the new value" in response.content.decode()
    response = bea.post(
        url(world, "appeal_hearing", appeal_id=appeal.public_id), {"hearing_at": "not a date", "place": "Room 1"}
    )
    assert response.status_code == 400
    with tenant_scope(world.org):
        assert Appeal.objects.get().state == AppealState.UNDER_REVIEW


def test_the_officer_answers_on_the_comments_page_and_sees_nothing_else(world):
    appeal = lodged(world)
    with tenant_scope(world.org):
        steps.appeal_acknowledge(**actor(world, "bea"), appeal=appeal)
        comments.comments_request(
            **actor(world, "bea"),
            appeal=appeal,
            parties=[Party.APPRAISING_OFFICER],
            question="Why level 3?",
            due_at=timezone.now() + datetime.timedelta(days=1),
        )
        request = CommentRequest.objects.get()
        AppealNote.objects.create(organization=world.org, appeal=appeal, text="SECRET")
    otto = client_for(world, "otto")
    detail = url(world, "appeal_detail", appeal_id=appeal.public_id)
    comments_url = url(world, "appeal_comments", appeal_id=appeal.public_id)
    assert otto.get(detail)["Location"] == comments_url
    page = otto.get(comments_url).content.decode()
    assert "Why level 3?" in page and "SECRET" not in page and "My sales" not in page
    assert otto.post(comments_url, {"request": "nope", "response": "x"}).status_code == 404
    assert otto.post(comments_url, {"request": str(request.public_id), "response": ""}).status_code == 400
    response = otto.post(comments_url, {"request": str(request.public_id), "response": "The targets slipped."})
    assert response.status_code == 302
    with tenant_scope(world.org):
        assert CommentRequest.objects.get().response == "The targets slipped."
    assert "The targets slipped." in client_for(world, "bea").get(detail).content.decode()
    assert client_for(world, "dave").get(comments_url).status_code == 404
    assert client_for(world, "ann").get(comments_url).status_code == 404  # nothing asked of her


def test_my_appeals_and_overdue_requests_show(world):
    appeal = lodged(world)
    with tenant_scope(world.org):
        steps.appeal_acknowledge(**actor(world, "bea"), appeal=appeal)
        comments.comments_request(
            **actor(world, "bea"),
            appeal=appeal,
            parties=[Party.APPELLANT],
            question="q",
            due_at=timezone.now() + datetime.timedelta(days=1),
        )
        CommentRequest.objects.update(due_at=timezone.now() - datetime.timedelta(hours=1))
    page = client_for(world, "ann").get(url(world, "mine")).content.decode()
    assert "The overall level" in page and "Overdue" in page
    assert "Comments overdue" in client_for(world, "bea").get(url(world, "queue")).content.decode()


def test_the_board_queue_is_offered_to_board_members_and_hr_only(world):
    link = "Appeal board queue</a>"
    assert link not in client_for(world, "ann").get(url(world, "mine")).content.decode()
    assert link not in client_for(world, "dave").get(url(world, "mine")).content.decode()
    assert link in client_for(world, "mel").get(url(world, "mine")).content.decode()
    assert link in client_for(world, "alice").get(url(world, "mine")).content.decode()


def _more_appeals(world, count):
    with tenant_scope(world.org):
        for _ in range(count):
            employee = factories.EmployeeFactory(organization=world.org, unit=world.north, manager=world.emp["otto"])
            appraisal = factories.AppraisalFactory(
                organization=world.org,
                cycle_template=world.ct,
                employee=employee,
                appraising_officer=world.emp["otto"],
                state=AppraisalState.RELEASED,
                released_at=timezone.now(),
                overall_level=str(1 + _ % 5),
                overall_score=1 + _ % 5,
            )
            factories.AppealFactory(organization=world.org, appraisal=appraisal, appellant=employee, board=world.board)


def _queries(client, path):
    client.get(path)  # the first request of a session does its own bookkeeping
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("who", "name", "query"), [("alice", "hr_list", "?state=lodged"), ("bea", "queue", "")])
def test_lists_take_a_constant_number_of_queries(world, who, name, query):
    client = client_for(world, who)
    path = url(world, name) + query
    _more_appeals(world, 2)
    few = _queries(client, path)
    _more_appeals(world, 12)
    assert _queries(client, path) == few


def test_hr_list_filters_and_survives_bad_input(world):
    lodged(world)
    alice = client_for(world, "alice")
    assert "Ann" in alice.get(url(world, "hr_list") + f"?board={world.board.public_id}").content.decode()
    assert "Ann" not in alice.get(url(world, "hr_list") + "?board=none").content.decode()
    assert alice.get(url(world, "hr_list") + "?state=bogus&board=x&cycle=y&page=zz").status_code == 200
    assert client_for(world, "bea").get(url(world, "hr_list")).status_code == 403


def test_results_page(world):
    _more_appeals(world, 5)  # levels 1..5, each under appeal
    results = url(world, "cycle_results", cycle_id=world.cycle.public_id)
    alice = client_for(world, "alice")
    page = alice.get(results).content.decode()
    assert "Recognition: levels 4, 5" in page and "Below standard: levels 1, 2" in page
    assert page.count("Counselling</span>") == 2  # the two at levels 1 and 2
    assert "Under appeal" in page
    assert client_for(world, "dave").get(results).status_code == 404
    with tenant_scope(world.org):
        pmc = factories.CommitteeFactory(organization=world.org, kind=CommitteeKind.PMC, name="PMC")
        factories.CommitteeMemberFactory(organization=world.org, committee=pmc, employee=world.emp["dave"])
    assert client_for(world, "dave").get(results).status_code == 200
    overview = org_reverse("cycles:cycle_overview", world.org, cycle_id=world.cycle.public_id)
    assert results in alice.get(overview).content.decode()


def _earlier_results(world, levels_by_appraisal: dict, state=AppraisalState.RELEASED):
    """A cycle launched a year before world.cycle, in which each given appraisal's appraisee had
    the given level."""
    with tenant_scope(world.org):
        now = timezone.now()
        type(world.cycle).objects.filter(pk=world.cycle.pk).update(launched_at=now)
        world.cycle.refresh_from_db()
        earlier = factories.CycleFactory(organization=world.org, launched_at=now - datetime.timedelta(days=365))
        ct = factories.CycleTemplateFactory(organization=world.org, cycle=earlier, snapshot=snapshot())
        for appraisal, level in levels_by_appraisal.items():
            factories.AppraisalFactory(
                organization=world.org, cycle_template=ct, employee=appraisal.employee, state=state, overall_level=level
            )


def test_below_standard_two_cycles_running_is_flagged_for_hr(world):
    _more_appeals(world, 5)  # levels 1..5
    with tenant_scope(world.org):
        at = {a.overall_level: a for a in Appraisal.objects.filter(cycle=world.cycle, overall_score__isnull=False)}
    _earlier_results(world, {at["1"]: "2", at["2"]: "3"})  # level 1 now and 2 (below standard) before
    _earlier_results(world, {at["2"]: "1"}, state=AppraisalState.WITH_OFFICER)  # not a result: ignored
    page = client_for(world, "alice").get(url(world, "cycle_results", cycle_id=world.cycle.public_id))
    assert [a.pk for a in page.context["persisting"]] == [at["1"].pk]
    html = page.content.decode()
    assert html.count("Second cycle: escalate to HR") == 1 and "Below standard two cycles running" in html


def test_the_escalation_check_costs_the_same_queries_however_many_are_flagged(world):
    alice = client_for(world, "alice")
    results = url(world, "cycle_results", cycle_id=world.cycle.public_id)

    def flag_everyone_below_standard():
        with tenant_scope(world.org):
            below = Appraisal.objects.filter(cycle=world.cycle, overall_level__in=["1", "2"])
            _earlier_results(world, dict.fromkeys(below, "1"))

    _more_appeals(world, 5)
    flag_everyone_below_standard()
    few = _queries(alice, results)
    _more_appeals(world, 15)
    flag_everyone_below_standard()
    assert len(alice.get(results).context["persisting"]) == 8
    assert _queries(alice, results) == few


def test_results_take_a_constant_number_of_queries(world):
    alice = client_for(world, "alice")
    results = url(world, "cycle_results", cycle_id=world.cycle.public_id)
    _more_appeals(world, 5)
    few = _queries(alice, results)
    _more_appeals(world, 15)
    assert _queries(alice, results) == few


def test_lodged_appeal_keeps_the_appraisal_state(world):
    lodged(world)
    assert fresh_appraisal(world).state == AppraisalState.RELEASED


def test_what_is_already_under_appeal_is_not_offered_again(world):
    lodged(world)
    page = client_for(world, "ann").get(url(world, "lodge", appraisal_id=world.appraisal.public_id)).content.decode()
    assert "The overall level (now" not in page and "Target: Grow sales" in page
    report = org_reverse("cycles:acknowledge", world.org, appraisal_id=world.appraisal.public_id)
    assert "Your appeal against the overall level" in client_for(world, "ann").get(report).content.decode()
