"""The change history of one appraisal's ratings and texts (RatingChange), as its readers may
see it: filtered by permissions in the query, labelled for people, a fixed number of queries."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q

from . import permissions
from .models import Appraisal, RatingChange

PAGE_SIZE = 100

FIELD_LABELS = {
    "created": "Target added",
    "removed": "Target removed",
    "title": "Title",
    "measure": "Measure",
    "weight": "Weight",
    "goal": "Goal served",
    "midterm_note": "Mid-term note",
    "midterm_meeting_on": "Mid-term meeting held",
    "achievement": "Achievement",
    "self_rating": "Self-rating",
    "appraisee_text": "Appraisee's text",
    "officer_rating": "Appraising officer's rating",
    "officer_comment": "Appraising officer's comment",
    "officer_text": "Appraising officer's text",
    "overall_assessment": "Overall assessment",
    "training_recommendations": "Training recommendations",
    "countersigning_agrees": "Countersigning officer's view",
    "countersigning_remarks": "Countersigning officer's remarks",
    "feedback_interview_on": "Feedback interview held",
    "overall_score": "Overall score",
    "overall_level": "Overall level",
}
SUBJECT_LABELS = {"target": "Work target", "competency": "Competency", "section": "Section", "appraisal": "Appraisal"}
_VIEWS = {"True": "Agrees", "False": "Differing view"}


@dataclass
class HistoryEntry:
    change: RatingChange
    subject: str
    item: str
    field: str
    old: str
    new: str


def visible_changes(appraisal: Appraisal, roles: set):
    """The queryset of the changes this person may read, newest first."""
    snapshot = appraisal.cycle_template.snapshot
    queryset = RatingChange.objects.filter(appraisal=appraisal).select_related("actor").order_by("-created_at", "-pk")
    hidden_fields = permissions.hidden_change_fields(roles, appraisal.state, snapshot)
    if hidden_fields:
        queryset = queryset.exclude(field__in=hidden_fields)
    hidden_sections = permissions.hidden_sections(roles, snapshot.get("sections", []))
    if hidden_sections:
        queryset = queryset.exclude(Q(subject="section") & Q(subject_key__in=hidden_sections))
    return queryset


def history_page(appraisal: Appraisal, roles: set, *, subject: str = "", key: str = "", page=1):
    """One page of the history, optionally of one target, competency or section."""
    queryset = visible_changes(appraisal, roles)
    if subject in SUBJECT_LABELS:
        queryset = queryset.filter(subject=subject)
        if key:
            queryset = queryset.filter(subject_key=key)
    page = Paginator(queryset, PAGE_SIZE).get_page(page)
    names = _item_names(appraisal)
    page.entries = [_entry(change, names) for change in page.object_list]
    return page


def _item_names(appraisal: Appraisal) -> dict:
    """(subject, key) → what people call it: targets by title (one query), competencies and
    sections from the frozen template."""
    names = {
        ("target", str(public_id)): title for public_id, title in appraisal.targets.values_list("public_id", "title")
    }
    for section in appraisal.cycle_template.snapshot.get("sections", []):
        names[("section", section["key"])] = section["title"]
        for competency in section.get("competencies", []):
            names[("competency", competency["key"])] = competency["name"]
    return names


def _entry(change: RatingChange, names: dict) -> HistoryEntry:
    item = names.get((change.subject, change.subject_key), "")
    if not item and change.subject == "target":
        # A removed target keeps its title in the change that removed it, not in the table.
        item = change.old_value if change.field == "removed" else "A removed target"
    return HistoryEntry(
        change=change,
        subject=SUBJECT_LABELS.get(change.subject, change.subject.capitalize()),
        item=item,
        field=FIELD_LABELS.get(change.field, change.field.replace("_", " ").capitalize()),
        old=_value(change.field, change.old_value),
        new=_value(change.field, change.new_value),
    )


def _value(field: str, value: str) -> str:
    if field == "countersigning_agrees":
        return _VIEWS.get(value, value)
    return value
