"""The committee pages in the browser's place: who gets which page and form, what a POST does,
and a fixed number of queries on every list and on the side-by-side reports."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.committees.models import CommitteeMember, Issue, MemberRole, ProgressReport, ReportStatus
from apps.cycles.models import CycleStatus
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(org, name, **kwargs):
    return org_reverse(f"committees:{name}", org, **kwargs)


def _queries(client, url):
    client.get(url)  # warm up: the first request also loads the session and content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def cycle(org_a):
    with tenant_scope(org_a):
        return factories.CycleFactory(organization=org_a, name="Appraisal 2026", status=CycleStatus.ACTIVE)


# --- Who sees what --------------------------------------------------------------------------


def test_everyone_sees_who_sits_where_but_not_the_records(bob_client, org_a, group, people):
    with tenant_scope(org_a):
        factories.IssueFactory(organization=org_a, committee=group, title="Secret problem")
    listing = bob_client.get(_url(org_a, "committee_list")).content.decode()
    assert group.name in listing and "Chair Example (chair)" in listing
    page = bob_client.get(_url(org_a, "committee_detail", committee_id=group.public_id)).content.decode()
    assert "Chair Example" in page and "Secret problem" not in page
    assert "Secret problem" not in bob_client.get(_url(org_a, "issue_list")).content.decode()


@pytest.mark.parametrize(
    "name", ["committee_create", "training_list", "training_create", "announcement_list", "announcement_create"]
)
def test_plain_members_are_refused_hr_pages(bob_client, org_a, name):
    assert bob_client.get(_url(org_a, name)).status_code == 403


def test_a_member_reads_but_cannot_write(org_a, group, people, cycle):
    with tenant_scope(org_a):
        report = factories.ProgressReportFactory(
            organization=org_a, group=group, to_committee=group.reports_to, cycle=cycle
        )
        issue = factories.IssueFactory(organization=org_a, committee=group)
    member = _client(people["member"])
    assert member.get(_url(org_a, "report_detail", progressreport_id=report.public_id)).status_code == 200
    assert member.post(_url(org_a, "report_submit", progressreport_id=report.public_id)).status_code == 403
    assert member.get(_url(org_a, "issue_edit", issue_id=issue.public_id)).status_code == 200
    assert member.post(_url(org_a, "issue_edit", issue_id=issue.public_id), {"title": "x"}).status_code == 403
    assert member.get(_url(org_a, "report_create", committee_id=group.public_id)).status_code == 403
    outsider = _client(people["outsider"])
    assert outsider.get(_url(org_a, "report_detail", progressreport_id=report.public_id)).status_code == 403


def test_the_chair_files_a_report_the_committee_reads_it_side_by_side(org_a, group, pmc, people, cycle):
    chair = _client(people["chair"])
    response = chair.post(
        _url(org_a, "report_create", committee_id=group.public_id),
        {"cycle": cycle.public_id, "period_label": "March", "went_well": "All targets agreed"},
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        report = ProgressReport.objects.get()
    response = chair.post(
        _url(org_a, "report_detail", progressreport_id=report.public_id),
        {"went_well": "All targets agreed", "problems": "Two late", "needs": "", "submit": "1"},
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.figures["total"] == 0
    pmc_member = _client(people["pmc"])
    page = pmc_member.get(_url(org_a, "committee_reports", committee_id=pmc.public_id) + f"?cycle={cycle.public_id}")
    assert page.status_code == 200 and "Two late" in page.content.decode()


def test_bad_input_is_a_form_error_not_a_500(alice_client, org_a, group, cycle):
    response = alice_client.post(_url(org_a, "committee_create"), {"name": group.name, "kind": "other"})
    assert response.status_code == 200 and "already has this name" in response.content.decode()
    response = alice_client.post(_url(org_a, "member_add", committee_id=group.public_id), {"employee": "nonsense"})
    assert response.status_code == 400
    response = alice_client.get(_url(org_a, "committee_reports", committee_id=group.public_id) + "?cycle=not-a-uuid")
    assert response.status_code == 200
    response = alice_client.get(_url(org_a, "issue_list") + "?status=bogus&committee=x&page=abc")
    assert response.status_code == 200


def test_hr_adds_changes_and_removes_a_member(alice_client, org_a, group, tree):
    with tenant_scope(org_a):
        person = factories.EmployeeFactory(organization=org_a, unit=tree["sales"])
    response = alice_client.post(
        _url(org_a, "member_add", committee_id=group.public_id), {"employee": person.public_id, "role": "member"}
    )
    assert response.status_code == 302
    with tenant_scope(org_a):
        seat = CommitteeMember.objects.get(employee=person)
    alice_client.post(_url(org_a, "member_edit", committeemember_id=seat.public_id), {"role": "secretary"})
    with tenant_scope(org_a):
        seat.refresh_from_db()
        assert seat.role == MemberRole.SECRETARY
    alice_client.post(_url(org_a, "member_edit", committeemember_id=seat.public_id), {"role": "member", "remove": "1"})
    with tenant_scope(org_a):
        assert not CommitteeMember.objects.filter(pk=seat.pk).exists()


def test_hr_grants_read_access_through_the_page(alice_client, org_a, group, people, cycle):
    with tenant_scope(org_a):
        factories.IssueFactory(organization=org_a, committee=group, title="Visible after grant")
        outsider = people["outsider"].employments.get()
    response = alice_client.post(
        _url(org_a, "access_change", committee_id=group.public_id),
        {"employee": outsider.public_id, "permission": "read_committee_records"},
    )
    assert response.status_code == 302
    page = _client(people["outsider"]).get(_url(org_a, "committee_detail", committee_id=group.public_id))
    assert "Visible after grant" in page.content.decode()


def test_the_chair_logs_and_resolves_an_issue(org_a, group, people):
    chair = _client(people["chair"])
    assert (
        chair.post(_url(org_a, "issue_create", committee_id=group.public_id), {"title": "Late forms"}).status_code
        == 302
    )
    with tenant_scope(org_a):
        issue = Issue.objects.get()
    response = chair.post(
        _url(org_a, "issue_edit", issue_id=issue.public_id), {"title": "Late forms", "status": "resolved"}
    )
    assert response.status_code == 200 and "how the issue was resolved" in response.content.decode()


def test_dashboard_shows_announcements_in_scope(org_a, group, tree, people):
    with tenant_scope(org_a):
        a = factories.AnnouncementFactory(organization=org_a, title="For Finance")
        a.units.add(tree["finance"])
        b = factories.AnnouncementFactory(organization=org_a, title="For Sales")
        b.units.add(tree["sales"])
        factories.AnnouncementFactory(organization=org_a, title="For everyone")
        factories.AnnouncementFactory(
            organization=org_a, title="Over", published_until=datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
        )
    page = _client(people["member"]).get(org_reverse("dashboard", org_a)).content.decode()
    assert "For Finance" in page and "For everyone" in page
    assert "For Sales" not in page and "Over" not in page


def test_appraisal_list_flags_untrained_officers(alice_client, org_a, tree, cycle):
    with tenant_scope(org_a):
        trained = factories.EmployeeFactory(organization=org_a, unit=tree["hq"])
        untrained = factories.EmployeeFactory(organization=org_a, unit=tree["hq"])
        factories.TrainingAttendanceFactory(organization=org_a, employee=trained)
        for officer in (trained, untrained):
            factories.AppraisalFactory(organization=org_a, cycle_template__cycle=cycle, appraising_officer=officer)
    page = alice_client.get(org_reverse("cycles:appraisal_list", org_a, cycle_id=cycle.public_id)).content.decode()
    assert page.count("Not trained</span>") == 1
    training = alice_client.get(_url(org_a, "training_list")).content.decode()
    assert untrained.full_name in training and trained.full_name in training


# --- Constant queries -----------------------------------------------------------------------


def _more_committees(org, n, tree):
    for _ in range(n):
        committee = factories.CommitteeFactory(organization=org)
        committee.units.add(tree["sales"])
        factories.CommitteeMemberFactory.create_batch(2, organization=org, committee=committee)
        factories.IssueFactory(organization=org, committee=committee)


def test_the_committee_list_takes_the_same_queries_for_few_or_many(alice_client, org_a, group, people, tree):
    url = _url(org_a, "committee_list")
    with tenant_scope(org_a):
        _more_committees(org_a, 1, tree)
    few = _queries(alice_client, url)
    with tenant_scope(org_a):
        _more_committees(org_a, 6, tree)
    assert _queries(alice_client, url) == few


def test_the_issue_list_takes_the_same_queries_for_few_or_many(org_a, group, people, cycle):
    chair = _client(people["chair"])
    url = _url(org_a, "issue_list") + "?status=all"
    with tenant_scope(org_a):
        factories.IssueFactory(organization=org_a, committee=group, cycle=cycle)
    few = _queries(chair, url)
    with tenant_scope(org_a):
        for _ in range(8):
            factories.IssueFactory(
                organization=org_a, committee=group, cycle=cycle, owner=people["member"].employments.get()
            )
    assert _queries(chair, url) == few


def test_the_committee_page_takes_the_same_queries_for_few_or_many(alice_client, org_a, group, pmc, cycle):
    url = _url(org_a, "committee_detail", committee_id=pmc.public_id)
    few = _queries(alice_client, url)
    with tenant_scope(org_a):
        for _ in range(4):
            extra = factories.CommitteeFactory(organization=org_a, reports_to=pmc)
            factories.ProgressReportFactory(organization=org_a, group=extra, to_committee=pmc, cycle=cycle)
            factories.IssueFactory(organization=org_a, committee=pmc, cycle=cycle)
            factories.LessonFactory(organization=org_a, committee=pmc, cycle=cycle)
            factories.CommitteeMemberFactory(organization=org_a, committee=pmc)
    assert _queries(alice_client, url) == few


def test_reports_side_by_side_take_the_same_queries_for_few_or_many(alice_client, org_a, pmc, tree, cycle):
    url = _url(org_a, "committee_reports", committee_id=pmc.public_id) + f"?cycle={cycle.public_id}"

    def add_groups(n):
        for i in range(n):
            group = factories.CommitteeFactory(organization=org_a, reports_to=pmc)
            group.units.add(tree["finance"] if i % 2 else tree["sales"])
            status = ReportStatus.SUBMITTED if i % 2 else ReportStatus.DRAFT
            figures = {"total": 1, "by_state": {}, "completed": 0, "percent_complete": 0, "overdue": 0}
            factories.ProgressReportFactory(
                organization=org_a,
                group=group,
                to_committee=pmc,
                cycle=cycle,
                status=status,
                figures=figures if status == ReportStatus.SUBMITTED else {},
            )
            factories.AppraisalFactory(
                organization=org_a,
                employee=factories.EmployeeFactory(organization=org_a, unit=tree["finance"]),
                cycle_template__cycle=cycle,
            )

    with tenant_scope(org_a):
        add_groups(2)
    few = _queries(alice_client, url)
    with tenant_scope(org_a):
        add_groups(6)
    assert _queries(alice_client, url) == few


def test_the_training_page_takes_the_same_queries_for_few_or_many(alice_client, org_a, tree, cycle):
    url = _url(org_a, "training_list")

    def add(n):
        for _ in range(n):
            officer = factories.EmployeeFactory(organization=org_a, unit=tree["hq"])
            factories.AppraisalFactory(organization=org_a, cycle_template__cycle=cycle, appraising_officer=officer)
            factories.TrainingAttendanceFactory(organization=org_a, employee=officer)

    with tenant_scope(org_a):
        add(1)
    few = _queries(alice_client, url)
    with tenant_scope(org_a):
        add(6)
    assert _queries(alice_client, url) == few


def test_the_dashboard_reads_announcements_in_one_query(org_a, tree, people):
    member = _client(people["member"])
    url = org_reverse("dashboard", org_a)
    few = _queries(member, url)
    with tenant_scope(org_a):
        for unit in (tree["finance"], tree["payroll"], tree["hq"], tree["sales"]):
            announcement = factories.AnnouncementFactory(organization=org_a)
            announcement.units.add(unit)
    many = _queries(member, url)
    assert many == few
