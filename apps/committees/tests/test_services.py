"""Committee services: validation at the field, permission, audit, and the progress report's
figures (live while a draft, frozen when submitted)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.committees.models import CommitteeKind, Issue, IssueStatus, MemberRole, ReportStatus
from apps.committees.permissions import Role
from apps.committees.selectors import cycle_with_phases, figures_for, reports_side_by_side
from apps.committees.services import committees as committee_services
from apps.committees.services.announcements import announcement_publish
from apps.committees.services.issues import issue_raise, issue_update
from apps.committees.services.lessons import lesson_record
from apps.committees.services.reports import report_create, report_submit, report_update
from apps.committees.services.training import training_save
from apps.cycles.models import AppraisalState, PhaseKind
from apps.tenancy.models import AuditEvent, Membership
from apps.tenancy.scoping import tenant_scope
from apps.tests_support import factories

pytestmark = pytest.mark.django_db

CHAIR = {Role.STAFF, Role.CHAIR}
MEMBER = {Role.STAFF, Role.MEMBER}
NOW = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def hr(org_a, alice):
    with tenant_scope(org_a):
        return Membership.objects.get(organization=org_a, user=alice)


def _appraisal(org, unit, state, cycle):
    employee = factories.EmployeeFactory(organization=org, unit=unit)
    return factories.AppraisalFactory(organization=org, employee=employee, state=state, cycle_template__cycle=cycle)


@pytest.fixture
def cycle(org_a, tree):
    """A cycle whose self-assessment phase has ended: appraisals still in self-assessment are overdue."""
    with tenant_scope(org_a):
        cycle = factories.CycleFactory(organization=org_a)
        factories.CyclePhaseFactory(
            organization=org_a,
            cycle=cycle,
            kind=PhaseKind.SELF_ASSESSMENT,
            starts_at=NOW - datetime.timedelta(days=30),
            ends_at=NOW - datetime.timedelta(days=1),
        )
        for unit, state in (
            ("finance", AppraisalState.SELF_ASSESSMENT),
            ("payroll", AppraisalState.SELF_ASSESSMENT),
            ("payroll", AppraisalState.RELEASED),
            ("sales", AppraisalState.SELF_ASSESSMENT),
            ("hq", AppraisalState.ACKNOWLEDGED),
        ):
            _appraisal(org_a, tree[unit], state, cycle)
    return cycle


# --- Committees and members -----------------------------------------------------------------


def test_hr_creates_a_committee_with_scope_and_audit(org_a, alice, hr, tree, pmc):
    with tenant_scope(org_a):
        committee = committee_services.committee_save(
            actor=alice,
            membership=hr,
            name="Sales promotion group",
            kind=CommitteeKind.PROMOTION_GROUP,
            responsibilities="Run the system in Sales.",
            reports_to=pmc,
            units=[tree["sales"]],
        )
        assert list(committee.units.all()) == [tree["sales"]]
        assert AuditEvent.objects.filter(action="committee.created", object_id=committee.public_id).exists()


def test_committee_errors_are_at_the_fields(org_a, alice, hr, group, pmc):
    with tenant_scope(org_a):
        with pytest.raises(ValidationError) as error:
            committee_services.committee_save(actor=alice, membership=hr, name=" ", kind="nonsense")
        assert {"name", "kind"} <= set(error.value.error_dict)
        with pytest.raises(ValidationError) as error:
            committee_services.committee_save(actor=alice, membership=hr, name=group.name.upper(), kind="other")
        assert "name" in error.value.error_dict
        # The PMC reporting to the group that reports to it would be a loop.
        with pytest.raises(ValidationError) as error:
            committee_services.committee_save(
                actor=alice, membership=hr, committee=pmc, name=pmc.name, kind=pmc.kind, reports_to=group
            )
        assert "reports_to" in error.value.error_dict


def test_only_hr_runs_committees(org_a, bob):
    with tenant_scope(org_a):
        membership = Membership.objects.get(organization=org_a, user=bob)
        with pytest.raises(PermissionDenied):
            committee_services.committee_save(actor=bob, membership=membership, name="X", kind="other")


def test_members_join_change_role_and_leave(org_a, alice, hr, group, tree):
    with tenant_scope(org_a):
        person = factories.EmployeeFactory(organization=org_a, unit=tree["finance"])
        seat = committee_services.member_add(
            actor=alice, membership=hr, committee=group, employee=person, role=MemberRole.MEMBER
        )
        with pytest.raises(ValidationError) as error:
            committee_services.member_add(
                actor=alice, membership=hr, committee=group, employee=person, role=MemberRole.CHAIR
            )
        assert "employee" in error.value.error_dict
        committee_services.member_change_role(actor=alice, membership=hr, seat=seat, role=MemberRole.SECRETARY)
        seat.refresh_from_db()
        assert seat.role == MemberRole.SECRETARY
        committee_services.member_remove(actor=alice, membership=hr, seat=seat)
        assert not group.members.filter(employee=person).exists()
        actions = list(AuditEvent.objects.filter(object_id=group.public_id).values_list("action", flat=True))
        assert {"committee.member_added", "committee.member_role_changed", "committee.member_removed"} <= set(actions)


# --- Progress reports -----------------------------------------------------------------------


def test_live_figures_cover_the_scope_and_count_overdue(org_a, group, pmc, cycle):
    with tenant_scope(org_a):
        full = cycle_with_phases().get(pk=cycle.pk)
        figures = figures_for(full, [group, pmc], now=NOW)
    mine = figures[group.pk]
    assert mine["total"] == 3  # Finance and Payroll, not Sales or HQ
    assert mine["by_state"][AppraisalState.SELF_ASSESSMENT] == 2
    assert mine["completed"] == 1 and mine["overdue"] == 2
    assert figures[pmc.pk]["total"] == 5 and figures[pmc.pk]["overdue"] == 3


def test_a_report_is_drafted_written_and_submitted_with_frozen_figures(org_a, people, group, pmc, cycle, tree):
    chair = people["chair"]
    with tenant_scope(org_a):
        report = report_create(actor=chair, roles=CHAIR, group=group, cycle=cycle, period_label="March")
        assert report.to_committee == pmc and report.status == ReportStatus.DRAFT and report.figures == {}
        with pytest.raises(ValidationError) as error:
            report_submit(actor=chair, roles=CHAIR, report=report, now=NOW)
        assert "went_well" in error.value.error_dict
        report_update(actor=chair, roles=CHAIR, report=report, went_well="Targets agreed", problems="", needs="")
        report = report_submit(actor=chair, roles=CHAIR, report=report, now=NOW)
        assert report.status == ReportStatus.SUBMITTED and report.figures["total"] == 3
        # Later appraisals in the scope change the live figures, not the submitted report's.
        _appraisal(org_a, tree["payroll"], AppraisalState.PLANNING, cycle)
        shown = reports_side_by_side(pmc, cycle_with_phases().get(pk=cycle.pk))
        assert shown[0].shown_figures["total"] == 3
        with pytest.raises(ValidationError):
            report_update(actor=chair, roles=CHAIR, report=report, went_well="changed")
        with pytest.raises(ValidationError):
            report_submit(actor=chair, roles=CHAIR, report=report)


def test_report_rules(org_a, people, group, pmc, cycle):
    with tenant_scope(org_a):
        with pytest.raises(PermissionDenied):
            report_create(actor=people["member"], roles=MEMBER, group=group, cycle=cycle, period_label="March")
        report_create(actor=people["chair"], roles=CHAIR, group=group, cycle=cycle, period_label="March")
        with pytest.raises(ValidationError) as error:
            report_create(actor=people["chair"], roles=CHAIR, group=group, cycle=cycle, period_label="march ")
        assert "period_label" in error.value.error_dict
        with pytest.raises(ValidationError) as error:
            report_create(actor=people["chair"], roles=CHAIR, group=pmc, cycle=cycle, period_label="March")
        assert "__all__" in error.value.error_dict  # the PMC reports to nobody


# --- Issues, lessons, training, announcements ----------------------------------------------


def test_issues_are_raised_and_resolved(org_a, people, group, cycle):
    chair = people["chair"]
    with tenant_scope(org_a):
        owner = people["secretary"].employments.get()
        issue = issue_raise(
            actor=chair,
            roles=CHAIR,
            committee=group,
            raised_by=chair.employments.get(),
            title="Forms late in Payroll",
            cycle=cycle,
            owner=owner,
        )
        assert issue.status == IssueStatus.OPEN and issue.resolved_on is None
        with pytest.raises(ValidationError) as error:
            issue_update(actor=chair, roles=CHAIR, issue=issue, title=issue.title, status=IssueStatus.RESOLVED)
        assert "resolution" in error.value.error_dict
        issue = issue_update(
            actor=chair,
            roles=CHAIR,
            issue=issue,
            title=issue.title,
            status=IssueStatus.RESOLVED,
            resolution="Deadline extended",
            owner=owner,
        )
        assert issue.resolved_on is not None
        with pytest.raises(PermissionDenied):
            issue_raise(actor=chair, roles=MEMBER, committee=group, raised_by=None, title="x")
        assert Issue.objects.get(pk=issue.pk).resolution == "Deadline extended"


def test_lessons_need_a_cycle_and_a_title(org_a, people, group, cycle):
    with tenant_scope(org_a):
        with pytest.raises(ValidationError) as error:
            lesson_record(actor=people["chair"], roles=CHAIR, committee=group, cycle=None, title="")
        assert {"cycle", "title"} <= set(error.value.error_dict)
        lesson = lesson_record(
            actor=people["chair"], roles=CHAIR, committee=group, cycle=cycle, title="Start planning earlier"
        )
        assert lesson.committee == group


def test_training_records_attendees(org_a, alice, hr, people):
    with tenant_scope(org_a):
        a, b = people["chair"].employments.get(), people["member"].employments.get()
        session = training_save(
            actor=alice, membership=hr, title="Rating well", held_on=datetime.date(2026, 1, 10), attendees=[a, b]
        )
        assert set(session.attendance.values_list("employee_id", flat=True)) == {a.pk, b.pk}
        training_save(
            actor=alice, membership=hr, session=session, title="Rating well", held_on=session.held_on, attendees=[b]
        )
        assert set(session.attendance.values_list("employee_id", flat=True)) == {b.pk}
        with pytest.raises(ValidationError) as error:
            training_save(actor=alice, membership=hr, title="", held_on=None)
        assert {"title", "held_on"} <= set(error.value.error_dict)


def test_a_chair_publishes_only_inside_the_scope(org_a, people, group, tree):
    chair = people["chair"]
    with tenant_scope(org_a):
        membership = Membership.objects.get(organization=org_a, user=chair)
        published = announcement_publish(
            actor=chair,
            membership=membership,
            roles=CHAIR,
            committee=group,
            title="Forms due",
            body="Friday.",
            units=[tree["payroll"]],
        )
        assert list(published.units.all()) == [tree["payroll"]]
        for units in ([tree["sales"]], []):  # outside the scope; all staff is wider than it
            with pytest.raises(ValidationError) as error:
                announcement_publish(
                    actor=chair,
                    membership=membership,
                    roles=CHAIR,
                    committee=group,
                    title="x",
                    body="y",
                    units=units,
                )
            assert "units" in error.value.error_dict
        with pytest.raises(PermissionDenied):
            announcement_publish(actor=chair, membership=membership, roles=MEMBER, committee=group, title="x", body="y")
        with pytest.raises(PermissionDenied):  # in HR's own name
            announcement_publish(actor=chair, membership=membership, roles=None, committee=None, title="x", body="y")
