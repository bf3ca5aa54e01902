"""Check-ins racing on real PostgreSQL connections (one per thread): the parent's average counts
both siblings' progress whichever commits first; check-ins of one period do not queue behind
each other, and HR closing the period waits for those under way."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.goals.models import Goal, GoalLevel, GoalStatus
from apps.goals.services import checkins
from apps.goals.services.checkins import checkin_record
from apps.goals.services.goals import goal_create
from apps.goals.services.periods import period_set_closed
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.threads import in_thread

from .services_support import actor_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tree(org_a, alice, bob):
    """A goal with two of Bob's active work targets under it, each at 10 %."""
    period = factories.GoalPeriodFactory(organization=org_a, name="2026")
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        parent = goal_create(actor=hr, period=period, level=GoalLevel.STRATEGIC, title="Grow", status=GoalStatus.ACTIVE)
        children = [
            goal_create(
                actor=hr,
                period=period,
                level=GoalLevel.INDIVIDUAL,
                title=title,
                parent=parent,
                employee=actor_for(bob, org_a).employee,
                manual_progress=Decimal("10"),
                status=GoalStatus.ACTIVE,
            )
            for title in ("Ship it", "Test it")
        ]
        assert Goal.objects.get(pk=parent.pk).progress == Decimal("10.00")
    return {"org": org_a, "hr": alice, "parent": parent, "children": children}


def _start(tree, call):
    """`call()` in the organisation's scope on a thread and connection of its own (in_thread):
    returns (thread, outcome)."""

    def scoped():
        with tenant_scope(tree["org"]):
            return call()

    return in_thread(scoped)


def _check_in(tree, goal, percentage):
    return lambda: checkin_record(actor=actor_for(tree["hr"], tree["org"]), goal=goal, percentage=percentage)


def _waiting_on_a_lock(seconds=10) -> bool:
    """Whether another connection of this database is (or within `seconds` comes to be) waiting for a lock."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def _held_check_in(tree, goal, percentage, monkeypatch):
    """A check-in on `goal` started in a thread and held inside its transaction once it has
    rolled its progress up; returns (thread, outcome, release)."""
    holding, release = threading.Event(), threading.Event()
    refresh_upwards = checkins.refresh_upwards

    def held(node):
        changed = refresh_upwards(node)
        if node.pk == goal.pk:
            holding.set()
            release.wait(10)
        return changed

    monkeypatch.setattr(checkins, "refresh_upwards", held)
    thread, outcome = _start(tree, _check_in(tree, goal, percentage))
    assert holding.wait(10), "the first check-in never rolled up"
    return thread, outcome, release


def test_sibling_check_ins_at_once_both_count_in_the_parent(tree, monkeypatch):
    first, second = tree["children"]
    one, first_outcome, release = _held_check_in(tree, first, Decimal("80"), monkeypatch)
    two, second_outcome = _start(tree, _check_in(tree, second, Decimal("40")))
    try:
        # The second check-in waits for the first's transaction, where it would otherwise have
        # averaged the parent from the first target's old 10 % already.
        assert _waiting_on_a_lock(), "the second check-in never waited for the first"
    finally:
        release.set()
        one.join(10)
        two.join(10)
    assert "error" not in first_outcome and "error" not in second_outcome
    with tenant_scope(tree["org"]):
        progress = {g.pk: g.progress for g in Goal.objects.filter(pk__in=[tree["parent"].pk, first.pk, second.pk])}
    assert progress == {first.pk: Decimal("80.00"), second.pk: Decimal("40.00"), tree["parent"].pk: Decimal("60.00")}


def test_check_ins_of_one_period_under_other_goals_do_not_wait(tree, org_a, alice, bob, monkeypatch):
    first = tree["children"][0]
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
        elsewhere = goal_create(
            actor=hr,
            period=first.period,
            level=GoalLevel.INDIVIDUAL,
            title="Mentor",
            employee=actor_for(bob, org_a).employee,
            manual_progress=Decimal("0"),
            status=GoalStatus.ACTIVE,
        )
    one, outcome, release = _held_check_in(tree, first, Decimal("80"), monkeypatch)
    try:
        with tenant_scope(org_a), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            checkin_record(actor=hr, goal=elsewhere, percentage=Decimal("30"))
    finally:
        release.set()
        one.join(10)
    assert "error" not in outcome
    with tenant_scope(org_a):
        assert Goal.objects.get(pk=elsewhere.pk).progress == Decimal("30.00")


def test_closing_the_period_waits_for_a_check_in_under_way(tree, org_a, alice, monkeypatch):
    first = tree["children"][0]
    with tenant_scope(org_a):
        hr = actor_for(alice, org_a)
    one, outcome, release = _held_check_in(tree, first, Decimal("80"), monkeypatch)
    closing, closed = _start(
        tree, lambda: period_set_closed(actor=alice, membership=hr.membership, period=first.period, closed=True)
    )
    try:
        assert _waiting_on_a_lock(), "the close never waited for the check-in"
    finally:
        release.set()
        one.join(10)
        closing.join(10)
    assert "error" not in outcome and "error" not in closed
    with tenant_scope(org_a):
        assert closed["result"].is_closed
        assert Goal.objects.get(pk=first.pk).progress == Decimal("80.00")
        # A check-in after the close is refused.
        with pytest.raises(ValidationError):
            checkin_record(actor=actor_for(alice, org_a), goal=first, percentage=Decimal("90"))
