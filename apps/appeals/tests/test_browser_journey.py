"""Moderation to appeal decision in a real browser: a moderation panel lowers one appraisal's
level with a justification and closes its session, HR releases, the employee lodges an appeal
against the overall level from their result, the appeal board (without her manager, who sits on
it) upholds it with a changed level, and the changed level shows on the employee's report.

Set up like apps/cycles/tests/test_browser_appraisal.py: Debian's Chromium through Playwright's
sync API against the live server; the countersigned appraisal is built with the factories (the
journey up to countersigning is that test's subject), every step after it is done on the pages.
"""

import datetime
import os
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.appeals.models import Appeal, AppealState, ExclusionReason, Outcome
from apps.committees.models import CommitteeKind, MemberRole
from apps.cycles.models import Appraisal, AppraisalState, CycleStatus, PhaseKind, RatingChange
from apps.tenancy.models import Role
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.browser import sign_in

from .world import snapshot

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "appeal-journey-2026"
CYCLE = "Appraisal 2026"
PEOPLE = {  # key: (first name, e-mail)
    "employee": ("Eve", "eve@appeal.example"),
    "manager": ("Mark", "mark@appeal.example"),
    "countersigning": ("Cora", "cora@appeal.example"),
    "hr": ("Hana", "hana@appeal.example"),
    "panel_chair": ("Pam", "pam@appeal.example"),
    "board_chair": ("Bill", "bill@appeal.example"),
}


@pytest.fixture
def world(transactional_db):
    org = factories.OrganizationFactory(name="Appeal Works", slug="appealworks")
    hq = factories.OrgUnitFactory(organization=org, name="Head office")
    sales = factories.OrgUnitFactory(organization=org, parent=hq, name="Sales")
    users = {}
    for key in ("hr", "countersigning", "manager", "employee", "panel_chair", "board_chair"):
        first_name, email = PEOPLE[key]
        manager = {"countersigning": "hr", "manager": "countersigning", "employee": "manager"}.get(key)
        users[key] = factories.member(
            org,
            sales if key == "employee" else hq,
            role=Role.HR_ADMIN if key == "hr" else Role.MEMBER,
            email=email,
            first_name=first_name,
            manager=users[manager].employments.get() if manager else None,
        )
        users[key].set_password(PASSWORD)
        users[key].save()
    with tenant_scope(org):
        emp = {key: user.employments.get() for key, user in users.items()}
        cycle = factories.CycleFactory(
            organization=org, name=CYCLE, status=CycleStatus.ACTIVE, current_phase=PhaseKind.RELEASE
        )
        ct = factories.CycleTemplateFactory(organization=org, cycle=cycle, snapshot=snapshot())
        appraisal = factories.AppraisalFactory(
            organization=org,
            cycle_template=ct,
            employee=emp["employee"],
            appraising_officer=emp["manager"],
            countersigning_officer=emp["countersigning"],
            state=AppraisalState.COUNTERSIGNED,
            overall_score=Decimal("3.60"),
            overall_level="4",
            overall_assessment="A strong year in Sales.",
            countersigning_agrees=True,
        )
        factories.AppraisalTargetFactory(
            organization=org, appraisal=appraisal, title="Grow sales", weight=Decimal("100"), officer_rating=4
        )
        panel = factories.CommitteeFactory(organization=org, name="Sales panel", kind=CommitteeKind.MODERATION_PANEL)
        panel.units.add(sales)
        factories.CommitteeMemberFactory(
            organization=org, committee=panel, employee=emp["panel_chair"], role=MemberRole.CHAIR
        )
        board = factories.CommitteeFactory(organization=org, name="Sales appeal board", kind=CommitteeKind.APPEAL_BOARD)
        board.units.add(sales)
        factories.CommitteeMemberFactory(
            organization=org, committee=board, employee=emp["board_chair"], role=MemberRole.CHAIR
        )
        # Eve's manager sits on the board too: the appeal must leave him out.
        factories.CommitteeMemberFactory(organization=org, committee=board, employee=emp["manager"])
    return {"org": org, "cycle": cycle, "appraisal": appraisal, "panel": panel, "emp": emp}


def _signed_in(browser, live_server, who):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, PEOPLE[who][1], PASSWORD)
    expect(_nav(page, "Appeals")).to_be_visible()
    return page


def _nav(page, name):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def _overall_level(page):
    return page.get_by_role("region", name="The appraising officer's assessment").locator(
        "dt:text-is('Overall level') + dd"
    )


@pytest.mark.browser
def test_moderated_level_appealed_and_changed_by_the_board(world, browser, live_server):
    org = world["org"]

    # Pam's panel opens a session, lowers Eve's level with a justification and closes it.
    pam = _signed_in(browser, live_server, "panel_chair")
    pam.goto(org_reverse("moderation:session_open", org, committee_id=world["panel"].public_id))
    pam.get_by_label("Cycle").select_option(label=CYCLE)
    pam.get_by_role("button", name="Open the session").click()
    expect(pam.get_by_text(f"Session opened on {CYCLE}.")).to_be_visible()
    pam.get_by_role("link", name="Adjust the level of Eve Example").click()
    pam.get_by_label("New overall level").select_option("3")
    pam.get_by_label("Justification").fill("Out of line with the rest of Sales.")
    pam.get_by_role("button", name="Adjust the level").click()
    pam.get_by_role("link", name="Close the session").click()
    pam.get_by_label("Summary").fill("One level lowered in Sales.")
    pam.get_by_role("button", name="Close the session").click()
    expect(pam.get_by_text("Session closed")).to_be_visible()

    # Hana releases the results.
    hana = _signed_in(browser, live_server, "hr")
    hana.goto(org_reverse("cycles:cycle_release", org, cycle_id=world["cycle"].public_id))
    hana.get_by_role("button", name="Release 1 result").click()
    expect(hana.get_by_text("Released 1 result in all units.")).to_be_visible()

    # Eve reads level 3 on her result and appeals against it.
    eve = _signed_in(browser, live_server, "employee")
    eve.goto(org_reverse("cycles:acknowledge", org, appraisal_id=world["appraisal"].public_id))
    expect(_overall_level(eve)).to_have_text("3")
    eve.get_by_role("link", name="Lodge an appeal").click()
    expect(eve.get_by_role("heading", name="Lodge an appeal", level=1)).to_be_visible()
    eve.get_by_role("radio", name="The overall level (now: 3)").check()
    eve.get_by_label("Your grounds").fill("My sales grew 40%; the panel never looked at my figures.")
    eve.get_by_role("button", name="Lodge the appeal").click()
    expect(eve.get_by_text("Your appeal is lodged with Sales appeal board.")).to_be_visible()

    # Bill, chairing the board, finds it in the queue, acknowledges, reviews and upholds it.
    bill = _signed_in(browser, live_server, "board_chair")
    _nav(bill, "Appeals").click()
    bill.get_by_role("link", name="Appeal board queue").click()
    bill.get_by_role("link", name="Eve Example").click()
    expect(bill.get_by_role("region", name="For the board")).to_contain_text("Mark Example — the appraising officer")
    bill.get_by_role("button", name="Acknowledge the appeal").click()
    expect(bill.get_by_text("The appeal is acknowledged.")).to_be_visible()
    bill.get_by_role("button", name="Start the review").click()
    expect(bill.get_by_text("The review has started.")).to_be_visible()
    bill.get_by_role("radio", name="Upheld", exact=True).check()
    bill.get_by_label("Reasons").fill("The figures support level 4.")
    bill.get_by_label("Change it to").select_option("4")
    bill.get_by_role("button", name="Record the decision").click()
    expect(bill.get_by_text("The decision is recorded and the appellant told.")).to_be_visible()

    # Eve's report shows the changed level; her appeal shows the decision and its reasons.
    eve.goto(org_reverse("cycles:acknowledge", org, appraisal_id=world["appraisal"].public_id))
    expect(_overall_level(eve)).to_have_text("4")
    eve.get_by_role("link", name="Your appeal against the overall level").click()
    expect(eve.get_by_role("heading", name="Decision: Upheld")).to_be_visible()
    expect(eve.get_by_text("The figures support level 4.")).to_be_visible()
    expect(eve.get_by_text("For the board")).to_have_count(0)

    with tenant_scope(org):
        appraisal = Appraisal.objects.get(pk=world["appraisal"].pk)
        assert appraisal.overall_level == "4"
        levels = list(
            RatingChange.objects.filter(appraisal=appraisal, field="overall_level").values_list(
                "old_value", "new_value"
            )
        )
        assert levels == [("4", "3"), ("3", "4")]
        appeal = Appeal.objects.get()
        assert (appeal.state, appeal.outcome, appeal.changed_to) == (AppealState.DECIDED, Outcome.UPHELD, "4")
        assert appeal.exclusions.get().reason == ExclusionReason.APPRAISING_OFFICER
        assert appraisal.released_at <= timezone.now() < appraisal.released_at + datetime.timedelta(days=14)
