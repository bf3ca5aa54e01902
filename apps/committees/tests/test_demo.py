"""Acme's demo committees: every kind the demo promises, the demo HR user and manager seated,
a submitted report with frozen figures, an open issue, a training session, an announcement;
a second seeding changes nothing."""

from django.core.management import call_command

from apps.committees.models import (
    Announcement,
    Committee,
    CommitteeKind,
    CommitteeMember,
    Issue,
    IssueStatus,
    ProgressReport,
    ReportStatus,
    TrainingSession,
)
from apps.tenancy.models import Organization
from apps.tenancy.scoping import tenant_scope

MODELS = (Committee, CommitteeMember, ProgressReport, Issue, TrainingSession, Announcement)


def _counts():
    return [model.objects.count() for model in MODELS]


def test_acme_gets_its_committees_once(db):
    call_command("seed_demo")
    acme = Organization.objects.get(slug="acme")
    with tenant_scope(acme):
        first = _counts()
        kinds = set(Committee.objects.values_list("kind", flat=True))
        assert kinds == {k for k in CommitteeKind.values if k != CommitteeKind.OTHER}
        pmc = Committee.objects.get(kind=CommitteeKind.PMC)
        assert not pmc.units.exists()  # the whole organisation
        assert Committee.objects.filter(kind=CommitteeKind.PROMOTION_GROUP, reports_to=pmc).count() >= 2
        seated = set(CommitteeMember.objects.values_list("employee__email", flat=True))
        assert {"hr@acme.test", "manager@acme.test"} <= seated
        report = ProgressReport.objects.get()
        assert report.status == ReportStatus.SUBMITTED and report.figures["total"] > 0
        assert Issue.objects.filter(status=IssueStatus.OPEN).exists()
        assert TrainingSession.objects.get().attendance.filter(employee__email="manager@acme.test").exists()
        assert Announcement.objects.exists()
    call_command("seed_demo")
    with tenant_scope(acme):
        assert _counts() == first
