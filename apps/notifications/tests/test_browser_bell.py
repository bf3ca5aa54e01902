"""The bell and the notifications page in a real browser: the count arrives by htmx, the bell
is reached by keyboard with a visible focus ring, "Mark all as read" updates list and bell in
place, and a notification's link leads to its action. Chromium through Playwright, like
apps/cycles/tests/test_browser_appraisal.py."""

import os

import pytest
from playwright.sync_api import expect

from apps.notifications.models import Kind
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.browser import sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "bell-journey-2026"
EMAIL = "nia@bell.example"


@pytest.fixture
def world(transactional_db):
    organization = factories.OrganizationFactory(name="Bell Works", slug="bell")
    unit = factories.OrgUnitFactory(organization=organization, name="Head office")
    user = factories.member(organization, unit, email=EMAIL, first_name="Nia")
    user.set_password(PASSWORD)
    user.save()
    tasks = org_reverse("cycles:my_tasks", organization)
    with tenant_scope(organization):
        for title in ("Self-assessment is open", "Your targets wait for agreement", "Results are released"):
            factories.NotificationFactory(
                organization=organization, recipient=user, kind=Kind.PHASE_OPENED, title=title, url=tasks
            )
    return {"organization": organization}


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, EMAIL, PASSWORD)
    return page


@pytest.mark.browser
def test_the_bell_counts_marks_read_and_leads_to_the_action(world, page):
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 3 unread")
    expect(bell.locator(".bell__count")).to_have_text("3")

    # By keyboard: skip link, organisation name, then the bell, with a visible focus ring.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "notification-bell"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    page.get_by_role("button", name="Results are released").click()  # "Mark as read: <title>"
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications: 2 unread")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("status")).to_have_text("All notifications are marked as read.")
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications: none unread")

    page.get_by_role("link", name="Self-assessment is open").click()
    expect(page.get_by_role("heading", name="My appraisal tasks", level=1)).to_be_visible()
