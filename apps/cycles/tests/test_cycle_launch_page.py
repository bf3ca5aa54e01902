"""Launching a cycle from its page, and the progress bar that follows the launch task."""

from apps.cycles.models import Appraisal, Cycle, CycleStatus
from apps.cycles.tasks import launch_cycle
from apps.cycles.tests.test_cycle_pages import build_world, url
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories


def test_a_draft_with_problems_lists_them_and_offers_no_launch(alice_client, org_a):
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a)
    html = alice_client.get(url(org_a, "cycle_detail", cycle_id=cycle.public_id)).content.decode()
    assert 'role="alert"' in html and "Give dates to every phase" in html
    assert "Launch cycle</button>" not in html


def test_the_confirmation_says_how_many_appraisals_will_be_created(alice_client, org_a, alice, bob):
    world = build_world(org_a, alice, people=(alice, bob))
    cycle_id = world["cycle"].public_id
    detail = alice_client.get(url(org_a, "cycle_detail", cycle_id=cycle_id)).content.decode()
    assert "Launch cycle</button>" in detail
    response = alice_client.get(url(org_a, "cycle_launch", cycle_id=cycle_id))
    assert response.status_code == 200
    assert "2 appraisals</strong> will be created" in response.content.decode()
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=world["cycle"].pk).status == CycleStatus.DRAFT


def test_launching_shows_a_polling_progress_bar_then_the_result(alice_client, org_a, alice, bob):
    world = build_world(org_a, alice, people=(alice, bob))
    cycle = world["cycle"]
    response = alice_client.post(url(org_a, "cycle_launch", cycle_id=cycle.public_id))
    assert response.status_code == 302
    assert response["Location"] == url(org_a, "cycle_detail", cycle_id=cycle.public_id)
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.LAUNCHING

    progress_url = url(org_a, "cycle_progress", cycle_id=cycle.public_id)
    detail = alice_client.get(url(org_a, "cycle_detail", cycle_id=cycle.public_id)).content.decode()
    assert f'hx-get="{progress_url}"' in detail and 'hx-trigger="every 1s"' in detail
    fragment = alice_client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="launch-progress"')
    assert 'hx-trigger="every 1s"' in fragment and 'hx-swap="outerHTML"' in fragment
    assert 'role="progressbar"' in fragment and "0 of 2" in fragment
    assert "<html" not in fragment

    # The on-commit hook never fires inside a test transaction: run the task as the worker would.
    launch_cycle(org_a.pk, cycle.pk)

    fragment = alice_client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    assert "2 appraisals created" in fragment
    assert url(org_a, "appraisal_list", cycle_id=cycle.public_id) in fragment
    with tenant_scope(org_a):
        assert Appraisal.objects.filter(cycle=cycle).count() == 2
    # Without htmx the same address gives the whole page.
    assert "<html" in alice_client.get(progress_url).content.decode()


def test_a_launch_error_stops_the_polling_and_is_shown(alice_client, org_a):
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(
            organization=org_a, status=CycleStatus.LAUNCHING, launch_total=5, launch_error="Database went away"
        )
    fragment = alice_client.get(
        url(org_a, "cycle_progress", cycle_id=cycle.public_id), headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-trigger" not in fragment and "Database went away" in fragment


def test_launching_a_cycle_with_problems_shows_them_and_changes_nothing(alice_client, org_a):
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a)
    response = alice_client.post(url(org_a, "cycle_launch", cycle_id=cycle.public_id))
    assert response.status_code == 200
    assert "Choose the templates the cycle assesses with." in response.content.decode()
    with tenant_scope(org_a):
        assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.DRAFT
