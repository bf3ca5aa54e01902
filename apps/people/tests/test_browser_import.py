"""The HR admin's CSV journey in a real browser: sign in, import units, then people, and find
them in the unit tree and on the org chart.

Drives Debian's Chromium (/usr/bin/chromium, `apt-get install chromium`) through Playwright's
sync API against pytest-django's live server.
"""

import os

import pytest
from playwright.sync_api import expect

from apps.tenancy.models import Membership, Role
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.browser import sign_in

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls (and the
# live server's teardown) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "import-journey-2024"

UNITS = b"""code,name,kind,parent_code
LAB,Research Lab,division,
LAB-AI,Machine Learning,department,LAB
"""
EMPLOYEES = b"""staff_number,first_name,last_name,email,unit_code,position,manager_staff_number,is_unit_head
R2,Marvin,Minsky,marvin@lab.example,LAB-AI,Research Lead,R1,yes
R1,Grace,Hopper,grace@lab.example,LAB,Director,,yes
R3,Fei-Fei,Li,feifei@lab.example,LAB-AI,Researcher,R2,no
"""


@pytest.fixture
def organization(transactional_db):
    """A tenant whose HR admin signs in with a known password (the live server needs
    committed data, hence transactional_db rather than the shared fixtures)."""
    organization = factories.OrganizationFactory(name="Browser Works", slug="browser-works")
    user = factories.UserFactory(email="hr@browser.example", full_name="Hana HR", password=PASSWORD)
    Membership.objects.create(organization=organization, user=user, role=Role.HR_ADMIN)
    return organization


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    return context.new_page()


def _upload_and_confirm(page, organization, kind: str, name: str, content: bytes, rows: int) -> None:
    page.goto(org_reverse("people:import_start", organization))
    page.get_by_label("Org units" if kind == "units" else "Employees", exact=True).check()
    page.get_by_label("CSV file").set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Ready to import")).to_be_visible()
    page.get_by_role("button", name=f"Import {rows} rows").click()
    expect(page.get_by_text(f"Imported {rows} rows from {name}")).to_be_visible()


@pytest.mark.browser
def test_hr_admin_imports_units_and_people_and_sees_them_in_the_tree(organization, page):
    sign_in(page, "hr@browser.example", PASSWORD)
    expect(page.get_by_role("link", name="Import CSV")).to_be_visible()

    _upload_and_confirm(page, organization, "units", "units.csv", UNITS, rows=2)
    _upload_and_confirm(page, organization, "employees", "people.csv", EMPLOYEES, rows=3)

    # The HR unit tree: the new units with their heads.
    page.goto(org_reverse("people:unit_list", organization))
    tree = page.get_by_role("region", name="Unit tree")
    expect(tree.get_by_role("link", name="Research Lab")).to_be_visible()
    expect(tree.get_by_role("link", name="Grace Hopper")).to_be_visible()
    expect(tree.get_by_role("link", name="Marvin Minsky")).to_be_visible()

    # The org chart: open the department and find everyone who works there.
    page.goto(org_reverse("people:org_chart", organization))
    page.get_by_role("link", name="Machine Learning").click()
    main = page.get_by_role("main")
    expect(main.get_by_text("Marvin Minsky").first).to_be_visible()
    expect(main.get_by_text("Fei-Fei Li").first).to_be_visible()
