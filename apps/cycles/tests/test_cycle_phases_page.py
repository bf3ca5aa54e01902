"""Dating a cycle's phases in the organisation's time zone, and the timeline that shows them."""

import datetime
import zoneinfo

from apps.cycles.models import CyclePhase, PhaseKind
from apps.cycles.tests.test_cycle_pages import url
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def _post_data(start=datetime.datetime(2026, 3, 2, 9), weeks=4):
    data = {}
    for i, kind in enumerate(PhaseKind.values):
        starts = start + datetime.timedelta(weeks=weeks * i)
        data[f"{kind}-starts_at"] = starts.strftime("%Y-%m-%dT%H:%M")
        data[f"{kind}-ends_at"] = (starts + datetime.timedelta(weeks=weeks, hours=-1)).strftime("%Y-%m-%dT%H:%M")
    return data


def test_a_new_cycle_gets_a_suggested_schedule_from_next_monday(alice_client, org_a):
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a)
    response = alice_client.get(url(org_a, "cycle_phases", cycle_id=cycle.public_id))
    assert response.status_code == 200
    form = response.context["form"]
    planning = form["planning-starts_at"].value()
    assert planning.weekday() == 0 and planning.date() > datetime.date.today()
    planning_weeks = (form["planning-ends_at"].value() - planning).days
    midterm_days = (form["midterm-ends_at"].value() - form["midterm-starts_at"].value()).days
    assert planning_weeks > midterm_days
    assert "suggested schedule" in response.content.decode()


def test_phases_are_read_in_the_organisations_time_zone(alice_client, org_a):
    org_a.time_zone = "Asia/Singapore"
    org_a.save()
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a)
    response = alice_client.post(url(org_a, "cycle_phases", cycle_id=cycle.public_id), _post_data())
    assert response.status_code == 302
    assert response["Location"] == url(org_a, "cycle_detail", cycle_id=cycle.public_id)
    with tenant_scope(org_a):
        planning = CyclePhase.objects.get(cycle=cycle, kind=PhaseKind.PLANNING)
        assert CyclePhase.objects.filter(cycle=cycle).count() == 7
    singapore = zoneinfo.ZoneInfo("Asia/Singapore")
    assert planning.starts_at == datetime.datetime(2026, 3, 2, 9, tzinfo=singapore)
    # Shown back as the organisation's local time.
    html = alice_client.get(url(org_a, "cycle_phases", cycle_id=cycle.public_id)).content.decode()
    assert 'value="2026-03-02T09:00"' in html


def test_overlapping_phases_are_refused_above_the_table(alice_client, org_a):
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a)
    data = _post_data()
    data["midterm-starts_at"] = "2026-03-10T09:00"  # inside planning
    response = alice_client.post(url(org_a, "cycle_phases", cycle_id=cycle.public_id), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "starts before the phase before it ends" in errors
    assert 'role="alert"' in response.content.decode()
    with tenant_scope(org_a):
        assert not CyclePhase.objects.filter(cycle=cycle).exists()


def test_a_missing_date_is_shown_at_its_input(alice_client, org_a):
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a)
    data = _post_data()
    data["release-ends_at"] = ""
    response = alice_client.post(url(org_a, "cycle_phases", cycle_id=cycle.public_id), data)
    assert response.status_code == 200 and "release-ends_at" in response.context["form"].errors


def test_the_detail_page_shows_the_phases_as_a_timeline_with_today(alice_client, org_a):
    today = datetime.datetime.now(datetime.UTC)
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a)
        factories.CyclePhaseFactory(
            organization=org_a,
            cycle=cycle,
            kind=PhaseKind.PLANNING,
            starts_at=today - datetime.timedelta(days=10),
            ends_at=today + datetime.timedelta(days=10),
        )
        factories.CyclePhaseFactory(
            organization=org_a,
            cycle=cycle,
            kind=PhaseKind.MIDTERM,
            starts_at=today + datetime.timedelta(days=10),
            ends_at=today + datetime.timedelta(days=30),
        )
    response = alice_client.get(url(org_a, "cycle_detail", cycle_id=cycle.public_id))
    html = response.content.decode()
    assert '<ol class="timeline">' in html
    assert 'aria-current="step"' in html and "timeline__today" in html
    assert response.context["phase_now"].kind == PhaseKind.PLANNING
    rows = response.context["timeline"]["rows"]
    assert rows[0]["left"] == 0 and rows[1]["left"] == 50.0
    assert response.context["timeline"]["today"] == 25.0
