"""HR changes a person's manager with the person picker in a real browser: types part of a name,
walks the suggestions with the arrow keys, chooses with Enter, saves, and the record shows the
new manager. Also: Escape closes the list, emptying an officer's box clears the override, and
without JavaScript a staff number typed in the box is the choice.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright's sync API against
pytest-django's live server, as test_browser_import.py does.
"""

import os

import pytest
from playwright.sync_api import expect

from apps.tenancy.models import Membership, Role
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.browser import sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "picker-journey-2024"


@pytest.fixture
def world(transactional_db):
    organization = factories.OrganizationFactory(name="Picker Works", slug="picker-works")
    user = factories.UserFactory(email="hr@picker.example", full_name="Hana HR", password=PASSWORD)
    Membership.objects.create(organization=organization, user=user, role=Role.HR_ADMIN)
    unit = factories.OrgUnitFactory(organization=organization, name="Operations", code="OPS")
    make = factories.EmployeeFactory
    old_boss = make(organization=organization, unit=unit, first_name="Alan", last_name="Oldfield", staff_number="B1")
    director = make(organization=organization, unit=unit, first_name="Dora", last_name="Director", staff_number="B9")
    make(organization=organization, unit=unit, first_name="Margaret", last_name="Hamilton", staff_number="M1")
    make(organization=organization, unit=unit, first_name="Richard", last_name="Hammond", staff_number="M2")
    make(organization=organization, unit=unit, first_name="Hamish", last_name="Zed", staff_number="M3")
    for n in range(40):  # people who should not be suggested
        make(organization=organization, unit=unit, last_name=f"Other{n:02d}")
    eve = make(
        organization=organization,
        unit=unit,
        first_name="Eve",
        last_name="Employee",
        staff_number="E1",
        manager=old_boss,
        countersigning_officer_override=director,
    )
    return organization, eve


def _signed_in_page(browser, live_server, *, javascript=True):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, "hr@picker.example", PASSWORD)
    expect(page.get_by_role("link", name="Import CSV")).to_be_visible()
    return page


@pytest.mark.browser
def test_hr_picks_a_new_manager_with_the_keyboard(world, browser, live_server):
    organization, eve = world
    page = _signed_in_page(browser, live_server)
    page.goto(org_reverse("people:employee_edit", organization, employee_id=eve.public_id))
    manager = page.get_by_role("combobox", name="Manager")
    expect(manager).to_have_value("Oldfield, Alan · B1")
    expect(manager).to_have_attribute("aria-expanded", "false")

    # Type part of the name: the suggestions are those whose last name, first name or staff
    # number starts with it, in name order.
    manager.fill("")
    manager.press_sequentially("ham", delay=40)
    listbox = page.get_by_role("listbox", name="Suggestions").first
    expect(manager).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(3)
    expect(options.nth(0)).to_contain_text("Hamilton, Margaret · M1")
    expect(options.nth(1)).to_contain_text("Hammond, Richard · M2")
    expect(options.nth(2)).to_contain_text("Zed, Hamish · M3")
    expect(options.nth(0)).to_contain_text("Operations")
    expect(page.locator("#id_manager_status")).to_contain_text("3 people found")

    # Escape closes the list; the arrow keys open it again and move through it.
    manager.press("Escape")
    expect(manager).to_have_attribute("aria-expanded", "false")
    manager.press("ArrowDown")
    expect(manager).to_have_attribute("aria-expanded", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    manager.press("ArrowDown")
    manager.press("ArrowDown")
    manager.press("ArrowUp")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(manager).to_have_attribute("aria-activedescendant", "id_manager_listbox_option1")

    # Enter chooses (and does not submit the form).
    manager.press("Enter")
    expect(manager).to_have_value("Hammond, Richard · M2")
    expect(manager).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_text("record saved")).to_have_count(0)
    assert page.url.endswith(org_reverse("people:employee_edit", organization, employee_id=eve.public_id))

    # Emptying the countersigning officer's box clears the override.
    officer = page.get_by_role("combobox", name="Countersigning officer")
    expect(officer).to_have_value("Director, Dora · B9")
    officer.fill("")

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Eve Employee's record saved.")).to_be_visible()
    lines = page.get_by_role("region", name="Reporting lines")
    expect(lines.get_by_role("link", name="Richard Hammond").first).to_be_visible()
    expect(lines.get_by_text("Default: the appraising officer's manager")).to_be_visible()
    expect(lines.get_by_text("Alan Oldfield")).to_have_count(0)


@pytest.mark.browser
def test_without_javascript_a_staff_number_typed_in_the_box_is_the_choice(world, browser, live_server):
    organization, eve = world
    page = _signed_in_page(browser, live_server, javascript=False)
    page.goto(org_reverse("people:employee_edit", organization, employee_id=eve.public_id))
    manager = page.get_by_role("combobox", name="Manager")
    expect(manager).to_have_value("Oldfield, Alan · B1")
    manager.fill("Hammond")  # a name alone is not enough: it asks for the staff number
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#id_manager_error")).to_contain_text("give the staff number")
    page.get_by_role("combobox", name="Manager").fill("m2")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Eve Employee's record saved.")).to_be_visible()
    expect(
        page.get_by_role("region", name="Reporting lines").get_by_role("link", name="Richard Hammond").first
    ).to_be_visible()


@pytest.mark.browser
def test_hr_records_training_attendees_by_picking_them(world, browser, live_server):
    from apps.committees.models import TrainingSession
    from apps.tenancy.scoping import tenant_scope

    organization, _ = world
    page = _signed_in_page(browser, live_server)
    page.goto(org_reverse("committees:training_create", organization))
    page.get_by_label("Title").fill("Rating well")
    page.get_by_label("Held on").fill("2026-03-01")
    attendees = page.get_by_role("combobox", name="Attendees")
    chosen = page.get_by_role("list", name="Chosen (untick to remove)")

    attendees.press_sequentially("ham", delay=40)
    options = page.locator("#id_attendees_listbox").get_by_role("option")
    expect(options).to_have_count(3)
    attendees.press("ArrowDown")
    attendees.press("Enter")  # adds Hamilton and empties the box for the next name
    expect(chosen.get_by_role("checkbox", name="Hamilton, Margaret · M1")).to_be_checked()
    expect(attendees).to_have_value("")

    attendees.press_sequentially("zed", delay=40)
    expect(options).to_have_count(1)
    options.first.click()
    expect(chosen.get_by_role("checkbox", name="Zed, Hamish · M3")).to_be_checked()
    attendees.press_sequentially("hammond", delay=40)
    expect(options).to_have_count(1)
    attendees.press("ArrowDown")
    attendees.press("Enter")
    chosen.get_by_role("checkbox", name="Hamilton, Margaret · M1").uncheck()  # changed their mind

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Training session saved.")).to_be_visible()
    with tenant_scope(organization):
        session = TrainingSession.objects.get(title="Rating well")
        names = sorted(a.employee.last_name for a in session.attendance.select_related("employee"))
    assert names == ["Hammond", "Zed"]
