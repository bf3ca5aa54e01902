"""Training records: sessions held on the system and who attended. HR keeps them (the HR
support group usually runs the sessions), so HR knows who has been trained before appraising."""

from django.db import transaction

from apps.people.services.validation import FieldErrors, check_same_tenant
from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from ..models import TrainingAttendance, TrainingSession

SESSION_FIELDS = ("title", "held_on", "covered", "trainer", "committee")


@transaction.atomic
def training_save(
    *,
    actor,
    membership,
    session: TrainingSession | None = None,
    title: str,
    held_on,
    covered: str = "",
    trainer=None,
    committee=None,
    attendees=(),
) -> TrainingSession:
    require_hr_admin(membership)
    organization = membership.organization
    errors = FieldErrors()
    if not (title or "").strip():
        errors.add("title", "Give the session a title.")
    if held_on is None:
        errors.add("held_on", "Give the date the session was held.")
    check_same_tenant(errors, organization, trainer=trainer, committee=committee)
    for person in attendees:
        check_same_tenant(errors, organization, attendees=person)
    errors.raise_if_any()
    creating = session is None
    if creating:
        session, before = TrainingSession(organization=organization), {}
    else:
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        before = audit.snapshot(session, SESSION_FIELDS)
    session.title, session.held_on, session.covered = title.strip(), held_on, (covered or "").strip()
    session.trainer, session.committee = trainer, committee
    session.save()
    wanted = {person.pk for person in attendees}
    present = set(TrainingAttendance.objects.filter(session=session).values_list("employee_id", flat=True))
    TrainingAttendance.objects.filter(session=session, employee_id__in=present - wanted).delete()
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(organization=organization, session=session, employee_id=pk) for pk in wanted - present]
    )
    changes = audit.diff(session, before, SESSION_FIELDS) if not creating else {}
    if present != wanted:
        changes["attendees"] = {"added": len(wanted - present), "removed": len(present - wanted)}
    audit.record(
        organization=organization,
        actor=actor,
        action="committee.training_recorded" if creating else "committee.training_updated",
        obj=session,
        summary=f"Training “{session.title}” on {session.held_on}: {len(wanted)} attended",
        changes=changes,
    )
    return session
