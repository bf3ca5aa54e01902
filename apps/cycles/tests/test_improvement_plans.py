"""Counselling and improvement plans after a below-standard result: who starts, reads,
acknowledges and closes one, what each refuses with a message at the field, and the pages.

The world is the appeals tests' (apps/appeals/tests/world.py): Ann's released appraisal on a
five-level scale with Otto as appraising officer and Cora countersigning; Alice is HR, Dave
has no part in it. Ann's level is set to 2 (below standard) here.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.appeals.tests.world import actor, build_world, client_for
from apps.cycles import tasks
from apps.cycles.models import Appraisal, AppraisalState, CycleStatus, ImprovementPlan, PhaseKind, PlanStatus
from apps.cycles.services.improvement_plans import (
    plan_acknowledge,
    plan_close,
    plan_create,
    plan_update,
    review_reminders_send,
)
from apps.notifications.models import Kind, Notification
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse

TODAY = datetime.date.today()


@pytest.fixture
def world(org_a, unit_a, alice):
    world = build_world(org_a, unit_a, alice)
    with tenant_scope(org_a):
        Appraisal.objects.filter(pk=world.appraisal.pk).update(overall_level="2", overall_score=2)
        world.appraisal.refresh_from_db()
    return world


def _values(**changes):
    return {
        "counselled_on": TODAY - datetime.timedelta(days=2),
        "areas": "Reports are late and need rework.",
        "actions": "Weekly planning with Otto; reports drafted two days before they are due.",
        "support": "The report-writing course in May.",
        "review_on": TODAY + datetime.timedelta(days=90),
        **changes,
    }


def _start(world, who="otto", **changes):
    return plan_create(**actor(world, who), appraisal=world.appraisal, **_values(**changes))


def test_the_appraising_officer_starts_a_plan_and_the_person_is_told(world):
    with tenant_scope(world.org):
        plan = _start(world)
        assert (plan.employee, plan.officer, plan.status) == (world.emp["ann"], world.emp["otto"], PlanStatus.OPEN)
        assert AuditEvent.objects.filter(action="improvement_plan.created", object_id=plan.public_id).exists()
        told = Notification.objects.get(kind=Kind.IMPROVEMENT_PLAN)
        assert told.recipient_id == world.users["ann"].pk and str(plan.public_id) in told.url


@pytest.mark.parametrize("who", ["ann", "cora", "dave"])
def test_only_hr_or_the_appraising_officer_start_one(world, who):
    with tenant_scope(world.org), pytest.raises(PermissionDenied):
        _start(world, who)
    with tenant_scope(world.org):
        assert not ImprovementPlan.objects.exists()
        assert _start(world, "alice").pk  # HR may


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"areas": "  "}, "areas"),
        ({"actions": ""}, "actions"),
        ({"counselled_on": None}, "counselled_on"),
        ({"counselled_on": TODAY + datetime.timedelta(days=1)}, "counselled_on"),
        ({"review_on": None}, "review_on"),
        ({"review_on": TODAY - datetime.timedelta(days=3)}, "review_on"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(world, changes, field):
    with tenant_scope(world.org):
        with pytest.raises(ValidationError) as refused:
            _start(world, **changes)
        assert field in refused.value.message_dict
        assert not ImprovementPlan.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"overall_level": "3"}, "below standard"),
        ({"state": AppraisalState.COUNTERSIGNED}, "not released yet"),
    ],
)
def test_a_plan_is_for_a_released_result_below_standard(world, update, message):
    with tenant_scope(world.org):
        Appraisal.objects.filter(pk=world.appraisal.pk).update(**update)
        with pytest.raises(ValidationError) as refused:
            _start(world)
        assert message in refused.value.message_dict["__all__"][0]


def test_one_plan_per_appraisal(world):
    with tenant_scope(world.org):
        _start(world)
        with pytest.raises(ValidationError) as refused:
            _start(world, "alice")
        assert "already" in refused.value.message_dict["__all__"][0]
        assert ImprovementPlan.objects.count() == 1


def test_the_person_acknowledges_once_with_a_comment(world):
    with tenant_scope(world.org):
        plan = _start(world)
        with pytest.raises(PermissionDenied):
            plan_acknowledge(**actor(world, "otto"), plan=plan, comment="")
        plan = plan_acknowledge(**actor(world, "ann"), plan=plan, comment=" I will ask for the course. ")
        assert plan.employee_comment == "I will ask for the course." and plan.acknowledged_at is not None
        with pytest.raises(ValidationError):
            plan_acknowledge(**actor(world, "ann"), plan=plan, comment="again")


def test_changes_are_audited_and_a_closed_plan_no_longer_changes(world):
    with tenant_scope(world.org):
        plan = _start(world)
        later = TODAY + datetime.timedelta(days=120)
        plan = plan_update(**actor(world, "alice"), plan=plan, review_on=later)
        event = AuditEvent.objects.get(action="improvement_plan.changed")
        assert plan.review_on == later and event.changes["review_on"][1] == str(later)
        with pytest.raises(ValidationError) as refused:
            plan_close(**actor(world, "otto"), plan=plan, status="maybe", outcome=" ")
        assert set(refused.value.message_dict) == {"status", "outcome"}
        plan = plan_close(**actor(world, "otto"), plan=plan, status=PlanStatus.NOT_IMPROVED, outcome="Still late.")
        assert plan.status == PlanStatus.NOT_IMPROVED and plan.closed_at is not None
        told = Notification.objects.filter(kind=Kind.IMPROVEMENT_PLAN)
        assert told.filter(recipient=world.users["ann"]).count() == 2  # the plan, and how it closed
        # Not improved: HR is told, to take it up.
        assert [n.title for n in told.exclude(recipient=world.users["ann"])] == [
            "Ann Example did not improve under their plan: for HR to take up"
        ]
        assert told.get(recipient=world.users["alice"])
        for attempt in (
            lambda: plan_update(**actor(world, "otto"), plan=plan, areas="More"),
            lambda: plan_acknowledge(**actor(world, "ann"), plan=plan),
            lambda: plan_close(**actor(world, "otto"), plan=plan, status=PlanStatus.IMPROVED, outcome="Better"),
        ):
            with pytest.raises(ValidationError):
                attempt()


# --- Pages --------------------------------------------------------------------------------------


def _url(world, name, obj):
    key = "appraisal_id" if isinstance(obj, Appraisal) else "improvementplan_id"
    return org_reverse(f"cycles:{name}", world.org, **{key: obj.public_id})


def _form(**changes):
    values = _values(**changes)
    return {key: ("" if value is None else str(value)) for key, value in values.items()}


def test_the_officer_starts_it_from_the_result_page(world):
    otto = client_for(world, "otto")
    result = otto.get(_url(world, "acknowledge", world.appraisal)).content.decode()
    assert _url(world, "plan_create", world.appraisal) in result
    refused = otto.post(_url(world, "plan_create", world.appraisal), _form(areas=""))
    assert refused.status_code == 200 and "Say what must improve." in refused.content.decode()
    response = otto.post(_url(world, "plan_create", world.appraisal), _form())
    with tenant_scope(world.org):
        plan = ImprovementPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(world, "plan_detail", plan)
    # Asked again, the form leads to the plan there is.
    assert otto.get(_url(world, "plan_create", world.appraisal))["Location"] == _url(world, "plan_detail", plan)


@pytest.mark.parametrize(("who", "status"), [("ann", 200), ("otto", 200), ("cora", 200), ("alice", 200), ("dave", 404)])
def test_who_reads_the_plan(world, who, status):
    with tenant_scope(world.org):
        plan = _start(world)
    assert client_for(world, who).get(_url(world, "plan_detail", plan)).status_code == status


@pytest.mark.parametrize("who", ["ann", "cora", "dave"])
def test_only_those_who_lead_it_reach_the_forms_that_change_it(world, who):
    with tenant_scope(world.org):
        plan = _start(world)
    client = client_for(world, who)
    assert client.get(_url(world, "plan_create", world.appraisal)).status_code == 404
    assert client.get(_url(world, "plan_edit", plan)).status_code == 404
    closed = client.post(_url(world, "plan_close", plan), {"status": PlanStatus.IMPROVED, "outcome": "Fine"})
    assert closed.status_code in (403, 404)
    with tenant_scope(world.org):
        assert ImprovementPlan.objects.get().is_open


def test_the_person_acknowledges_on_the_page_and_the_officer_closes_it(world):
    with tenant_scope(world.org):
        plan = _start(world)
    ann, otto = client_for(world, "ann"), client_for(world, "otto")
    page = ann.get(_url(world, "plan_detail", plan)).content.decode()
    assert "Acknowledge the plan" in page and "Close the plan" not in page
    assert ann.post(_url(world, "plan_acknowledge", plan), {"comment": "Agreed."}).status_code == 302
    refused = otto.post(_url(world, "plan_close", plan), {"status": PlanStatus.IMPROVED, "outcome": ""})
    assert refused.status_code == 400 and "Say what the review found." in refused.content.decode()
    assert (
        otto.post(
            _url(world, "plan_close", plan), {"status": PlanStatus.IMPROVED, "outcome": "On time now."}
        ).status_code
        == 302
    )
    page = ann.get(_url(world, "plan_detail", plan)).content.decode()
    assert "Closed: improved" in page and "Agreed." in page and "On time now." in page
    with tenant_scope(world.org):
        assert ImprovementPlan.objects.get().closed_at <= timezone.now()
        assert not Notification.objects.filter(recipient=world.users["alice"]).exists()  # improved: nothing for HR


def test_the_results_page_shows_each_below_standard_persons_plan(world):
    alice = client_for(world, "alice")
    results = org_reverse("appeals:cycle_results", world.org, cycle_id=world.cycle.public_id)
    assert _url(world, "plan_create", world.appraisal) in alice.get(results).content.decode()
    with tenant_scope(world.org):
        plan = _start(world)
    page = alice.get(results).content.decode()
    assert _url(world, "plan_detail", plan) in page and "Under way" in page


def test_the_appraising_officer_is_asked_to_set_a_plan_until_there_is_one(world):
    with tenant_scope(world.org):
        type(world.cycle).objects.filter(pk=world.cycle.pk).update(
            status=CycleStatus.ACTIVE, current_phase=PhaseKind.ACKNOWLEDGEMENT
        )
    otto = client_for(world, "otto")
    tasks = org_reverse("cycles:my_tasks", world.org)
    assert _url(world, "plan_create", world.appraisal) in otto.get(tasks).content.decode()
    assert "set an improvement plan" not in client_for(world, "ann").get(tasks).content.decode()
    with tenant_scope(world.org):
        _start(world)
    assert "set an improvement plan" not in otto.get(tasks).content.decode()


# --- Review reminders ---------------------------------------------------------------------------


def test_the_leader_is_reminded_once_when_the_review_comes_and_again_for_a_new_date(world):
    with tenant_scope(world.org):
        plan = _start(world)
        assert review_reminders_send(world.org, today=plan.review_on - datetime.timedelta(days=1)) == 0
        assert review_reminders_send(world.org, today=plan.review_on) == 1
        assert review_reminders_send(world.org, today=plan.review_on + datetime.timedelta(days=1)) == 0
        reminded = Notification.objects.filter(recipient=world.users["otto"], kind=Kind.IMPROVEMENT_PLAN)
        assert reminded.count() == 1 and reminded.get().title.startswith("Review Ann Example's improvement plan")
        later = plan.review_on + datetime.timedelta(days=30)
        plan_update(**actor(world, "otto"), plan=plan, review_on=later)
        assert review_reminders_send(world.org, today=later) == 1
        plan_close(**actor(world, "otto"), plan=plan, status=PlanStatus.IMPROVED, outcome="Fine.")
        ImprovementPlan.objects.update(review_reminded_on=None)
        assert review_reminders_send(world.org, today=later) == 0  # a closed plan is not reminded of


def test_a_plan_without_an_appraising_officer_reminds_hr(world):
    with tenant_scope(world.org):
        plan = _start(world, "alice")
        ImprovementPlan.objects.filter(pk=plan.pk).update(officer=None)
        assert review_reminders_send(world.org, today=plan.review_on) == 1
        assert Notification.objects.filter(
            recipient=world.users["alice"], title__startswith="Review Ann Example's"
        ).exists()


def test_the_reminder_tick_sends_a_task_per_organisation_with_reviews_due(world, org_b, monkeypatch):
    with tenant_scope(world.org):
        plan = _start(world)
        ImprovementPlan.objects.filter(pk=plan.pk).update(review_on=TODAY)
    queued = []
    monkeypatch.setattr(tasks.remind_plan_reviews, "delay", queued.append)
    assert tasks.remind_plan_reviews_tick() == 1 and queued == [world.org.pk]
    assert tasks.remind_plan_reviews(org_b.pk) == 0
    assert tasks.remind_plan_reviews(world.org.pk) == 1
