"""Acme's demo appeals, on last year's released results (apps/cycles/demo_past_cycle.py), each
in a different state:

- lodged: the demo employee (employee@acme.test) contests their overall level; the board has not
  acknowledged it yet, so its chair or secretary (hr@acme.test sits as secretary) has that to do;
- under review: a Customer Service colleague's appeal, on which the board asked the appraising
  officer (manager@acme.test) for written comments due in a week: the manager has them to write;
- decided: a Finance officer's appeal, partly upheld after the appraising officer answered the
  board: the overall level goes up a step through the appeal service, so the appraisal's rating
  history shows the change and its reasons; the appellant has the outcome to acknowledge.

The appeal board is acme's (apps/committees/demo.py): the chief executive chairs it but is in
everyone's reporting line, so the routing excludes them from each of these; the HR secretary
acts for the board, and the demo manager, who sits as a member, finds the decided appeal in
the board's queue (the two from their own team are kept from them).

Through the services, as the appellant, the board's chair or secretary and the appraising officer
would act. Idempotent: when last year's cycle has an appeal, nothing is added. Run inside acme's
tenant scope after the committees and last year's cycle (seed_demo does); without that cycle it
does nothing.
"""

import datetime

from django.utils import timezone

from apps.committees.models import CommitteeMember, MemberRole
from apps.cycles.demo_cycle import person_lookup
from apps.cycles.demo_past_cycle import past_appraisals, past_cycle_name, past_plan
from apps.cycles.models import Cycle

from .models import Appeal, AppealSubject, Outcome, Party
from .services.comments import comments_request, comments_respond
from .services.lodging import appeal_lodge
from .services.steps import appeal_acknowledge, appeal_add_note, appeal_decide

GROUNDS = {
    "lodged": (
        "My first-contact resolution rose from 64% to 78% over the year and I trained two new colleagues, "
        "which the appraisal does not mention. I believe the work merits “Very good”."
    ),
    "reviewed": (
        "The two missed deadlines were caused by the ticketing system being down for three weeks in spring, "
        "which my appraising officer knew about. I ask the board to look at the results without that period."
    ),
    "decided": (
        "The reports that needed rework were the ones of the new budget format, for which no guidance was "
        "given until the autumn. The rest of my work met every deadline."
    ),
}
QUESTION = "Please comment on the grounds of the appeal: what evidence was the overall level based on?"
RESPONSE = (
    "The rework concerned the quarterly budget reports. It is true that the new format was only explained "
    "in September; the monthly reports were on time all year."
)
NOTE = "The appraising officer confirms the guidance came late. The level should reflect the monthly work."
REASONS = (
    "The board accepts that the rework was caused by the late guidance on the new budget format and not by "
    "the appellant's work; the other reports met every deadline. The level is raised to 3 Good. The board "
    "does not find grounds for a higher level: the agreed targets were met, not exceeded."
)


def seed_demo_appeals(organization, *, today: datetime.date | None = None) -> int:
    """Lodge and move the demo appeals; returns how many were lodged (0 when they exist)."""
    today = today or timezone.localdate()
    cycle = Cycle.objects.filter(name=past_cycle_name(today)).first()
    if cycle is None or Appeal.objects.filter(appraisal__cycle=cycle).exists():
        return 0
    plan = past_plan(past_appraisals(cycle))
    person = person_lookup()

    def lodge(appraisal, grounds):
        appellant = person(appraisal.employee) if appraisal is not None else None
        if appellant is None:
            return None
        return appeal_lodge(
            **appellant.kwargs(), appraisal=appraisal, subject=AppealSubject.OVERALL.value, grounds=grounds
        )

    def board_lead(appeal):
        """The chair, else the secretary, of the appeal's board who is not excluded from it."""
        if appeal.board_id is None:
            return None
        seat = (
            CommitteeMember.objects.filter(
                committee_id=appeal.board_id, role__in=(MemberRole.CHAIR, MemberRole.SECRETARY)
            )
            .exclude(employee__in=appeal.exclusions.values("employee"))
            .select_related("employee")
            .order_by("role")  # "chair" before "secretary"
            .first()
        )
        return person(seat.employee) if seat is not None else None

    def ask_the_officer(appeal, lead):
        appeal_acknowledge(**lead.kwargs(), appeal=appeal)
        return comments_request(
            **lead.kwargs(),
            appeal=appeal,
            parties=[Party.APPRAISING_OFFICER],
            question=QUESTION,
            due_at=timezone.now() + datetime.timedelta(days=7),
        )

    lodged = lodge(plan.lodged, GROUNDS["lodged"])

    reviewed = lodge(plan.reviewed, GROUNDS["reviewed"])
    lead = board_lead(reviewed) if reviewed is not None else None
    if lead is not None:
        ask_the_officer(reviewed, lead)

    decided = lodge(plan.decided, GROUNDS["decided"])
    lead = board_lead(decided) if decided is not None else None
    officer = person(plan.decided.appraising_officer) if plan.decided is not None else None
    if lead is not None and officer is not None:
        for request in ask_the_officer(decided, lead):
            comments_respond(**officer.kwargs(), request=request, response=RESPONSE)
        appeal_add_note(**lead.kwargs(), appeal=decided, text=NOTE)
        appeal_decide(**lead.kwargs(), appeal=decided, outcome=Outcome.PARTLY_UPHELD, reasons=REASONS, new_value="3")
    return len([a for a in (lodged, reviewed, decided) if a is not None])
