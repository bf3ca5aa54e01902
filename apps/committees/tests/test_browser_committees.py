"""A promotion group's chair files a progress report in a real browser and the Performance
Management Committee reads it side by side: from the main navigation's Committees entry, by
labels and roles only (as a keyboard or screen-reader user would find them).

Chromium via Playwright against the live server, like apps/cycles/tests/test_browser_appraisal.py.
"""

import os

import pytest
from playwright.sync_api import expect

from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories
from apps.tests_support.browser import sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "pmsys-test"  # UserFactory's


def _signed_in(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    expect(_nav(page, "Committees")).to_be_visible()
    return page


def _nav(page, name):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


@pytest.mark.browser
def test_a_group_reports_and_the_committee_reads_it_side_by_side(org_a, group, pmc, people, browser, live_server):
    with tenant_scope(org_a):
        factories.CycleFactory(organization=org_a, name="Appraisal 2026")

    chair = _signed_in(browser, live_server, "chair@alpha.test")
    _nav(chair, "Committees").click()
    expect(chair.get_by_role("heading", name="Committees and groups", level=1)).to_be_visible()
    chair.get_by_role("link", name=group.name).click()
    chair.get_by_role("link", name="New progress report").click()
    chair.get_by_label("Cycle").select_option(label="Appraisal 2026")
    chair.get_by_label("Period").fill("March")
    chair.get_by_label("What went well").fill("Targets agreed everywhere")
    chair.get_by_role("button", name="Save draft").click()
    expect(chair.get_by_text("(live until submitted)")).to_be_visible()
    chair.get_by_label("Problems found").fill("Two teams started late")
    chair.get_by_role("button", name="Save and submit").click()
    expect(chair.get_by_text("(as submitted)")).to_be_visible()

    reader = _signed_in(browser, live_server, "pmc@alpha.test")
    _nav(reader, "Committees").click()
    reader.get_by_role("link", name=pmc.name).click()
    reader.get_by_role("link", name="Reports side by side").click()
    table = reader.get_by_role("table")
    expect(table.get_by_role("columnheader", name=group.name)).to_be_visible()
    expect(table.get_by_text("Two teams started late")).to_be_visible()
    reader.screenshot(path="/tmp/h5_side_by_side.png", full_page=True)
