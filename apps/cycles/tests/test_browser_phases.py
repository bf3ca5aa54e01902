"""HR moves a cycle's phase in a real browser: sees the next change on the cycle page, opens
"Move on now", is stopped at the fields without a reason, then moves on and finds the change
in the history and on the Phase schedule page."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from apps.tenancy.models import Role
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.browser import sign_in

from .phase_world import scheduled_cycle

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "phase-journey-2026"
SCREENSHOTS = os.environ.get("PMSYS_SCREENSHOTS")  # a folder, to look at the pages
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    organization = factories.OrganizationFactory(name="Phase Works", slug="phases", time_zone="Europe/London")
    unit = factories.OrgUnitFactory(organization=organization, name="Head office")
    hr = factories.member(organization, unit, role=Role.HR_ADMIN, email="hana@phases.example", first_name="Hana")
    hr.set_password(PASSWORD)
    hr.save()
    cycle, _ = scheduled_cycle(
        organization, first_start=timezone.now() - datetime.timedelta(hours=1), appraisals=2, name="Appraisal 2026"
    )
    return {"organization": organization, "cycle": cycle}


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_hr_moves_the_cycle_on_with_a_reason(live_server, world):
    organization, cycle = world["organization"], world["cycle"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_context(base_url=live_server.url).new_page()
            page.set_default_timeout(15_000)
            sign_in(page, "hana@phases.example", PASSWORD)
            page.goto(org_reverse("cycles:cycle_detail", organization, cycle_id=cycle.public_id))

            schedule = page.get_by_role("region", name="Schedule")
            expect(schedule).to_contain_text("Mid-term review opens")
            expect(schedule).to_contain_text("in 7 days")
            _shot(page, "1-cycle-schedule")

            schedule.get_by_text("Move on now…").click()
            page.get_by_role("button", name="Open mid-term review now").click()
            # Stopped at the fields, the form still open.
            expect(page.get_by_text("Say why the phase ends early.")).to_be_visible()
            expect(page.get_by_text("Tick this box to confirm")).to_be_visible()
            _shot(page, "2-advance-errors")

            page.get_by_label("Reason").fill("Every target agreed early")
            page.get_by_label("Yes, end the current phase now").check()
            page.get_by_role("button", name="Open mid-term review now").click()
            expect(page.get_by_role("status").first).to_contain_text("Mid-term review")
            history = page.get_by_role("table", name="History")
            expect(history).to_contain_text("Planning (targets agreed) → Mid-term review")
            expect(history).to_contain_text("Every target agreed early")
            expect(schedule).to_contain_text("Self-assessment opens")
            _shot(page, "3-after-advance")

            page.get_by_role("navigation", name="Main").get_by_role("link", name="Phase schedule").click()
            expect(page.get_by_role("heading", name="Phase schedule", level=1)).to_be_visible()
            first_row = page.get_by_role("row").nth(1)
            expect(first_row).to_contain_text("Mid-term review ends → Self-assessment")
            _shot(page, "4-schedule")
        finally:
            browser.close()
