"""A moderation panel's session in a real browser: the chair opens it from the panel's page,
reads the chart and the officers' leniency, filters the appraisals (htmx), adjusts one level
(a missing justification is an error at its field), and closes the session; HR then finds
nothing held on the release page.

Playwright driving Debian's Chromium against the live server, like
apps/cycles/tests/test_browser_appraisal.py.
"""

import os

import pytest
from playwright.sync_api import expect

from apps.committees.models import ModerationSession
from apps.cycles.models import Appraisal, PhaseKind
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support.browser import sign_in

from .moderation_world import add_appraisal, build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "moderation-journey-2026"

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_server, org_a, unit_a, alice, bob):
    world = build_world(org_a, unit_a, alice, bob, phase=PhaseKind.RELEASE)
    for user in (world.users["cleo"], world.users["alice"]):
        user.set_password(PASSWORD)
        user.save()
    for score in (5, 5, 4):
        add_appraisal(world, world.sales, "otto", score, level=str(score))
    world.target = add_appraisal(world, world.north, "vera", 4, level="4")
    add_appraisal(world, world.north, "vera", 2, level="2")
    add_appraisal(world, world.north, "vera", 2, level="2")
    with tenant_scope(world.org):
        world.target_name = world.target.employee.full_name
    return world


def _signed_in(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    return page


def test_the_chair_calibrates_and_closes_and_hr_may_release(world, browser, live_server):
    cleo = _signed_in(browser, live_server, "cleo@alpha.test")
    cleo.goto(org_reverse("committees:committee_detail", world.org, committee_id=world.panel.public_id))
    cleo.get_by_role("link", name="Open a session").click()
    cleo.get_by_label("Cycle").select_option(label="Appraisal 2026")
    cleo.get_by_role("button", name="Open the session").click()

    expect(cleo.get_by_role("heading", level=1)).to_contain_text("Sales panel: Appraisal 2026")
    expect(cleo.get_by_role("img", name="Share of appraisals at each level")).to_be_visible()
    officers = cleo.locator("section", has=cleo.get_by_role("heading", name="Appraising officers' spread and leniency"))
    expect(officers.get_by_role("row", name="Otto Example")).to_contain_text("Lenient")
    expect(officers.get_by_role("row", name="Vera Example")).to_contain_text("Severe")

    cleo.get_by_label("Unit (with sub-units)").select_option(label="Sales North")
    rows = cleo.locator("#session-appraisals tbody tr")
    expect(rows).to_have_count(3)

    cleo.get_by_role("link", name=f"Adjust the level of {world.target_name}").click()
    cleo.get_by_label("New overall level").select_option("3")
    cleo.get_by_role("button", name="Adjust the level").click()
    expect(cleo.locator(".field--error")).to_contain_text("This field is required")
    reason = cleo.get_by_label("Justification")
    reason.focus()
    cleo.keyboard.type("Targets were modest against the rest of Sales.")
    cleo.get_by_role("button", name="Adjust the level").click()
    expect(cleo.get_by_role("status")).to_contain_text(f"{world.target_name}: level 4 → 3")
    expect(cleo.get_by_role("row", name=world.target_name)).to_contain_text("4 → 3")

    cleo.get_by_role("link", name="Close the session").click()
    cleo.get_by_label("Summary").fill("Sales North was calibrated; one level moved down.")
    cleo.get_by_role("button", name="Close the session").click()
    expect(cleo.get_by_role("heading", level=1)).to_contain_text("Closed")

    with tenant_scope(world.org):
        assert ModerationSession.objects.get().status == "closed"
        assert Appraisal.objects.get(pk=world.target.pk).overall_level == "3"

    alice = _signed_in(browser, live_server, "alice@alpha.test")
    alice.goto(org_reverse("cycles:cycle_release", world.org, cycle_id=world.cycle.public_id))
    expect(alice.get_by_role("button", name="Release 6 results")).to_be_visible()
    expect(alice.get_by_text("Waiting for moderation")).to_have_count(0)
