"""Lessons learned: at a cycle's close a committee records what to change next time."""

from django.db import transaction

from apps.people.services.validation import FieldErrors, check_same_tenant
from apps.tenancy import audit

from ..models import Committee, Lesson
from ..permissions import Action, require


@transaction.atomic
def lesson_record(*, actor, roles: set, committee: Committee, cycle, title: str, detail: str = "") -> Lesson:
    require(roles, Action.WRITE_RECORDS)
    errors = FieldErrors()
    if cycle is None:
        errors.add("cycle", "Choose the cycle the lesson comes from.")
    check_same_tenant(errors, committee.organization, cycle=cycle)
    if not (title or "").strip():
        errors.add("title", "Say in a line what to change next time.")
    errors.raise_if_any()
    lesson = Lesson.objects.create(
        organization=committee.organization,
        committee=committee,
        cycle=cycle,
        title=title.strip(),
        detail=(detail or "").strip(),
        recorded_by=actor,
    )
    audit.record(
        organization=committee.organization,
        actor=actor,
        action="committee.lesson_recorded",
        obj=lesson,
        summary=f"{committee.name}: lesson “{lesson.title}” ({cycle.name})",
    )
    return lesson
