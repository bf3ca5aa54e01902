"""HR plans training in a real browser (Debian's Chromium through Playwright): from the cycle's
overview to its training needs, narrowed to a unit, and the list downloaded as a CSV file."""

import csv
import io
import os

import pytest
from playwright.sync_api import expect

from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support.browser import sign_in

from .training_world import build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, org_a, unit_a, alice):
    return build_world(org_a, unit_a)


def test_hr_reads_the_training_needs_of_a_unit_and_downloads_them(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, "alice@alpha.test", "pmsys-test")
    page.goto(org_reverse("cycles:cycle_overview", world.org, cycle_id=world.cycle.public_id))
    page.get_by_role("link", name="Training needs").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Year 2026: training needs")
    competencies = page.get_by_role("table", name="Each competency")
    expect(competencies.get_by_role("row").nth(1)).to_contain_text("Teamwork")
    expect(competencies.get_by_role("progressbar", name="Share of Teamwork to develop")).to_have_attribute(
        "aria-valuenow", "50"
    )

    page.get_by_label("Unit (and sub-units)").select_option(value=str(world.sales.public_id))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Year 2026: training needs in Sales")
    people = page.get_by_role("table", name="Each person")
    expect(people.get_by_role("row")).to_have_count(3)  # the header, and the two in North with a need

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download the list (CSV)").click()
    download = caught.value
    assert download.suggested_filename == f"training-needs-year-2026-{world.sales.code.lower()}.csv"
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert sorted(row[0] for row in rows[1:]) == sorted(a.employee.staff_number for a in (world.p1, world.p5))
    context.close()
