"""Who the appraisal workflow tells what, and where they act on it.

One function per event. Each builds `Message`s (recipient user, title, body, the path of the
page where the person acts) and hands them to `notify_many` inside the caller's transaction,
so a rolled-back step notifies nobody. Cycle-wide events read their recipients in one query
and write with one bulk insert, whatever the number of appraisals (a cycle can have 10,000).

People without a user account (an Employee with no login) cannot be notified and are skipped.
Texts are written in the organisation's language, as the e-mail that follows them is.
"""

import zoneinfo
from collections import Counter

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.notifications.models import Kind, Notification
from apps.notifications.services.notify import Message, notify_many
from apps.tenancy.models import Membership, Organization
from apps.tenancy.models import Role as MembershipRole

from .models import Appraisal, AppraisalState, AppraisalTarget, Cycle, PhaseKind
from .workflow import Role

_SENTINEL = "00000000-0000-0000-0000-000000000000"


def _appraisal_path(name: str, organization):
    """A function public_id → path of one appraisal screen: reversed once, so a cycle-wide
    notice for thousands of appraisals does not resolve the URL thousands of times."""
    path = reverse(f"cycles:{name}", kwargs={"org_slug": organization.slug, "appraisal_id": _SENTINEL})
    return lambda public_id: path.replace(_SENTINEL, str(public_id))


def _org_path(name: str, organization, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def _language(organization):
    return translation.override(organization.language or "en")


def _phase_end(cycle: Cycle, phase_kind: str) -> str:
    """The phase's end as the organisation reads it ("" when the phase has no dates)."""
    ends_at = cycle.phases.filter(kind=phase_kind).values_list("ends_at", flat=True).first()
    if ends_at is None:
        return ""
    try:
        zone = zoneinfo.ZoneInfo(cycle.organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return ends_at.astimezone(zone).strftime("%d %b %Y").lstrip("0")


def _people(appraisal) -> dict:
    """Everyone on one appraisal, in one query: user ids and the appraisee's name."""
    return (
        Appraisal.objects.filter(pk=appraisal.pk)
        .values(
            "public_id",
            "cycle__name",
            "employee__user_id",
            "employee__first_name",
            "employee__last_name",
            "appraising_officer__user_id",
            "countersigning_officer__user_id",
        )
        .get()
    )


def _appraisee_name(row: dict) -> str:
    return f"{row['employee__first_name']} {row['employee__last_name']}".strip()


def _already_told(user_id, kind, url) -> bool:
    # On the (organization, recipient) index: cheap however many notifications there are.
    return Notification.objects.filter(recipient_id=user_id, kind=kind, url=url).exists()


def _send(organization, messages) -> int:
    return len(notify_many(organization=organization, messages=messages))


def _summaries(counts, *, title_one, title_many, body, url, cycle) -> list[Message]:
    """One notice per person, saying how many appraisals wait for them."""
    return [
        Message(
            recipient_id=user_id,
            kind=Kind.PHASE_OPENED,
            title=ngettext(title_one, title_many, count) % {"cycle": cycle.name, "count": count},
            body=body,
            url=url,
        )
        for user_id, count in counts
        if user_id
    ]


# --- Cycle-wide events ------------------------------------------------------------------------


@transaction.atomic
def cycle_launched(cycle: Cycle) -> int:
    """Each appraisee: their appraisal is open, agree the targets. Each appraising officer:
    one notice for all the people they appraise (not one per appraisal)."""
    organization = cycle.organization
    # Two launch runs finishing together (a redelivered task) queue here; the second finds the
    # first one's notices and sends none.
    Cycle.objects.select_for_update().filter(pk=cycle.pk).exists()
    rows = list(
        Appraisal.objects.filter(cycle=cycle).values_list(
            "public_id", "employee__user_id", "appraising_officer__user_id"
        )
    )
    targets = _appraisal_path("planning_targets", organization)
    first = next(((public_id, user_id) for public_id, user_id, _officer in rows if user_id), None)
    if first and _already_told(first[1], Kind.CYCLE_LAUNCHED, targets(first[0])):
        return 0
    officers = Counter(officer for _id, _user, officer in rows if officer)
    with _language(organization):
        messages = [
            Message(
                recipient_id=user_id,
                kind=Kind.CYCLE_LAUNCHED,
                title=_("Your appraisal in %(cycle)s is open: agree your work targets") % {"cycle": cycle.name},
                body=_(
                    "The appraisal cycle %(cycle)s has started. Review the work targets proposed from your goals, "
                    "settle them with your appraising officer and agree them."
                )
                % {"cycle": cycle.name},
                url=targets(public_id),
            )
            for public_id, user_id, _officer in rows
        ]
        messages += [
            Message(
                recipient_id=officer,
                kind=Kind.CYCLE_LAUNCHED,
                title=ngettext(
                    "%(cycle)s has started: you appraise %(count)d person",
                    "%(cycle)s has started: you appraise %(count)d people",
                    count,
                )
                % {"cycle": cycle.name, "count": count},
                body=_("Agree the work targets of each person you appraise. Your task list shows them all."),
                url=_org_path("cycles:my_tasks", organization),
            )
            for officer, count in officers.items()
        ]
    return _send(organization, messages)


@transaction.atomic
def phase_opened(*, cycle: Cycle, phase_kind: str) -> int:
    """Tell everyone who has something to do in the phase that has just opened.

    Appraisees get one notice each linking to their own screen; officers and HR get one notice
    each saying how many appraisals wait for them (never one per appraisal). The release phase
    goes to HR, who release; an appraisee hears of their result when it is released
    (results_released), and again when the acknowledgement phase opens if they have not
    acknowledged it yet.
    """
    organization = cycle.organization
    tasks = _org_path("cycles:my_tasks", organization)
    appraisals = Appraisal.objects.filter(cycle=cycle)
    S = AppraisalState
    with _language(organization):
        due = _phase_end(cycle, phase_kind)
        by = (_("Due by %(date)s.") % {"date": due}) if due else ""

        def appraisees(state, screen, title, body):
            path = _appraisal_path(screen, organization)
            return [
                Message(
                    recipient_id=user_id,
                    kind=Kind.PHASE_OPENED,
                    title=title % {"cycle": cycle.name},
                    body=f"{body} {by}".strip(),
                    url=path(public_id),
                )
                for public_id, user_id in appraisals.filter(state=state).values_list("public_id", "employee__user_id")
            ]

        def officers(state, field):
            return (
                appraisals.filter(state=state).values_list(f"{field}__user_id").annotate(count=Count("id")).order_by()
            )

        messages = []
        if phase_kind == PhaseKind.PLANNING:
            messages = appraisees(
                S.PLANNING,
                "planning_targets",
                _("Planning is open in %(cycle)s: agree your work targets"),
                _("Settle your work targets with your appraising officer and agree them."),
            )
        elif phase_kind == PhaseKind.MIDTERM:
            rows = list(
                appraisals.filter(state=S.MIDTERM).values_list(
                    "public_id", "employee__user_id", "appraising_officer__user_id"
                )
            )
            midterm = _appraisal_path("midterm", organization)
            messages = [
                Message(
                    recipient_id=user_id,
                    kind=Kind.PHASE_OPENED,
                    title=_("The mid-term review is open in %(cycle)s") % {"cycle": cycle.name},
                    body=f"{_('Note your progress on each target and meet your appraising officer.')} {by}".strip(),
                    url=midterm(public_id),
                )
                for public_id, user_id, _officer in rows
            ]
            messages += _summaries(
                Counter(officer for _id, _user, officer in rows if officer).items(),
                title_one="Mid-term review in %(cycle)s: %(count)d person to review with you",
                title_many="Mid-term review in %(cycle)s: %(count)d people to review with you",
                body=f"{_('Note progress, revise targets where needed and record the review meeting.')} {by}".strip(),
                url=tasks,
                cycle=cycle,
            )
        elif phase_kind == PhaseKind.SELF_ASSESSMENT:
            messages = appraisees(
                S.SELF_ASSESSMENT,
                "self_assessment",
                _("Self-assessment is open in %(cycle)s: write yours"),
                _("Describe what you achieved on each target and submit it to your appraising officer."),
            )
        elif phase_kind == PhaseKind.APPRAISAL:
            messages = _summaries(
                officers(S.WITH_OFFICER, "appraising_officer"),
                title_one="Appraisal in %(cycle)s: %(count)d self-assessment waits for your rating",
                title_many="Appraisal in %(cycle)s: %(count)d self-assessments wait for your rating",
                body=f"{_('Rate each target and competency and submit your rating.')} {by}".strip(),
                url=tasks,
                cycle=cycle,
            )
        elif phase_kind == PhaseKind.COUNTERSIGNING:
            messages = _summaries(
                officers(S.WITH_COUNTERSIGNING, "countersigning_officer"),
                title_one="Countersigning in %(cycle)s: %(count)d appraisal waits for you",
                title_many="Countersigning in %(cycle)s: %(count)d appraisals wait for you",
                body=f"{_('Review the ratings and countersign, or record a differing view.')} {by}".strip(),
                url=tasks,
                cycle=cycle,
            )
        elif phase_kind == PhaseKind.RELEASE:
            ready = appraisals.filter(state=S.COUNTERSIGNED).count()
            if ready:
                hr = Membership.objects.filter(
                    organization=organization, role=MembershipRole.HR_ADMIN, is_active=True
                ).values_list("user_id", flat=True)
                messages = _summaries(
                    [(user_id, ready) for user_id in hr],
                    title_one="Release in %(cycle)s: %(count)d countersigned result can be released",
                    title_many="Release in %(cycle)s: %(count)d countersigned results can be released",
                    body=f"{_('Release the results by unit or all at once.')} {by}".strip(),
                    url=_org_path("cycles:cycle_release", organization, cycle_id=cycle.public_id),
                    cycle=cycle,
                )
        elif phase_kind == PhaseKind.ACKNOWLEDGEMENT:
            messages = appraisees(
                S.RELEASED,
                "acknowledge",
                _("Read and acknowledge your appraisal result in %(cycle)s"),
                _("Your result has been released: read it, add a comment if you wish, and acknowledge it."),
            )
    return _send(organization, messages)


@transaction.atomic
def results_released(appraisals) -> int:
    """Each appraisee of the released appraisals (a queryset): read and acknowledge."""
    rows = list(appraisals.values_list("organization_id", "public_id", "employee__user_id", "cycle__name"))
    if not rows:
        return 0
    organization = Organization.objects.get(pk=rows[0][0])
    acknowledge = _appraisal_path("acknowledge", organization)
    with _language(organization):
        messages = [
            Message(
                recipient_id=user_id,
                kind=Kind.RESULTS_RELEASED,
                title=_("Your appraisal result in %(cycle)s is released") % {"cycle": cycle_name},
                body=_("Read your result, add a comment if you wish, and acknowledge it."),
                url=acknowledge(public_id),
            )
            for _org, public_id, user_id, cycle_name in rows
        ]
    return _send(organization, messages)


# --- One appraisal ----------------------------------------------------------------------------


@transaction.atomic
def targets_awaiting_agreement(appraisal: Appraisal, waiting_for: str) -> int:
    """One side agreed the targets: tell the other side (`waiting_for`: Role.APPRAISEE or
    Role.OFFICER), unless they have agreed already."""
    field = "agreed_by_appraisee_at" if waiting_for == Role.APPRAISEE else "agreed_by_officer_at"
    if not AppraisalTarget.objects.filter(appraisal_id=appraisal.pk, **{f"{field}__isnull": True}).exists():
        return 0
    row = _people(appraisal)
    recipient = row["employee__user_id"] if waiting_for == Role.APPRAISEE else row["appraising_officer__user_id"]
    organization = appraisal.organization
    with _language(organization):
        if waiting_for == Role.APPRAISEE:
            title = _("Your appraising officer agreed your work targets: agree them too")
        else:
            title = _("%(name)s agreed their work targets: they wait for your agreement") % {
                "name": _appraisee_name(row)
            }
        message = Message(
            recipient_id=recipient,
            kind=Kind.TARGETS_AWAITING_AGREEMENT,
            title=title,
            body=_("Targets are agreed when both sides have agreed the same set, weights adding up to 100%."),
            url=_appraisal_path("planning_targets", organization)(row["public_id"]),
        )
    return _send(organization, [message])


@transaction.atomic
def self_assessment_submitted(appraisal: Appraisal) -> int:
    """To the appraising officer: rate it."""
    row = _people(appraisal)
    organization = appraisal.organization
    with _language(organization):
        message = Message(
            recipient_id=row["appraising_officer__user_id"],
            kind=Kind.SELF_ASSESSMENT_SUBMITTED,
            title=_("%(name)s submitted their self-assessment: it waits for your rating")
            % {"name": _appraisee_name(row)},
            body=_("Read it, rate each target and competency, then submit your rating to the countersigning officer."),
            url=_appraisal_path("rating", organization)(row["public_id"]),
        )
    return _send(organization, [message])


@transaction.atomic
def appraisal_rated(appraisal: Appraisal) -> int:
    """To the countersigning officer: countersign it."""
    row = _people(appraisal)
    organization = appraisal.organization
    with _language(organization):
        message = Message(
            recipient_id=row["countersigning_officer__user_id"],
            kind=Kind.APPRAISAL_RATED,
            title=_("The appraisal of %(name)s is rated: it waits for your countersignature")
            % {"name": _appraisee_name(row)},
            body=_("Review the ratings; agree or record a differing view, then countersign."),
            url=_appraisal_path("countersigning", organization)(row["public_id"]),
        )
    return _send(organization, [message])


@transaction.atomic
def returned_for_revision(appraisal: Appraisal, to: str, note: str = "") -> int:
    """Handed back with a note: to the appraisee (self-assessment) or the appraising officer
    (rating), `to` being Role.APPRAISEE or Role.OFFICER."""
    row = _people(appraisal)
    organization = appraisal.organization
    with _language(organization):
        if to == Role.APPRAISEE:
            recipient, screen = row["employee__user_id"], "self_assessment"
            title = _("Your self-assessment was returned for revision")
        else:
            recipient, screen = row["appraising_officer__user_id"], "rating"
            title = _("Your rating of %(name)s was returned for revision") % {"name": _appraisee_name(row)}
        message = Message(
            recipient_id=recipient,
            kind=Kind.RETURNED_FOR_REVISION,
            title=title,
            body=(_("Note: %(note)s") % {"note": note}) if note else "",
            url=_appraisal_path(screen, organization)(row["public_id"]),
        )
    return _send(organization, [message])


@transaction.atomic
def acknowledgement_recorded(appraisal: Appraisal) -> int:
    """To the appraising officer, who holds the feedback interview and reads the comment.
    Not the countersigning officer: their part ended with the countersignature, and HR follows
    acknowledgements on the cycle overview."""
    row = _people(appraisal)
    organization = appraisal.organization
    with _language(organization):
        message = Message(
            recipient_id=row["appraising_officer__user_id"],
            kind=Kind.ACKNOWLEDGEMENT_RECORDED,
            title=_("%(name)s acknowledged their appraisal result") % {"name": _appraisee_name(row)},
            body=_("Their comment, if any, is on the appraisal."),
            url=_appraisal_path("appraisal_detail", organization)(row["public_id"]),
        )
    return _send(organization, [message])


def after_transition(appraisal: Appraisal, *, action: str, note: str = "") -> int:
    """The notice that follows a workflow action (services/transitions.py calls this for every
    action it takes). Phase openings taken appraisal by appraisal are left to phase_opened,
    which tells people once per phase, not once per appraisal."""
    if action == "submit_self_assessment":
        return self_assessment_submitted(appraisal)
    if action == "submit_rating":
        return appraisal_rated(appraisal)
    if action == "return_to_appraisee":
        return returned_for_revision(appraisal, to=Role.APPRAISEE, note=note)
    if action == "return_to_officer":
        return returned_for_revision(appraisal, to=Role.OFFICER, note=note)
    if action == "release":
        return results_released(Appraisal.objects.filter(pk=appraisal.pk))
    if action == "acknowledge":
        return acknowledgement_recorded(appraisal)
    return 0
