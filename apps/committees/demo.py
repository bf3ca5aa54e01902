"""Acme's committees for the demo: the Performance Management Committee (whole organisation),
a department promotion group per division, the HR support and advisory group, one moderation
panel and one appeal board (both whole organisation), with members from acme's people — the
demo HR user (hr@acme.test) and the demo manager (manager@acme.test) among them — and a
submitted progress report, an open issue, a training session and an announcement.

Everything goes through the services, as HR or the group's chair would act. Idempotent: when
the Performance Management Committee exists, nothing is added or changed. Run inside acme's
tenant scope after the demo cycle (seed_demo does).
"""

import datetime

from django.utils import timezone

from apps.cycles.models import Cycle
from apps.people.models import Employee, OrgUnit
from apps.tenancy.models import Membership

from .models import Committee, CommitteeKind, MemberRole
from .permissions import Role
from .services.announcements import announcement_publish
from .services.committees import committee_save, member_add
from .services.issues import issue_raise
from .services.reports import report_create, report_submit, report_update
from .services.training import training_save

HR_EMAIL = "hr@acme.test"
MANAGER_EMAIL = "manager@acme.test"
PMC_NAME = "Performance Management Committee"
CHAIR = {Role.STAFF, Role.CHAIR}


def _person(email):
    return Employee.objects.select_related("unit").get(email__iexact=email)


def _heads(units):
    return [unit.head for unit in units if unit.head_id]


def seed_committees(organization, *, today: datetime.date | None = None) -> int:
    """Create acme's committees; returns how many were created (0 when they exist)."""
    if Committee.objects.filter(name=PMC_NAME).exists():
        return 0
    today = today or timezone.localdate()
    membership = Membership.objects.select_related("user", "organization").get(
        organization=organization, user__email__iexact=HR_EMAIL
    )
    actor = membership.user
    hr, manager = _person(HR_EMAIL), _person(MANAGER_EMAIL)
    root = OrgUnit.objects.select_related("head").filter(parent__isnull=True).order_by("path").first()
    divisions = list(OrgUnit.objects.select_related("head").filter(parent=root, is_active=True).order_by("name"))
    created = []

    def make(name, kind, responsibilities, *, reports_to=None, units=(), seats=()):
        committee = committee_save(
            actor=actor,
            membership=membership,
            name=name,
            kind=kind,
            responsibilities=responsibilities,
            reports_to=reports_to,
            units=list(units),
        )
        seated = set()
        for employee, role in seats:
            if employee is not None and employee.pk not in seated:
                member_add(actor=actor, membership=membership, committee=committee, employee=employee, role=role)
                seated.add(employee.pk)
        created.append(committee)
        return committee

    pmc = make(
        PMC_NAME,
        CommitteeKind.PMC,
        "Owns the performance-management system, its schedule and the resolution of problems across the organisation.",
        seats=[(root.head, MemberRole.CHAIR), (hr, MemberRole.SECRETARY)]
        + [(head, MemberRole.MEMBER) for head in _heads(divisions)],
    )
    groups = []
    for division in divisions:
        seats = [(division.head, MemberRole.CHAIR)]
        if manager.unit.path.startswith(division.path):
            # The demo manager runs the system in their division day to day.
            seats = [(manager, MemberRole.CHAIR), (division.head, MemberRole.MEMBER)]
        groups.append(
            make(
                f"{division.name} promotion group",
                CommitteeKind.PROMOTION_GROUP,
                f"Puts the system into practice in {division.name} and reports progress to the committee.",
                reports_to=pmc,
                units=[division],
                seats=seats + [(hr, MemberRole.SECRETARY)],
            )
        )
    support = make(
        "HR support and advisory group",
        CommitteeKind.HR_SUPPORT,
        "Trains and supports appraisers and the groups, and reports to senior management.",
        reports_to=pmc,
        seats=[(hr, MemberRole.CHAIR), (manager, MemberRole.MEMBER)],
    )
    make(
        "Moderation panel",
        CommitteeKind.MODERATION_PANEL,
        "Calibrates ratings across units after countersigning.",
        seats=[(hr, MemberRole.SECRETARY)] + [(head, MemberRole.MEMBER) for head in _heads(divisions)[:2]],
    )
    make(
        "Appeal board",
        CommitteeKind.APPEAL_BOARD,
        "Hears and decides appeals against released results.",
        # The demo manager sits too: appeals from their own team are kept from them by the routing.
        seats=[(root.head, MemberRole.CHAIR), (hr, MemberRole.SECRETARY), (manager, MemberRole.MEMBER)],
    )

    cycle = Cycle.objects.order_by("-created_at").first()
    manager_user = manager.user
    manager_group = next(
        (g for g in groups if g.members.filter(employee=manager).exists()), groups[0] if groups else None
    )
    if cycle is not None and manager_group is not None:
        report = report_create(
            actor=manager_user, roles=CHAIR, group=manager_group, cycle=cycle, period_label=f"{today:%B}"
        )
        report_update(
            actor=manager_user,
            roles=CHAIR,
            report=report,
            went_well="Every team agreed its targets on time; the self-assessment opened as planned.",
            problems="Some staff did not know where to find the self-assessment form.",
            needs="A short how-to for appraisees, and a reminder before the self-assessment closes.",
        )
        report_submit(actor=manager_user, roles=CHAIR, report=report)
        issue_raise(
            actor=actor,
            roles={Role.STAFF, Role.HR},
            committee=pmc,
            raised_by=hr,
            title="Appraisees cannot find the self-assessment form",
            description=f"Raised by {manager_group.name} in its {today:%B} report.",
            cycle=cycle,
            owner=hr,
        )
    trained = [manager, hr] + list(
        Employee.objects.filter(direct_reports__isnull=False).exclude(pk=manager.pk).distinct().order_by("pk")[:3]
    )
    training_save(
        actor=actor,
        membership=membership,
        title="Appraising well: targets, evidence and fair ratings",
        held_on=today - datetime.timedelta(days=14),
        covered="Setting SMART targets, gathering evidence during the year, rating on the scale, the feedback interview.",
        trainer=hr,
        committee=support,
        attendees=trained,
    )
    announcement_publish(
        actor=actor,
        membership=membership,
        roles=None,
        committee=None,
        title="The self-assessment is open",
        body="Please fill in and hand in your self-assessment before the phase ends. Questions: the HR support group.",
        published_until=timezone.now() + datetime.timedelta(days=30),
    )
    return len(created)
