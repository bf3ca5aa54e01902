"""The appraisee's self-assessment: achievements per work target, self-ratings where the frozen
template allows them, and the texts of the non-scored sections the appraisee fills (training
needs, career wishes, general comments). Submitting hands it to the appraising officer and locks it.

What is written where, and what is kept as history:

* The full Save (a form post) is version-checked like every other appraisal form and bumps the
  version when something changed. A self-rating change writes a RatingChange row (old → new).
* Autosave (`self_assessment_autosave`) writes ONE text field as the person types. It checks the
  person, state and phase under the row lock but not the version, and does not bump it: the only
  writer of these texts is the appraisee, so their own drafts must not make their own open page
  stale, while anything done by someone else (a return, a submit) changes the state, which
  autosave does check. Drafts write no RatingChange and no audit event (one every second of
  typing would bury the history); it touches `appraisal.updated_at` so the page can tell the
  browser's local copy from an older server text.
* Texts are drafts until handed in: submitting records each achievement and section text that
  differs from what was last handed in (RatingChange, reason "Handed in …"), so the history holds
  every version the officer was given, a re-submission after a return included.

Field names (shared with the form, so a service error lands at its field):
target-<id>-achievement, target-<id>-self_rating, competency-<key>-self_rating, section-<key>-text.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.tenancy import audit
from apps.tenancy.bulk_sql import insert_rows_sql, update_rows_sql, write_together
from apps.tenancy.models import AuditEvent
from apps.tenancy.scoping import current_organization

from .. import permissions
from ..models import (
    Appraisal,
    AppraisalState,
    AppraisalTarget,
    CompetencyRating,
    RatingChange,
    SectionKind,
    SectionResponse,
)
from ..workflow import Role, transition_for
from .locks import lock_appraisal
from .transitions import appraisal_transition

MAX_TEXT = 20_000
SUBMIT = "submit_self_assessment"
HANDED_IN = "Handed in with the self-assessment"

# Autosave kinds (what the browser posts as "kind") → the form field part.
TEXT_KINDS = ("achievement", "section")

# How each field kind is named in RatingChange: (subject, field).
HISTORY = {
    "achievement": ("target", "achievement"),
    "target_rating": ("target", "self_rating"),
    "competency_rating": ("competency", "self_rating"),
    "section_text": ("section", "appraisee_text"),
}


@dataclass(frozen=True)
class SaField:
    """One field the appraisee fills. `kind`: achievement, target_rating, competency_rating, section_text."""

    kind: str
    key: str
    section_key: str

    @property
    def name(self) -> str:
        return {
            "achievement": f"target-{self.key}-achievement",
            "target_rating": f"target-{self.key}-self_rating",
            "competency_rating": f"competency-{self.key}-self_rating",
            "section_text": f"section-{self.key}-text",
        }[self.kind]

    @property
    def is_text(self) -> bool:
        return self.kind in ("achievement", "section_text")


def text_field_name(kind: str, key: str) -> str | None:
    """The form field an autosave post names by kind and key (None when the kind is unknown)."""
    if kind == "achievement":
        return SaField("achievement", key, "").name
    if kind == "section":
        return SaField("section_text", key, "").name
    return None


def self_assessment_fields(snapshot: dict, targets) -> list[SaField]:
    """Every field the appraisee fills, in the template's order, from the frozen snapshot."""
    fields = []
    for section in snapshot.get("sections", []):
        key = section["key"]
        if section["kind"] == SectionKind.WORK_TARGETS:
            for target in targets:
                if section.get("appraisee_fills"):
                    fields.append(SaField("achievement", str(target.public_id), key))
                if section.get("appraisee_self_rates"):
                    fields.append(SaField("target_rating", str(target.public_id), key))
        elif section["kind"] == SectionKind.COMPETENCIES:
            if section.get("appraisee_self_rates"):
                fields.extend(SaField("competency_rating", c["key"], key) for c in section.get("competencies", []))
        elif section.get("appraisee_fills"):
            fields.append(SaField("section_text", key, key))
    return fields


def level_value(snapshot: dict, value) -> str | None:
    """The frozen level's value string a stored or posted rating stands for (None: not on the scale)."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    for level in snapshot.get("scale", {}).get("levels", []):
        if Decimal(level["value"]) == number:
            return level["value"]
    return None


def current_values(appraisal: Appraisal, targets, fields: list[SaField]) -> dict[str, str]:
    """What is stored now, by field name (ratings as their level's value string). Two queries."""
    snapshot = appraisal.cycle_template.snapshot
    by_target = {str(t.public_id): t for t in targets}
    competency = {r.competency_key: r.self_rating for r in CompetencyRating.objects.filter(appraisal=appraisal)}
    sections = {r.section_key: r.appraisee_text for r in SectionResponse.objects.filter(appraisal=appraisal)}
    values = {}
    for field in fields:
        if field.kind == "achievement":
            values[field.name] = by_target[field.key].achievement
        elif field.kind == "target_rating":
            values[field.name] = level_value(snapshot, by_target[field.key].self_rating) or ""
        elif field.kind == "competency_rating":
            values[field.name] = level_value(snapshot, competency.get(field.key)) or ""
        else:
            values[field.name] = sections.get(field.key, "")
    return values


def is_open(appraisal: Appraisal, roles: set) -> bool:
    """Whether this person may write the self-assessment now (the page renders editable)."""
    return Role.APPRAISEE in roles and _closed_reason(appraisal) is None


def _closed_reason(appraisal: Appraisal) -> str | None:
    if appraisal.state != AppraisalState.SELF_ASSESSMENT:
        if appraisal.state in (AppraisalState.PLANNING, AppraisalState.MIDTERM):
            return "The self-assessment is not open yet, so nothing was saved."
        return (
            "The self-assessment has been handed in and is locked "
            f"(the appraisal is now {appraisal.get_state_display().lower()}), so nothing was saved."
        )
    if appraisal.cycle.current_phase not in transition_for(SUBMIT, AppraisalState.SELF_ASSESSMENT).phases:
        phase = appraisal.cycle.get_current_phase_display().lower() or "preparation"
        return f"The self-assessment phase has closed (the cycle is in its {phase} phase), so nothing was saved."
    return None


def _lock_open(*, appraisal: Appraisal, employee, membership) -> Appraisal:
    """Lock the row and check that this person may write their self-assessment now."""
    locked = lock_appraisal(appraisal, "cycle", "cycle_template", phase_bound=True)
    scope_organization = current_organization()
    if scope_organization is not None and scope_organization.pk == locked.organization_id:
        locked.organization = scope_organization  # the tenant's own object: the writes need no query for it
    roles = permissions.roles_for(locked, employee=employee, membership=membership)
    if Role.APPRAISEE not in roles:
        raise PermissionDenied("Only the appraisee writes their self-assessment.")
    reason = _closed_reason(locked)
    if reason or not permissions.can_edit(roles, locked.state, "self_assessment"):
        raise ValidationError({"__all__": reason or "You may not change the self-assessment now."})
    return locked


def _clean(snapshot: dict, fields: dict[str, SaField], values: dict) -> dict:
    """Posted values for known fields, ratings as level value strings; errors at each field."""
    cleaned, errors = {}, {}
    for name, raw in values.items():
        field = fields.get(name)
        if field is None:
            continue  # a field the frozen template does not ask for is ignored, never written
        if field.is_text:
            text = (raw or "").strip()
            if len(text) > MAX_TEXT:
                errors[name] = f"Keep this under {MAX_TEXT:,} characters (it has {len(text):,})."
            cleaned[name] = text
        elif raw in (None, ""):
            cleaned[name] = None
        else:
            value = level_value(snapshot, raw)
            if value is None:
                labels = ", ".join(level["label"] for level in snapshot["scale"]["levels"])
                errors[name] = f"“{raw}” is not a level of this cycle's scale ({labels})."
            cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _rating_change(appraisal, actor, field: SaField, old, new, reason="") -> None:
    _rating_change_row(appraisal, actor, field, old, new, reason).save()


def _rating_change_row(appraisal, actor, field: SaField, old, new, reason="") -> RatingChange:
    return RatingChange(
        organization=appraisal.organization,
        appraisal=appraisal,
        actor=actor,
        subject=HISTORY[field.kind][0],
        subject_key=field.key,
        field=HISTORY[field.kind][1],
        old_value="" if old is None else str(old),
        new_value="" if new is None else str(new),
        reason=reason,
    )


def _write(appraisal: Appraisal, targets_by_key: dict, field: SaField, value, *, actor, history: bool) -> bool:
    """Write one field; True when it changed. Ratings keep their history when `history`."""
    snapshot = appraisal.cycle_template.snapshot
    if field.kind in ("achievement", "target_rating"):
        target = targets_by_key[field.key]
        attr = "achievement" if field.kind == "achievement" else "self_rating"
        old = target.achievement if attr == "achievement" else level_value(snapshot, target.self_rating)
        if old == value:
            return False
        setattr(target, attr, Decimal(value) if attr == "self_rating" and value is not None else value)
        target.save(update_fields=[attr])
    elif field.kind == "competency_rating":
        row, _ = CompetencyRating.objects.select_for_update().get_or_create(
            organization=appraisal.organization, appraisal=appraisal, competency_key=field.key
        )
        old = level_value(snapshot, row.self_rating)
        if old == value:
            return False
        row.self_rating = None if value is None else Decimal(value)
        row.save(update_fields=["self_rating"])
    else:
        row, _ = SectionResponse.objects.select_for_update().get_or_create(
            organization=appraisal.organization, appraisal=appraisal, section_key=field.key
        )
        old = row.appraisee_text
        if old == value:
            return False
        row.appraisee_text = value
        row.save(update_fields=["appraisee_text", "updated_at"])
    if history and not field.is_text:
        _rating_change(appraisal, actor, field, old, value)
    return True


def _locked_rows(model, appraisal: Appraisal, key_field: str, keys: list) -> dict:
    if not keys:
        return {}
    rows = model.objects.select_for_update().filter(appraisal=appraisal, **{f"{key_field}__in": keys})
    return {getattr(row, key_field): row for row in rows}


def _write_many(
    appraisal: Appraisal, targets_by_key: dict, fields: dict[str, SaField], cleaned: dict, *, actor
) -> tuple[list, list]:
    """What writes every posted field that changed, with the ratings' history: the names that
    changed and the statements (bulk_sql), for the caller to send together with its own.

    The same outcome as `_write` field by field, in a fixed number of statements whatever the
    template's size (make bench: 37 statements for a save of 4 targets and 3 competencies before).
    The caller holds the appraisal's row lock, which every writer of these rows takes first, so
    reading the existing rows and inserting the missing ones cannot race."""
    snapshot = appraisal.cycle_template.snapshot
    organization = appraisal.organization
    posted = {
        kind: [fields[n].key for n in cleaned if fields[n].kind == kind]
        for kind in ("competency_rating", "section_text")
    }
    competencies = _locked_rows(CompetencyRating, appraisal, "competency_key", posted["competency_rating"])
    sections = _locked_rows(SectionResponse, appraisal, "section_key", posted["section_text"])
    changed, history = [], []
    dirty = {CompetencyRating: {}, SectionResponse: {}, AppraisalTarget: {}}
    target_attrs = set()
    now = timezone.now()
    for name, value in cleaned.items():
        field = fields[name]
        if field.kind in ("achievement", "target_rating"):
            row = targets_by_key[field.key]
            attr = "achievement" if field.kind == "achievement" else "self_rating"
            old = row.achievement if attr == "achievement" else level_value(snapshot, row.self_rating)
            if old == value:
                continue
            setattr(row, attr, Decimal(value) if attr == "self_rating" and value is not None else value)
            target_attrs.add(attr)
        elif field.kind == "competency_rating":
            row = competencies.get(field.key) or CompetencyRating(
                organization=organization, appraisal=appraisal, competency_key=field.key
            )
            old = level_value(snapshot, row.self_rating)
            if old == value:
                continue
            row.self_rating = None if value is None else Decimal(value)
        else:
            row = sections.get(field.key) or SectionResponse(
                organization=organization, appraisal=appraisal, section_key=field.key
            )
            old = row.appraisee_text
            if old == value:
                continue
            row.appraisee_text, row.updated_at = value, now
        dirty[type(row)][id(row)] = row
        changed.append(name)
        if not field.is_text:
            history.append(_rating_change_row(appraisal, actor, field, old, value))
    writes = []
    if dirty[AppraisalTarget]:
        rows = list(dirty[AppraisalTarget].values())
        writes.append(update_rows_sql(AppraisalTarget, rows, sorted(target_attrs), organization=organization))
    for model, update_fields in (
        (CompetencyRating, ["self_rating"]),
        (SectionResponse, ["appraisee_text", "updated_at"]),
    ):
        rows = list(dirty[model].values())
        if new := [row for row in rows if row.pk is None]:
            writes.append(insert_rows_sql(model, new))
        if existing := [row for row in rows if row.pk is not None]:
            writes.append(update_rows_sql(model, existing, update_fields, organization=organization))
    if history:
        writes.append(insert_rows_sql(RatingChange, history))
    return changed, writes


@transaction.atomic
def self_assessment_save(
    *, actor, employee, membership, appraisal: Appraisal, values: dict, expected_version
) -> Appraisal:
    """Save the posted fields (`values` by field name). Stale version, closed state or phase, or a
    rating off the scale: nothing is written."""
    appraisal = _lock_open(appraisal=appraisal, employee=employee, membership=membership)
    if expected_version is None or int(expected_version) != appraisal.version:
        raise ValidationError(
            {
                "__all__": "This self-assessment changed after you opened the page (in another tab, or it was "
                "returned or handed in), so nothing was saved. The page now shows what is stored: check it and "
                "save again."
            }
        )
    snapshot = appraisal.cycle_template.snapshot
    targets = list(appraisal.targets.select_for_update().order_by("order", "pk"))
    fields = {f.name: f for f in self_assessment_fields(snapshot, targets)}
    cleaned = _clean(snapshot, fields, values)
    by_key = {str(t.public_id): t for t in targets}
    changed, writes = _write_many(appraisal, by_key, fields, cleaned, actor=actor)
    if changed:
        event = audit.unsaved(
            organization=appraisal.organization,
            actor=actor,
            action="appraisal.self_assessment_save",
            obj=appraisal,
            summary=f"Self-assessment saved ({len(changed)} field{'s' if len(changed) != 1 else ''})",
            changes={"fields": changed},
        )
        # The rows, their history and the audit record in one round trip instead of five (the
        # statements were most of the save's time).
        write_together(Appraisal, [*writes, insert_rows_sql(AuditEvent, [event])])
        # The row is locked since _lock_open: the stored version is the one just read. Its own
        # statement, in the form generations tells from a write of the appraisal's state (and
        # after the rows: their write already bumped the appraisals' generation).
        appraisal.version, appraisal.updated_at = appraisal.version + 1, timezone.now()
        Appraisal.objects.filter(pk=appraisal.pk).update(version=appraisal.version, updated_at=appraisal.updated_at)
    return appraisal


@transaction.atomic
def self_assessment_autosave(*, actor, employee, membership, appraisal: Appraisal, kind: str, key: str, text: str):
    """Write one text field as the person types (see the module note). Returns when it was saved."""
    appraisal = _lock_open(appraisal=appraisal, employee=employee, membership=membership)
    snapshot = appraisal.cycle_template.snapshot
    name = text_field_name(kind or "", key or "")
    targets = list(appraisal.targets.select_for_update().filter(public_id__in=_uuids(key)))
    fields = {f.name: f for f in self_assessment_fields(snapshot, targets)}
    if name not in fields:
        raise ValidationError({"field": "This self-assessment has no such field to save."})
    cleaned = _clean(snapshot, fields, {name: text})
    _write(appraisal, {str(t.public_id): t for t in targets}, fields[name], cleaned[name], actor=actor, history=False)
    now = timezone.now()
    Appraisal.objects.filter(pk=appraisal.pk).update(updated_at=now)
    return now


def _uuids(key: str) -> list[str]:
    try:
        return [str(uuid.UUID(str(key)))]
    except ValueError:
        return []


@transaction.atomic
def self_assessment_submit(
    *, actor, employee, membership, appraisal: Appraisal, values: dict, expected_version
) -> Appraisal:
    """Save, check every target has its achievement written, keep the handed-in texts in the
    history and hand the appraisal to the appraising officer. All or nothing."""
    appraisal = self_assessment_save(
        actor=actor,
        employee=employee,
        membership=membership,
        appraisal=appraisal,
        values=values,
        expected_version=expected_version,
    )
    snapshot = appraisal.cycle_template.snapshot
    targets = list(appraisal.targets.order_by("order", "pk"))
    fields = self_assessment_fields(snapshot, targets)
    stored = current_values(appraisal, targets, fields)
    missing = {
        f.name: "Write what you achieved on this target before you hand in the self-assessment."
        for f in fields
        if f.kind == "achievement" and not stored[f.name].strip()
    }
    if missing:
        raise ValidationError(missing)
    handed_in = {}
    for change in RatingChange.objects.filter(appraisal=appraisal, reason=HANDED_IN).order_by("created_at", "pk"):
        handed_in[(change.subject_key, change.field)] = change.new_value
    for field in fields:
        if not field.is_text:
            continue
        previous = handed_in.get((field.key, HISTORY[field.kind][1]), "")
        if stored[field.name] != previous:
            _rating_change(appraisal, actor, field, previous, stored[field.name], reason=HANDED_IN)
    return appraisal_transition(
        actor=actor,
        membership=membership,
        employee=employee,
        appraisal=appraisal,
        action=SUBMIT,
        expected_version=appraisal.version,
    )
