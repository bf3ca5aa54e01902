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

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from apps.tenancy import audit, generations
from apps.tenancy.bulk_sql import insert_rows_sql, update_values_sql, write_together
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


# A field's form name, read back: target-<id>-achievement, target-<id>-self_rating,
# competency-<key>-self_rating, section-<key>-text.
_FIELD_NAME = re.compile(r"(target|competency|section)-([\w-]{1,64})-(achievement|self_rating|text)")
_KIND_OF_NAME = {
    ("target", "achievement"): "achievement",
    ("target", "self_rating"): "target_rating",
    ("competency", "self_rating"): "competency_rating",
    ("section", "text"): "section_text",
}


def fields_named(names) -> list[SaField]:
    """The fields `names` (a form post's keys) stand for; other names are left out. Which of them
    the frozen template asks for is the save's to decide: it ignores the rest."""
    fields = []
    for name in names:
        match = _FIELD_NAME.fullmatch(name)
        kind = match and _KIND_OF_NAME.get((match[1], match[3]))
        if kind:
            fields.append(SaField(kind, match[2], ""))
    return fields


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


# What a save compares the post with, read in one statement once the appraisal's row is locked:
# every writer of these rows takes that lock first, so they need no lock of their own, and their
# values only (no model instances) are all the comparison needs. Column 6 orders the targets as
# the page lists them.
_STORED_ROWS = """
SELECT 'target', id, public_id::text, achievement, self_rating, "order"
FROM cycles_appraisaltarget WHERE organization_id = %(organization)s AND appraisal_id = %(appraisal)s
UNION ALL
SELECT 'competency', id, competency_key, NULL, self_rating, 0
FROM cycles_competencyrating WHERE organization_id = %(organization)s AND appraisal_id = %(appraisal)s
UNION ALL
SELECT 'section', id, section_key, appraisee_text, NULL, 0
FROM cycles_sectionresponse WHERE organization_id = %(organization)s AND appraisal_id = %(appraisal)s
ORDER BY 6, 2
"""


@dataclass
class StoredRow:
    """A stored row of the self-assessment: a target (`text` its achievement), a competency
    rating or a section response (`text` the appraisee's); `pk` None for a row not written yet."""

    pk: int | None
    key: str
    text: str | None = None
    rating: Decimal | None = None

    @property
    def public_id(self) -> str:  # a target's key, as self_assessment_fields reads it
        return self.key


# A target's column → where StoredRow keeps its value.
_TARGET_ATTR = {"achievement": "text", "self_rating": "rating"}


@dataclass
class StoredRows:
    targets: list[StoredRow]
    competencies: dict[str, StoredRow]
    sections: dict[str, StoredRow]


def stored_rows(appraisal: Appraisal) -> StoredRows:
    """The appraisal's targets in page order and its competency and section rows by key. One query."""
    rows = StoredRows(targets=[], competencies={}, sections={})
    with connection.cursor() as cursor:
        cursor.execute(_STORED_ROWS, {"organization": appraisal.organization_id, "appraisal": appraisal.pk})
        for kind, pk, key, text, rating, _order in cursor.fetchall():
            row = StoredRow(pk, key, text, rating)
            if kind == "target":
                rows.targets.append(row)
            elif kind == "competency":
                rows.competencies[key] = row
            else:
                rows.sections[key] = row
    return rows


def current_values(snapshot: dict, stored: StoredRows, fields: list[SaField]) -> dict[str, str]:
    """What is stored now (`stored_rows`), by field name (ratings as their level's value string)."""
    targets = {row.key: row for row in stored.targets}
    values = {}
    for field in fields:
        if field.kind in ("achievement", "target_rating"):
            row = targets[field.key]
        else:
            row = (stored.competencies if field.kind == "competency_rating" else stored.sections).get(field.key)
        if field.is_text:
            values[field.name] = (row.text if row else "") or ""
        else:
            values[field.name] = level_value(snapshot, row.rating if row else None) or ""
    return values


def _write_many(
    appraisal: Appraisal, stored: StoredRows, fields: dict[str, SaField], cleaned: dict, *, actor
) -> tuple[list, list]:
    """What writes every posted field that changed, with the ratings' history: the names that
    changed and the statements (bulk_sql), for the caller to send together with its own.

    A fixed number of statements whatever the template's size (make bench: 37 statements for a save
    of 4 targets and 3 competencies when each field was written on its own). The caller holds the
    appraisal's row lock, which every writer of these rows takes first, so the rows it read cannot
    change under it and inserting the missing ones cannot race."""
    snapshot = appraisal.cycle_template.snapshot
    targets = {row.key: row for row in stored.targets}
    changed, history = [], []
    changed_targets, target_columns, competencies, sections = {}, set(), {}, {}
    for name, value in cleaned.items():
        field = fields[name]
        if field.kind in ("achievement", "target_rating"):
            row, into = targets[field.key], changed_targets
        elif field.kind == "competency_rating":
            row, into = stored.competencies.get(field.key) or StoredRow(None, field.key), competencies
        else:
            row, into = stored.sections.get(field.key) or StoredRow(None, field.key, text=""), sections
        old = row.text if field.is_text else level_value(snapshot, row.rating)
        if old == value:
            continue
        if field.is_text:
            row.text = value
        else:
            row.rating = None if value is None else Decimal(value)
            history.append(_rating_change_row(appraisal, actor, field, old, value))
        if into is changed_targets:
            target_columns.add("achievement" if field.kind == "achievement" else "self_rating")
        into[row.key] = row
        changed.append(name)
    organization, now = appraisal.organization, timezone.now()
    # A changed target is written in every column changed on any target: where the post left one
    # alone, its stored value.
    columns = sorted(target_columns)
    new_competencies = [
        CompetencyRating(organization=organization, appraisal=appraisal, competency_key=row.key, self_rating=row.rating)
        for row in competencies.values()
        if row.pk is None
    ]
    new_sections = [
        SectionResponse(organization=organization, appraisal=appraisal, section_key=row.key, appraisee_text=row.text)
        for row in sections.values()
        if row.pk is None
    ]
    writes = [
        update_values_sql(
            AppraisalTarget,
            [(row.pk, *(getattr(row, _TARGET_ATTR[c]) for c in columns)) for row in changed_targets.values()],
            columns,
            organization=organization,
        ),
        update_values_sql(
            CompetencyRating,
            [(row.pk, row.rating) for row in competencies.values() if row.pk is not None],
            ["self_rating"],
            organization=organization,
        ),
        update_values_sql(
            SectionResponse,
            [(row.pk, row.text, now) for row in sections.values() if row.pk is not None],
            ["appraisee_text", "updated_at"],
            organization=organization,
        ),
        new_competencies and insert_rows_sql(CompetencyRating, new_competencies),
        new_sections and insert_rows_sql(SectionResponse, new_sections),
        history and insert_rows_sql(RatingChange, history),
    ]
    return changed, [write for write in writes if write]


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
    stored = stored_rows(appraisal)
    fields = {f.name: f for f in self_assessment_fields(snapshot, stored.targets)}
    cleaned = _clean(snapshot, fields, values)
    changed, writes = _write_many(appraisal, stored, fields, cleaned, actor=actor)
    if changed:
        event = audit.unsaved(
            organization=appraisal.organization,
            actor=actor,
            action="appraisal.self_assessment_save",
            obj=appraisal,
            summary=f"Self-assessment saved ({len(changed)} field{'s' if len(changed) != 1 else ''})",
            changes={"fields": changed},
        )
        # The row is locked since _lock_open: the stored version is the one just read.
        appraisal.version, appraisal.updated_at = appraisal.version + 1, timezone.now()
        # The rows, their history, the audit record and the version in one round trip instead of
        # six (the statements were most of the save's time).
        with generations.writes_of_appraisal(appraisal):  # its own rows only: other appraisals stay cached
            write_together(Appraisal, [*writes, insert_rows_sql(AuditEvent, [event]), _version_touch(appraisal)])
    return appraisal


def _version_touch(appraisal: Appraisal) -> tuple[str, list]:
    """The appraisal's version and edit stamp written as they are on `appraisal`, in the form
    generations tells from a write of its state (APPRAISAL_STATES): an appraisee's save or
    autosave leaves HR's figures cached."""
    return (
        'UPDATE "cycles_appraisal" SET "version" = %s, "updated_at" = %s WHERE "organization_id" = %s AND "id" = %s',
        [appraisal.version, appraisal.updated_at, appraisal.organization_id, appraisal.pk],
    )


@transaction.atomic
def self_assessment_autosave(*, actor, employee, membership, appraisal: Appraisal, kind: str, key: str, text: str):
    """Write one text field as the person types (see the module note). Returns when it was saved."""
    appraisal = _lock_open(appraisal=appraisal, employee=employee, membership=membership)
    snapshot = appraisal.cycle_template.snapshot
    name = text_field_name(kind or "", key or "")
    stored = stored_rows(appraisal)
    fields = {f.name: f for f in self_assessment_fields(snapshot, stored.targets)}
    if name not in fields:
        raise ValidationError({"field": "This self-assessment has no such field to save."})
    cleaned = _clean(snapshot, fields, {name: text})
    _changed, writes = _write_many(appraisal, stored, fields, cleaned, actor=actor)
    # The edit stamp only (the version stays: see the module note), with the text if it changed.
    appraisal.updated_at = timezone.now()
    with generations.writes_of_appraisal(appraisal):
        write_together(Appraisal, [*writes, _version_touch(appraisal)])
    return appraisal.updated_at


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
    rows = stored_rows(appraisal)
    fields = self_assessment_fields(snapshot, rows.targets)
    stored = current_values(snapshot, rows, fields)
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
