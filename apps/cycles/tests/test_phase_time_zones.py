"""Phase ends are entered and read in the organisation's time zone and stored in UTC, so the
tick moves a cycle at the right instant on the days the clocks change."""

import datetime

import pytest
from celery import shared_task
from django.utils import timezone

from apps.cycles.forms_cycles import PhasesForm
from apps.cycles.forms_phases import ExtendForm
from apps.cycles.models import Cycle, CyclePhase, PhaseKind
from apps.cycles.selectors_phases import days_until, when_label
from apps.cycles.services.phases import advance_due_cycles
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.tasks import TenantTask

from .phase_world import scheduled_cycle

UTC = datetime.UTC
SECOND = datetime.timedelta(seconds=1)


def _utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def _read_end(zone: str, local: str):
    """The planning end as the phases form reads `local` in `zone`."""
    data = {}
    for kind in PhaseKind.values:
        data[f"{kind}-starts_at"] = "2026-01-05T09:00"
        data[f"{kind}-ends_at"] = "2026-01-09T17:00"
    data["planning-ends_at"] = local
    with timezone.override(zone):
        form = PhasesForm(data)
        assert form.is_valid(), form.errors
        return form.cleaned_data["planning-ends_at"]


@pytest.mark.parametrize(
    ("zone", "local", "instant"),
    [
        # Europe/London: clocks go forward at 01:00 UTC on 29 March 2026 and back on 25 October.
        ("Europe/London", "2026-03-29T17:00", _utc(2026, 3, 29, 16)),
        ("Europe/London", "2026-03-28T17:00", _utc(2026, 3, 28, 17)),
        ("Europe/London", "2026-10-25T17:00", _utc(2026, 10, 25, 17)),
        ("Europe/London", "2026-10-24T17:00", _utc(2026, 10, 24, 16)),
        # The United States change on 8 March 2026; the southern hemisphere the other way round.
        ("America/New_York", "2026-03-08T17:00", _utc(2026, 3, 8, 21)),
        ("Pacific/Auckland", "2026-04-05T17:00", _utc(2026, 4, 5, 5)),
    ],
)
def test_a_local_end_on_the_day_the_clocks_change_is_stored_as_the_right_utc_instant(zone, local, instant):
    assert _read_end(zone, local) == instant


def test_the_tick_moves_the_cycle_at_17_00_london_time_on_the_day_clocks_go_forward(org_a):
    org_a.time_zone = "Europe/London"
    org_a.save()
    ends = _read_end("Europe/London", "2026-03-29T17:00")
    cycle, _ = scheduled_cycle(org_a, first_start=ends - datetime.timedelta(days=7), appraisals=0)
    with tenant_scope(org_a):
        assert CyclePhase.objects.get(cycle=cycle, kind=PhaseKind.PLANNING).ends_at == _utc(2026, 3, 29, 16)
    # 16:59:59 BST: not yet. 17:00:00 BST (16:00 UTC): now. An hour later would be the GMT
    # reading a time-zone-naive schedule would take.
    assert advance_due_cycles(_utc(2026, 3, 29, 16) - SECOND) == 0
    assert advance_due_cycles(_utc(2026, 3, 29, 16)) == 1
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=cycle.pk).current_phase == PhaseKind.MIDTERM


def test_the_tick_on_the_day_clocks_go_back(org_a):
    ends = _read_end("Europe/London", "2026-10-25T17:00")
    scheduled_cycle(org_a, first_start=ends - datetime.timedelta(days=7), appraisals=0)
    assert advance_due_cycles(_utc(2026, 10, 25, 17) - SECOND) == 0
    assert advance_due_cycles(_utc(2026, 10, 25, 17)) == 1


@pytest.mark.parametrize(
    "local",
    [
        "2026-03-29T01:30",  # skipped: London clocks jump from 01:00 to 02:00
        "2026-10-25T01:30",  # ambiguous: London passes 01:00–02:00 twice
    ],
)
def test_a_time_that_does_not_exist_or_happens_twice_is_a_field_error_not_a_crash(local):
    with timezone.override("Europe/London"):
        form = ExtendForm({"phase_kind": PhaseKind.PLANNING, "ends_at": local, "reason": "x"})
        assert not form.is_valid()
        assert "ends_at" in form.errors


def test_how_soon_counts_days_on_the_organisations_calendar_across_a_clock_change():
    # 23:30 UTC on 28 March is 23:30 in London; 23:30 UTC on 29 March is 00:30 BST on the 30th.
    now = _utc(2026, 3, 28, 23, 30)
    moment = _utc(2026, 3, 29, 23, 30)
    with timezone.override("Europe/London"):
        assert days_until(moment, now) == 2
        assert when_label(moment, now) == "in 2 days"
        assert when_label(_utc(2026, 3, 29, 16), now) == "tomorrow"
        assert when_label(now + SECOND, now) == "today"
        assert when_label(now, now) == "due now"
    with timezone.override("UTC"):
        assert days_until(moment, now) == 1


@shared_task(base=TenantTask, name="tests.tenant_time_zone", bind=True)
def _tenant_time_zone(self, organization):
    return timezone.get_current_timezone_name()


def test_a_tenant_task_runs_in_the_organisations_time_zone(org_a):
    org_a.time_zone = "Europe/London"
    org_a.save()
    assert _tenant_time_zone(org_a.pk) == "Europe/London"
    assert timezone.get_current_timezone_name() == "UTC"
