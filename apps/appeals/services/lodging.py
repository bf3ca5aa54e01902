"""Lodging an appeal: the appraisee contests the overall level or one rating of their released
appraisal, within the cycle's appeal window, with grounds and attachments; the appeal is routed
to its board at once (apps/appeals/routing.py) with the excluded members stored."""

import datetime
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.cycles.models import Appraisal, AppraisalState, AppraisalTarget
from apps.cycles.services.rating import level_for_value, rated_sections
from apps.tenancy import audit
from apps.tenancy.permissions import require_hr_admin

from .. import notices
from ..models import Appeal, AppealAttachment, AppealEvent, AppealExclusion, AppealState, AppealSubject
from ..permissions import Action, Role, require
from ..routing import route

RELEASED = (AppraisalState.RELEASED, AppraisalState.ACKNOWLEDGED)

# Attachments: evidence people have at hand (documents, scans, photos of documents).
ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}
# What the first bytes of each type must be: a renamed program is refused, not stored.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
}
MAX_ATTACHMENT_BYTES = getattr(settings, "APPEAL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class Window:
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None

    @property
    def is_open(self) -> bool:
        return self.closes_at is not None and self.opens_at <= timezone.now() <= self.closes_at

    @property
    def has_closed(self) -> bool:
        return self.closes_at is not None and timezone.now() > self.closes_at


def appeal_window(appraisal: Appraisal) -> Window:
    """From release, for the cycle's appeal_window_days; no window before release."""
    if appraisal.state not in RELEASED or appraisal.released_at is None:
        return Window(None, None)
    return Window(
        appraisal.released_at, appraisal.released_at + datetime.timedelta(days=appraisal.cycle.appeal_window_days)
    )


def _label(snapshot, value) -> str:
    level = level_for_value(snapshot, value)
    return f"{level['label']} {level.get('name', '')}".strip() if level else "not rated"


def subject_choices(appraisal: Appraisal) -> list[tuple[str, str, str]]:
    """What may be appealed on this appraisal: (choice value, label, current value) for the
    overall level, then each rated target and competency of the frozen template."""
    snapshot = appraisal.cycle_template.snapshot
    choices = [(AppealSubject.OVERALL.value, "The overall level", appraisal.overall_level or "—")]
    rates_targets, competencies = rated_sections(snapshot)
    if rates_targets:
        for target in AppraisalTarget.objects.filter(appraisal=appraisal):
            choices.append(
                (f"target:{target.public_id}", f"Target: {target.title}", _label(snapshot, target.officer_rating))
            )
    ratings = {r.competency_key: r.officer_rating for r in appraisal.competency_ratings.all()}
    for competency in competencies:
        choices.append(
            (
                f"competency:{competency['key']}",
                f"Competency: {competency['name']}",
                _label(snapshot, ratings.get(competency["key"])),
            )
        )
    return choices


def _validate_files(files) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"Attach at most {MAX_ATTACHMENTS} files."})
    for upload in files:
        extension = os.path.splitext(upload.name)[1].lower()
        if extension not in ALLOWED_EXTENSIONS:
            raise ValidationError(
                {
                    "attachments": f"“{upload.name}” is not a file type we accept: attach PDF, Word (.docx), "
                    "OpenDocument (.odt), text, PNG or JPEG files."
                }
            )
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {
                    "attachments": f"“{upload.name}” is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB: "
                    "attach a smaller copy."
                }
            )
        if upload.size == 0:
            raise ValidationError({"attachments": f"“{upload.name}” is empty."})
        upload.seek(0)
        head = upload.read(512)
        upload.seek(0)
        expected = SIGNATURES.get(extension)
        if (expected and not head.startswith(expected)) or (extension == ".txt" and b"\x00" in head):
            raise ValidationError(
                {
                    "attachments": f"“{upload.name}” is not a real {extension[1:].upper()} file: attach the document itself."
                }
            )


def store_routing(appeal: Appeal, appraisal: Appraisal) -> None:
    routing = route(appraisal)
    appeal.board = routing.board
    appeal.save(update_fields=["board", "updated_at"])
    AppealExclusion.objects.filter(appeal=appeal).delete()
    AppealExclusion.objects.bulk_create(
        [
            AppealExclusion(organization_id=appeal.organization_id, appeal=appeal, employee_id=employee_id, reason=why)
            for employee_id, why in routing.excluded.items()
        ]
    )


@transaction.atomic
def appeal_lodge(*, actor, employee, membership, appraisal: Appraisal, subject: str, grounds: str, files=()) -> Appeal:
    """The appraisee lodges an appeal. `subject` is a value of subject_choices()."""
    appraisal = (
        Appraisal.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle_template", "employee__unit")
        .get(pk=appraisal.pk)
    )
    if employee is None or appraisal.employee_id != employee.pk:
        raise PermissionDenied("Only the appraisee lodges an appeal against their appraisal.")
    window = appeal_window(appraisal)
    if window.closes_at is None:
        raise ValidationError({"__all__": "An appeal can be lodged once the result has been released."})
    if window.has_closed:
        raise ValidationError(
            {"__all__": f"The appeal window closed on {timezone.localtime(window.closes_at):%d %B %Y}."}
        )
    choices = {value: (label, current) for value, label, current in subject_choices(appraisal)}
    if subject not in choices:
        raise ValidationError({"subject": "Choose the level or the rating you appeal against."})
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": "Say why you appeal: the board decides on these grounds."})
    files = list(files or [])
    _validate_files(files)
    kind, _, key = subject.partition(":")
    label, current = choices[subject]
    if (
        Appeal.objects.filter(appraisal=appraisal, subject=kind, subject_key=key)
        .exclude(state=AppealState.CLOSED)
        .exists()
    ):
        raise ValidationError({"subject": "You already have an open appeal against this; it is being dealt with."})
    appeal = Appeal(
        organization_id=appraisal.organization_id,
        appraisal=appraisal,
        appellant=employee,
        subject=kind,
        subject_key=key,
        subject_label=label,
        contested_value=current,
        grounds=grounds,
        lodged_by=actor,
    )
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:  # two lodgings racing past the check above: the constraint decides
        raise ValidationError({"subject": "You already have an open appeal against this."}) from None
    for upload in files:
        AppealAttachment.objects.create(
            organization_id=appeal.organization_id,
            appeal=appeal,
            file=upload,
            original_name=os.path.basename(upload.name)[:200],
            content_type=ALLOWED_EXTENSIONS[os.path.splitext(upload.name)[1].lower()],
            size=upload.size,
            uploaded_by=actor,
        )
    store_routing(appeal, appraisal)
    AppealEvent.objects.create(
        organization_id=appeal.organization_id,
        appeal=appeal,
        actor=actor,
        action="lodge",
        to_state=AppealState.LODGED,
        note=f"Against {label.lower() if kind == AppealSubject.OVERALL else label} ({current})",
    )
    audit.record(
        organization=appeal.organization,
        actor=actor,
        action="appeal.lodge",
        obj=appeal,
        summary=f"Appeal lodged against {label} ({current})",
        changes={"board": appeal.board.name if appeal.board else None, "attachments": len(files)},
    )
    notices.lodged(appeal)
    return appeal


@transaction.atomic
def appeal_route(*, actor, employee, membership, appeal: Appeal) -> Appeal:
    """HR sends an unassigned appeal to its board again (one may have been set up since)."""
    require_hr_admin(membership)
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    require({Role.HR}, appeal.state, Action.ROUTE, "Only an appeal not yet acknowledged is routed again.")
    if appeal.board_id is not None:
        raise ValidationError({"__all__": "This appeal already has its board."})
    appraisal = Appraisal.objects.select_related("employee__unit").get(pk=appeal.appraisal_id)
    store_routing(appeal, appraisal)
    if appeal.board_id is None:
        raise ValidationError(
            {"__all__": "Still no appeal board covers this appraisee: set one up for their unit first."}
        )
    AppealEvent.objects.create(
        organization_id=appeal.organization_id,
        appeal=appeal,
        actor=actor,
        action="route",
        from_state=appeal.state,
        to_state=appeal.state,
        note=f"Sent to {appeal.board.name}",
        visible_to_appellant=False,
    )
    audit.record(
        organization=appeal.organization,
        actor=actor,
        action="appeal.route",
        obj=appeal,
        summary=f"Routed to {appeal.board}",
    )
    notices.lodged(appeal)
    return appeal
