"""The cascade journey in a real browser: the unit head adds a unit goal under a strategic goal,
the employee proposes a work target under it, the head agrees it, the employee checks in on
My targets, and the progress shows up the tree.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright's sync API against
pytest-django's live server, like apps/people/tests/test_browser_import.py.
"""

import datetime
import os
import re

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from apps.goals.models import Goal, GoalLevel
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.browser import sign_in

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls (and the
# live server's teardown) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "cascade-journey-2026"

STRATEGY = "Be the region's most trusted service"
UNIT_GOAL = "Answer every customer within one working day"
TARGET = "Close my support tickets within 24 hours"


@pytest.fixture
def world(transactional_db):
    """A tenant with a support unit, its head Ulla, Ulla's report Eve, an open period and a
    strategic goal. Committed data (transactional_db): the live server runs in another thread."""
    today = timezone.localdate()
    with scopes_disabled():
        organization = factories.OrganizationFactory(name="Journey Works", slug="journey")
        headquarters = factories.OrgUnitFactory(organization=organization, name="Head office")
        support = factories.OrgUnitFactory(organization=organization, name="Customer Support", parent=headquarters)
        head = factories.member(organization, support, email="ulla@journey.example", first_name="Ulla")
        ulla = head.employments.get()
        support.head = ulla
        support.save()
        employee = factories.member(organization, support, email="eve@journey.example", first_name="Eve", manager=ulla)
        for user in (head, employee):
            user.set_password(PASSWORD)
            user.save()
        period = factories.GoalPeriodFactory(
            organization=organization,
            name=str(today.year),
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=300),
        )
        strategic = factories.GoalFactory(
            organization=organization, period=period, level=GoalLevel.STRATEGIC, title=STRATEGY
        )
    return {"organization": organization, "strategic": strategic}


def _signed_in(browser, live_server, email):
    """A page in its own browser context (its own cookies), signed in as `email`."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My targets")).to_be_visible()
    return page


def _goal_id(title):
    with scopes_disabled():
        return Goal.objects.get(title=title).public_id


def _progress_of(page, title):
    return page.get_by_role("progressbar", name=f"Progress of {title}", exact=True).first


@pytest.mark.browser
def test_a_target_set_under_a_unit_goal_carries_its_progress_up_the_cascade(world, browser, live_server):
    organization = world["organization"]

    # The unit head adds a unit goal under the strategic goal, from the cascade.
    ulla = _signed_in(browser, live_server, "ulla@journey.example")
    ulla.goto(org_reverse("goals:cascade", organization))
    ulla.get_by_label(f"Add under “{STRATEGY}”").click()
    ulla.get_by_role("link", name="Unit goal", exact=True).click()
    expect(ulla.get_by_role("heading", name="New unit goal")).to_be_visible()
    ulla.get_by_role("textbox", name="Title", exact=True).fill(UNIT_GOAL)
    ulla.get_by_role("spinbutton", name="Weight (%)").fill("100")
    ulla.get_by_role("button", name="Save unit goal").click()
    expect(ulla.get_by_role("heading", name=UNIT_GOAL, level=1)).to_be_visible()
    breadcrumbs = ulla.get_by_role("navigation", name="Breadcrumbs")
    expect(breadcrumbs.get_by_role("link", name=STRATEGY)).to_be_visible()

    # The employee finds it in the cascade and proposes a work target under it.
    eve = _signed_in(browser, live_server, "eve@journey.example")
    eve.goto(org_reverse("goals:cascade", organization))
    eve.get_by_role("link", name=UNIT_GOAL).first.click()
    expect(eve.get_by_role("heading", name=UNIT_GOAL, level=1)).to_be_visible()
    eve.get_by_role("link", name="Propose a target of mine under it").click()
    expect(eve.get_by_role("heading", name="New work target")).to_be_visible()
    eve.get_by_role("textbox", name="Title", exact=True).fill(TARGET)
    eve.get_by_role("spinbutton", name="Weight (%)").fill("100")
    eve.get_by_role("button", name="Save work target").click()
    expect(eve.get_by_role("heading", name=TARGET, level=1)).to_be_visible()
    expect(eve.get_by_text("Waiting for agreement").first).to_be_visible()

    # The head sees it waiting on My targets, under her team, and agrees it.
    ulla.goto(org_reverse("goals:my_targets", organization))
    team = ulla.get_by_role("region", name="Your team")
    expect(team.get_by_text("1 to agree")).to_be_visible()
    team.get_by_role("link", name="Eve Example").click()
    expect(ulla.get_by_role("heading", name="Targets of Eve Example")).to_be_visible()
    ulla.get_by_role("link", name=f"Agree “{TARGET}”").click()
    ulla.get_by_role("button", name="Agree the target").click()
    expect(ulla.get_by_text("is agreed")).to_be_visible()

    # The employee checks in 50% on My targets: the card updates in place (htmx).
    eve.goto(org_reverse("goals:my_targets", organization))
    card = eve.locator(f"#target-{_goal_id(TARGET)}")
    expect(card.get_by_text("Why this target exists")).to_be_visible()
    expect(card.get_by_role("link", name=STRATEGY)).to_be_visible()
    card.get_by_label("Progress (%)").fill("50")
    card.get_by_label("Comment").fill("Half the backlog cleared")
    card.get_by_role("button", name=re.compile("^Save check-in")).click()
    card = eve.locator(f"#target-{_goal_id(TARGET)}")
    expect(card.get_by_role("status")).to_have_text("Check-in saved: progress is now 50%.")
    expect(_progress_of(card, TARGET)).to_have_attribute("aria-valuenow", "50")
    # The summary above the cards follows (it reloads itself when a check-in is saved).
    expect(eve.locator("#targets-summary")).to_contain_text("50%")

    # The progress has rolled up: the unit goal and the strategic goal show it in the cascade.
    ulla.goto(org_reverse("goals:cascade", organization))
    expect(_progress_of(ulla, UNIT_GOAL)).to_have_attribute("aria-valuenow", "50")
    expect(_progress_of(ulla, STRATEGY)).to_have_attribute("aria-valuenow", "50")

    # And the strategic goal's own page shows the unit goal with its progress among its children.
    ulla.goto(org_reverse("goals:goal_detail", organization, goal_id=world["strategic"].public_id))
    expect(ulla.locator(".goal-detail__figure")).to_have_text("50%")
    children = ulla.get_by_role("region", name="Aligned to it")
    expect(_progress_of(children, UNIT_GOAL)).to_have_attribute("aria-valuenow", "50")

    # The check-in is in the target's history, with its chart.
    eve.goto(org_reverse("goals:goal_detail", organization, goal_id=_goal_id(TARGET)))
    expect(eve.get_by_role("img", name=f"Progress of “{TARGET}” at each check-in")).to_be_visible()
    expect(eve.get_by_role("cell", name="Half the backlog cleared")).to_be_visible()
