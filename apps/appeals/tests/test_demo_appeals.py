"""acme's demo: last year's cycle carried to release (most results acknowledged, some waiting),
its results page with people to recognise and people below standard, and appeals in three
states that the demo employee, the board's members and HR each find on their pages; a second
seeding adds nothing."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from apps.appeals.models import Appeal, AppealEvent, AppealState, CommentRequest, Outcome, Party
from apps.appeals.selectors_results import band_labels, cycle_results
from apps.appeals.services.lodging import appeal_window
from apps.cycles.demo_cycle import cycle_name
from apps.cycles.demo_past_cycle import past_cycle_name
from apps.cycles.models import (
    Appraisal,
    AppraisalState,
    Cycle,
    CycleStatus,
    ImprovementPlan,
    PhaseChange,
    PhaseKind,
    PlanStatus,
    RatingChange,
)
from apps.cycles.services.phases import due_cycles
from apps.goals.models import Goal
from apps.tenancy.models import Organization
from apps.tenancy.scoping import platform_unscoped, tenant_scope
from apps.tenancy.urls_helpers import org_reverse

EMPLOYEE, MANAGER, HR = "employee@acme.test", "manager@acme.test", "hr@acme.test"
MODELS = (Cycle, Appraisal, PhaseChange, RatingChange, Goal, Appeal, AppealEvent, CommentRequest)


def _counts():
    with platform_unscoped():
        return [model.objects.count() for model in MODELS]


def _client(email):
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


def _appeals(acme):
    """The demo appeals by state, with what the pages show of them."""
    return {
        a.state: a
        for a in Appeal.objects.select_related("appellant", "appraisal__appraising_officer", "board").filter(
            appraisal__cycle__name=past_cycle_name(timezone.localdate())
        )
    }


def test_last_years_cycle_is_released_with_results_and_appeals_in_each_state_once(db):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first, "a second run must add nothing"

    acme = Organization.objects.get(slug="acme")
    now = timezone.now()
    with tenant_scope(acme):
        cycle = Cycle.objects.get(name=past_cycle_name(timezone.localdate()))
        assert cycle.period.name == str(timezone.localdate().year - 1)
        assert (cycle.status, cycle.current_phase) == (CycleStatus.ACTIVE, PhaseKind.ACKNOWLEDGEMENT)
        # Moved through its phases by the schedule's own service, each at its end.
        assert PhaseChange.objects.filter(cycle=cycle, actor__isnull=True).count() == 6
        # Dated in the past up to the acknowledgement, which is still running: the beat leaves it alone.
        phases = {phase.kind: phase for phase in cycle.phases.all()}
        assert all(p.ends_at < now for kind, p in phases.items() if kind != PhaseKind.ACKNOWLEDGEMENT)
        assert phases[PhaseKind.ACKNOWLEDGEMENT].starts_at < now < phases[PhaseKind.ACKNOWLEDGEMENT].ends_at
        assert cycle.pk not in [c for _, c in due_cycles(now)]
        # The current demo cycle is still the one moderated.
        assert Cycle.objects.get(name=cycle_name(timezone.localdate())).moderation_sessions.exists()

        appraisals = Appraisal.objects.filter(cycle=cycle)
        states = list(appraisals.values_list("state", flat=True))
        assert set(states) == {AppraisalState.RELEASED, AppraisalState.ACKNOWLEDGED}
        assert states.count(AppraisalState.ACKNOWLEDGED) > states.count(AppraisalState.RELEASED) > 0
        acknowledged = appraisals.filter(state=AppraisalState.ACKNOWLEDGED)
        assert not acknowledged.filter(feedback_interview_on__isnull=True).exists()
        assert not acknowledged.filter(acknowledged_at__isnull=True).exists()
        mine = appraisals.get(employee__email=EMPLOYEE)
        assert mine.state == AppraisalState.ACKNOWLEDGED and appeal_window(mine).is_open
        assert appraisals.get(employee__email=MANAGER).state == AppraisalState.RELEASED

        results = cycle_results(cycle)
        assert results["recognition"] and results["substandard"]
        top, bottom = band_labels(cycle.cycle_templates.first().snapshot)
        assert {a.overall_level for a in results["recognition"]} == set(top)
        assert {a.overall_level for a in results["substandard"]} == set(bottom)
        # Two of them counselled, each with an improvement plan; one acknowledged it.
        plans = {a.plan_status for a in results["substandard"] if a.plan_public_id}
        assert plans == {PlanStatus.OPEN}
        assert ImprovementPlan.objects.filter(appraisal__cycle=cycle).count() == 2
        assert ImprovementPlan.objects.filter(appraisal__cycle=cycle, acknowledged_at__isnull=False).count() == 1

        appeals = _appeals(acme)
        assert set(appeals) == {AppealState.LODGED, AppealState.UNDER_REVIEW, AppealState.DECIDED}
        assert {a.pk for a in results["outstanding"]} == {a.pk for a in appeals.values()}
        assert all(a.board and a.board.name == "Appeal board" for a in appeals.values())

        assert appeals[AppealState.LODGED].appellant.email == EMPLOYEE

        reviewed = appeals[AppealState.UNDER_REVIEW]
        request = CommentRequest.objects.get(appeal=reviewed)
        assert request.party == Party.APPRAISING_OFFICER and request.addressee.email == MANAGER
        assert not request.is_answered and request.due_at > now

        decided = appeals[AppealState.DECIDED]
        assert decided.outcome == Outcome.PARTLY_UPHELD and decided.decision_reasons
        change = RatingChange.objects.get(appraisal=decided.appraisal, field="overall_level")
        assert change.reason.startswith("Appeal decided by Appeal board")
        assert change.new_value == decided.changed_to == decided.appraisal.overall_level != change.old_value
        assert CommentRequest.objects.get(appeal=decided).is_answered


def test_each_demo_login_finds_the_appeals_on_their_pages(db):
    call_command("seed_demo")
    acme = Organization.objects.get(slug="acme")
    with tenant_scope(acme):
        appeals = _appeals(acme)
        lodged, reviewed, decided = (
            appeals[AppealState.LODGED],
            appeals[AppealState.UNDER_REVIEW],
            appeals[AppealState.DECIDED],
        )
        cycle = lodged.appraisal.cycle
        results = cycle_results(cycle)
    name = cycle.name

    # The demo employee: their appeal, lodged, and their released report.
    employee = _client(EMPLOYEE)
    page = employee.get(org_reverse("appeals:mine", acme))
    assert page.status_code == 200
    text = page.content.decode()
    assert name in text and "Lodged" in text and "The overall level" in text
    report = employee.get(org_reverse("cycles:acknowledge", acme, appraisal_id=lodged.appraisal.public_id))
    assert report.status_code == 200 and name in report.content.decode()

    # HR sits on the board as its secretary: every appeal is in the queue, and the results page
    # lists the people to recognise, those below standard and the appeals outstanding.
    hr = _client(HR)
    page = hr.get(org_reverse("appeals:queue", acme))
    assert page.status_code == 200
    text = page.content.decode()
    assert all(a.appellant.full_name in text for a in (lodged, reviewed, decided))
    page = hr.get(org_reverse("appeals:cycle_results", acme, cycle_id=cycle.public_id))
    assert page.status_code == 200
    text = page.content.decode()
    assert all(a.employee.full_name in text for a in results["recognition"] + results["substandard"])
    assert all(a.appellant.full_name in text for a in (lodged, reviewed, decided))

    # The demo manager: a member of the board, who sees the decided appeal from Finance but not
    # the two from their own team; and, as their appraising officer, the board's question to answer.
    manager = _client(MANAGER)
    page = manager.get(org_reverse("appeals:queue", acme))
    assert page.status_code == 200
    text = page.content.decode()
    assert decided.appellant.full_name in text
    assert lodged.appellant.full_name not in text and reviewed.appellant.full_name not in text
    page = manager.get(org_reverse("appeals:mine", acme))
    assert page.status_code == 200
    assert f"appeal of {reviewed.appellant.full_name}" in page.content.decode()
    page = manager.get(org_reverse("appeals:appeal_comments", acme, appeal_id=reviewed.public_id))
    assert page.status_code == 200
