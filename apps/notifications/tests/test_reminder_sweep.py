"""The reminder sweep: who is reminded of what, when, and never twice."""

import pytest

from apps.cycles.models import AppraisalState, CyclePhase, CycleStatus, PhaseKind
from apps.notifications.models import Kind, Notification, ReminderKind, ReminderLog, ReminderRule
from apps.notifications.reminders_due import due_reminders
from apps.notifications.services.reminders import send_due, sweep_reminders
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

from .reminder_world import DAY, DEADLINE, MONDAY, world

pytestmark = pytest.mark.django_db
HOUR = DAY / 24
S = AppraisalState
# Escalation only, a step a day from one day overdue, the deadline on a Monday.
ESCALATING = {
    "deadline": MONDAY,
    "days_before": 0,
    "overdue_every_days": 0,
    "escalate_after_days": 1,
    "escalation_every_days": 1,
}


def sweep(org, now, **kwargs):
    with tenant_scope(org):
        return sweep_reminders(org, now=now, **kwargs)


def log(org, **filters):
    with tenant_scope(org):
        return list(
            ReminderLog.objects.filter(**filters)
            .order_by("kind", "occasion", "pk")
            .values_list("kind", "occasion", "recipient_id", "role")
        )


def test_before_the_deadline_once(org_a, unit_a, alice):
    w = world(org_a, unit_a, days_before=3)
    w.appraisal(org_a)
    assert sweep(org_a, DEADLINE - 3 * DAY - HOUR).sent == 0  # not yet
    result = sweep(org_a, DEADLINE - 2 * DAY)
    assert (result.sent, result.notifications) == (1, 1)
    assert sweep(org_a, DEADLINE - 2 * DAY + HOUR).sent == 0  # a later tick: already sent
    assert log(org_a) == [(ReminderKind.BEFORE, 0, w.appraisee.user_id, "appraisee")]
    with tenant_scope(org_a):
        entry = ReminderLog.objects.select_related("notification").get()
        assert entry.notification.recipient_id == w.appraisee.user_id
        assert entry.notification.kind == Kind.REMINDER and entry.notification.essential
        assert entry.notification.title.startswith("Submit your self-assessment by 12 Mar 2026")


def test_overdue_every_m_days_counts_intervals(org_a, unit_a, alice):
    w = world(org_a, unit_a, days_before=0, overdue_every_days=3, escalation_steps=0)
    w.appraisal(org_a)
    assert sweep(org_a, DEADLINE - HOUR).sent == 0
    assert sweep(org_a, DEADLINE + HOUR).sent == 1  # interval 1 starts at the deadline
    assert sweep(org_a, DEADLINE + DAY).sent == 0  # still interval 1
    # A sweep that missed intervals sends only the current one.
    assert sweep(org_a, DEADLINE + 11 * DAY).sent == 1  # interval 4 (Monday 23 March)
    assert [occasion for _kind, occasion, *_ in log(org_a)] == [1, 4]


def test_escalation_goes_up_the_chain_one_step_at_a_time(org_a, unit_a, alice):
    w = world(org_a, unit_a, **ESCALATING)
    w.appraisal(org_a)
    assert sweep(org_a, MONDAY + 20 * HOUR).sent == 0
    sweep(org_a, MONDAY + DAY + HOUR)  # Tuesday: step 1
    sweep(org_a, MONDAY + 2 * DAY + HOUR)  # Wednesday: step 2
    sweep(org_a, MONDAY + 3 * DAY + HOUR)  # Thursday: step 3
    sweep(org_a, MONDAY + 4 * DAY + HOUR)  # nothing further
    assert log(org_a, kind=ReminderKind.ESCALATION) == [
        (ReminderKind.ESCALATION, 1, w.officer.user_id, "appraisee"),
        (ReminderKind.ESCALATION, 2, w.countersigning.user_id, "appraisee"),
        (ReminderKind.ESCALATION, 3, alice.pk, "appraisee"),
    ]
    with tenant_scope(org_a):
        assert set(Notification.objects.values_list("kind", flat=True)) == {Kind.ESCALATION}


def test_a_late_sweep_catches_up_on_every_step_reached(org_a, unit_a, alice):
    w = world(org_a, unit_a, **ESCALATING)
    w.appraisal(org_a)
    assert sweep(org_a, MONDAY + 3 * DAY + HOUR).sent == 3
    assert [recipient for *_, recipient, _role in log(org_a)] == [w.officer.user_id, w.countersigning.user_id, alice.pk]


def test_officers_actions_escalate_to_countersigning_then_hr_and_missing_people_are_skipped(org_a, unit_a, alice):
    w = world(org_a, unit_a, **ESCALATING)
    w.appraisal(org_a, state=S.WITH_OFFICER)
    other = factories.EmployeeFactory(organization=org_a, unit=unit_a)
    w.appraisal(org_a, employee=other, countersigning_officer=None)  # self-assessment, no CO
    sweep(org_a, MONDAY + 3 * DAY + HOUR)
    with tenant_scope(org_a):
        rows = set(ReminderLog.objects.values_list("action", "occasion", "recipient_id"))
    # The officer's rating: CO, then HR. (Its phase ends a week after self-assessment's: not yet late.)
    assert rows == {(S.SELF_ASSESSMENT, 1, w.officer.user_id), (S.SELF_ASSESSMENT, 2, alice.pk)}
    sweep(org_a, MONDAY + 7 * DAY + 2 * DAY + HOUR)  # Wednesday after the appraisal phase ended
    assert log(org_a, action=S.WITH_OFFICER) == [
        (ReminderKind.ESCALATION, 1, w.countersigning.user_id, "officer"),
        (ReminderKind.ESCALATION, 2, alice.pk, "officer"),
    ]


def test_release_waits_on_every_hr_admin_and_is_not_escalated(org_a, unit_a, alice, bob):
    w = world(org_a, unit_a, deadline=DEADLINE - 21 * DAY, days_before=0, escalate_after_days=0)
    hr_two = factories.member(org_a, unit_a, role="hr_admin", email="hank@alpha.test", first_name="Hank")
    w.appraisal(org_a, state=S.COUNTERSIGNED)
    sweep(org_a, DEADLINE + HOUR)  # release ends three weeks after self-assessment: just overdue
    assert sorted(r for *_, r, _role in log(org_a)) == sorted([alice.pk, hr_two.pk])
    assert {kind for kind, *_ in log(org_a)} == {ReminderKind.OVERDUE}


def test_planning_reminds_only_the_side_that_has_not_agreed(org_a, unit_a, alice):
    w = world(org_a, unit_a, deadline=DEADLINE + 14 * DAY, days_before=0, escalation_steps=0)
    appraisal = w.appraisal(org_a, state=S.PLANNING)
    with tenant_scope(org_a):
        factories.AppraisalTargetFactory(
            organization=org_a, appraisal=appraisal, agreed_by_appraisee_at=DEADLINE - 30 * DAY
        )
    sweep(org_a, DEADLINE + HOUR)  # planning ended two weeks before self-assessment
    assert log(org_a) == [(ReminderKind.OVERDUE, 1, w.officer.user_id, "officer")]


def test_one_notification_per_person_and_kind_in_a_batch(org_a, unit_a, alice):
    w = world(org_a, unit_a, deadline=DEADLINE - 7 * DAY, days_before=0, escalation_steps=0)
    for _ in range(3):
        w.appraisal(org_a, state=S.WITH_OFFICER, employee=factories.EmployeeFactory(organization=org_a, unit=unit_a))
    result = sweep(org_a, DEADLINE + HOUR)
    assert (result.sent, result.notifications) == (3, 1)
    with tenant_scope(org_a):
        notification = Notification.objects.get()
        assert notification.recipient_id == w.officer.user_id
        assert notification.title.startswith("Overdue since") and "3 people" in notification.title
        assert set(ReminderLog.objects.values_list("notification_id", flat=True)) == {notification.pk}


def test_overlapping_sweeps_send_each_reminder_once(org_a, unit_a, alice):
    """Two ticks that both computed the due rows before either wrote them: the log's unique
    key lets only the first insert them, and only inserted rows are notified."""
    w = world(org_a, unit_a, days_before=3)
    w.appraisal(org_a)
    now = DEADLINE - DAY
    with tenant_scope(org_a):
        stale = due_reminders(org_a.pk, now)
        assert len(stale) == 1
        assert sweep_reminders(org_a, now=now).sent == 1
        again = send_due(org_a, stale)
        assert (again.sent, again.notifications) == (0, 0)
        assert Notification.objects.count() == 1 and ReminderLog.objects.count() == 1


def test_a_batch_partly_logged_by_another_sweep_notifies_only_its_own_rows(org_a, unit_a, alice):
    w = world(org_a, unit_a, deadline=DEADLINE - 7 * DAY, days_before=0, escalation_steps=0)
    for _ in range(3):
        w.appraisal(org_a, state=S.WITH_OFFICER, employee=factories.EmployeeFactory(organization=org_a, unit=unit_a))
    now = DEADLINE + HOUR
    with tenant_scope(org_a):
        stale = due_reminders(org_a.pk, now)
        assert len(stale) == 3
        # Another sweep got to the first of them in between.
        first = stale[0]
        factories.ReminderLogFactory(
            organization=org_a,
            appraisal_id=first[0],
            cycle_id=first[1],
            action=first[2],
            role=first[3],
            rule_id=first[4],
            kind=first[5],
            deadline=first[6],
            occasion=first[7],
            recipient_id=first[8],
        )
        result = send_due(org_a, stale)
        assert (result.sent, result.notifications) == (2, 1)
        notification = Notification.objects.get()
        assert "2 people" in notification.title
        linked = ReminderLog.objects.exclude(notification=None)
        assert linked.count() == 2 and {entry.notification_id for entry in linked} == {notification.pk}


def test_quiet_hours_hold_reminders_until_the_working_morning(org_a, unit_a, alice):
    w = world(org_a, unit_a, days_before=3)
    w.appraisal(org_a)
    monday_night = DEADLINE - 3 * DAY + 9 * HOUR  # Monday 21:00 in London, inside the 3 days
    assert sweep(org_a, monday_night).quiet
    assert sweep(org_a, monday_night + 10 * HOUR).quiet  # Tuesday 07:00
    assert log(org_a) == []
    assert sweep(org_a, monday_night + 11 * HOUR).sent == 1  # Tuesday 08:00
    assert sweep(org_a, DEADLINE + 2 * DAY).quiet  # a Saturday


def test_a_moved_deadline_is_a_new_occasion(org_a, unit_a, alice):
    w = world(org_a, unit_a, days_before=3, escalation_steps=0)
    w.appraisal(org_a)
    assert sweep(org_a, DEADLINE - DAY).sent == 1
    with tenant_scope(org_a):
        CyclePhase.objects.filter(cycle=w.cycle, kind=PhaseKind.SELF_ASSESSMENT).update(ends_at=DEADLINE + DAY)
    assert sweep(org_a, DEADLINE - 2 * HOUR).sent == 1  # the new deadline's own reminder
    assert sweep(org_a, DEADLINE - HOUR).sent == 0


def test_inactive_rules_draft_cycles_and_other_tenants_are_left_alone(org_a, org_b, unit_a, alice):
    w = world(org_a, unit_a, days_before=3)
    w.appraisal(org_a)
    with tenant_scope(org_a):
        ReminderRule.objects.update(active=False)
    assert sweep(org_a, DEADLINE - DAY).sent == 0
    with tenant_scope(org_a):
        ReminderRule.objects.update(active=True)
        w.cycle.status = CycleStatus.DRAFT
        w.cycle.save()
    assert sweep(org_a, DEADLINE - DAY).sent == 0
    with tenant_scope(org_a):
        w.cycle.status = CycleStatus.ACTIVE
        w.cycle.save()
    assert sweep(org_b, DEADLINE - DAY).sent == 0
    assert sweep(org_a, DEADLINE - DAY).sent == 1


def test_active_cycles_without_a_rule_get_the_defaults(org_a, unit_a, alice):
    w = world(org_a, unit_a)
    w.appraisal(org_a)
    with tenant_scope(org_a):
        ReminderRule.objects.all().delete()
    sweep(org_a, DEADLINE - 2 * DAY)
    with tenant_scope(org_a):
        rule = ReminderRule.objects.get(cycle=w.cycle)
        assert rule.days_before == ReminderRule.DEFAULTS["days_before"]
        assert ReminderLog.objects.filter(rule=rule).count() == 1


def test_batches_commit_one_by_one(org_a, unit_a, alice, settings):
    settings.REMINDER_BATCH_SIZE = 2
    w = world(org_a, unit_a, days_before=3)
    for n in range(5):
        user = factories.member(org_a, unit_a, email=f"p{n}@alpha.test", first_name=f"P{n}")
        with tenant_scope(org_a):
            w.appraisal(org_a, employee=user.employments.get())
    result = sweep(org_a, DEADLINE - DAY)
    assert (result.due, result.sent, result.batches) == (5, 5, 3)
