"""HR's schedule on the cycle page (next change, moving on now, extending, history) and the
organisation's schedule of upcoming changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.cycles.models import Cycle, CyclePhase, PhaseChange, PhaseKind
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse

from .phase_world import scheduled_cycle

HOUR = datetime.timedelta(hours=1)


def _url(org, name, cycle=None):
    return org_reverse(f"cycles:{name}", org, **({"cycle_id": cycle.public_id} if cycle else {}))


@pytest.fixture
def cycle(org_a):
    made, _ = scheduled_cycle(org_a, first_start=timezone.now() - HOUR)
    return made


def test_the_cycle_page_shows_the_next_change_and_how_soon(alice_client, org_a, cycle):
    page = alice_client.get(_url(org_a, "cycle_detail", cycle))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Schedule" in html and "Mid-term review opens" in html
    assert "in 7 days" in html or "in 6 days" in html
    assert "Move on now" in html and "Extend this phase" in html
    assert "No phase has moved yet" in html


def test_moving_on_needs_a_reason_and_a_confirmation_shown_at_the_fields(alice_client, org_a, cycle):
    page = alice_client.post(
        _url(org_a, "cycle_phase_advance", cycle), {"expected_phase": PhaseKind.PLANNING, "reason": ""}
    )
    assert page.status_code == 200
    form = page.context["advance_form"]
    assert set(form.errors) == {"reason", "confirm"}
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=cycle.pk).current_phase == PhaseKind.PLANNING


def test_moving_on_now_opens_the_next_phase_and_shows_in_the_history(alice_client, org_a, cycle):
    page = alice_client.post(
        _url(org_a, "cycle_phase_advance", cycle),
        {"expected_phase": PhaseKind.PLANNING, "reason": "All targets agreed", "confirm": "on"},
        follow=True,
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "All targets agreed" in html and "Self-assessment opens" in html
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=cycle.pk).current_phase == PhaseKind.MIDTERM


def test_a_stale_page_is_told_the_cycle_moved_on(alice_client, org_a, cycle):
    with tenant_scope(org_a):
        Cycle.objects.filter(pk=cycle.pk).update(current_phase=PhaseKind.MIDTERM)
    page = alice_client.post(
        _url(org_a, "cycle_phase_advance", cycle),
        {"expected_phase": PhaseKind.PLANNING, "reason": "Early", "confirm": "on"},
    )
    assert page.status_code == 200
    assert "moved on" in " ".join(page.context["advance_form"].non_field_errors())
    with tenant_scope(org_a):
        assert not PhaseChange.objects.exists()


def test_extending_reads_the_new_end_in_the_organisations_time_zone(alice_client, org_a, cycle):
    org_a.time_zone = "Europe/London"
    org_a.save()
    page = alice_client.post(
        _url(org_a, "cycle_phase_extend", cycle),
        {"phase_kind": PhaseKind.PLANNING, "ends_at": "2099-07-01T17:00", "reason": "Summer"},
    )
    assert page.status_code == 302
    with tenant_scope(org_a):
        planning = CyclePhase.objects.get(cycle=cycle, kind=PhaseKind.PLANNING)
        assert planning.ends_at == datetime.datetime(2099, 7, 1, 16, tzinfo=datetime.UTC)  # 17:00 BST


def test_extend_errors_show_at_the_field(alice_client, org_a, cycle):
    page = alice_client.post(
        _url(org_a, "cycle_phase_extend", cycle),
        {"phase_kind": PhaseKind.PLANNING, "ends_at": "2001-01-01T09:00", "reason": "Late"},
    )
    assert page.status_code == 200
    assert "ends_at" in page.context["extend_form"].errors
    page = alice_client.post(
        _url(org_a, "cycle_phase_extend", cycle), {"phase_kind": "nonsense", "ends_at": "soon", "reason": ""}
    )
    assert page.status_code == 200


def test_members_cannot_move_phases(bob_client, org_a, cycle):
    for name in ("cycle_phase_advance", "cycle_phase_extend"):
        answer = bob_client.post(
            _url(org_a, name, cycle), {"expected_phase": PhaseKind.PLANNING, "reason": "x", "confirm": "on"}
        )
        assert answer.status_code == 403
    assert bob_client.get(_url(org_a, "phase_schedule")).status_code == 403


def test_a_get_of_a_phase_action_goes_back_to_the_cycle(alice_client, org_a, cycle):
    assert alice_client.get(_url(org_a, "cycle_phase_advance", cycle)).status_code == 302


def test_the_schedule_lists_upcoming_changes_soonest_first(alice_client, org_a, org_b, cycle):
    later, _ = scheduled_cycle(org_a, first_start=timezone.now() + HOUR, name="Later cycle")
    scheduled_cycle(org_b, first_start=timezone.now() - HOUR, name="Beta's cycle")
    page = alice_client.get(_url(org_a, "phase_schedule"))
    assert page.status_code == 200
    rows = page.context["transitions"]
    assert len(rows) == 14  # seven phase ends of each of acme's two cycles
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    assert rows[0]["cycle"] == cycle and rows[0]["to"] == PhaseKind.MIDTERM
    assert "Beta's cycle" not in page.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_schedule_and_the_cycle_page_take_the_same_queries_whatever_their_size(alice_client, org_a, alice):
    now = timezone.now()
    first, _ = scheduled_cycle(org_a, first_start=now - HOUR, name="One")
    schedule = _url(org_a, "phase_schedule")
    detail = _url(org_a, "cycle_detail", first)
    _queries(alice_client, schedule)  # the session's first request does its own bookkeeping
    small = (_queries(alice_client, schedule), _queries(alice_client, detail))
    for n in range(3):
        scheduled_cycle(org_a, first_start=now - HOUR + n * HOUR, name=f"More {n}")
    with tenant_scope(org_a):
        for _ in range(4):
            PhaseChange.objects.create(organization=org_a, cycle=first, from_phase="planning", actor=alice)
    assert (_queries(alice_client, schedule), _queries(alice_client, detail)) == small
