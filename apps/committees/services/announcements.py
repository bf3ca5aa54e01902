"""Announcements to all staff or to a scope of units, shown on the dashboard while current.
HR publishes to anyone; a committee's chair or secretary only within the committee's scope."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from apps.people.services.validation import FieldErrors, check_same_tenant
from apps.tenancy import audit
from apps.tenancy.permissions import is_hr_admin

from ..models import Announcement, Committee
from ..permissions import Action, can, can_on_unit
from ..scope import scope_paths


@transaction.atomic
def announcement_publish(
    *,
    actor,
    membership,
    roles: set | None,
    committee: Committee | None,
    title: str,
    body: str,
    units=(),
    published_from=None,
    published_until=None,
) -> Announcement:
    """`roles` are the publisher's roles on `committee`; without a committee only HR publishes."""
    organization = membership.organization
    if committee is None:
        if not is_hr_admin(membership):
            raise PermissionDenied("Only HR publishes announcements in its own name.")
    elif not can(roles or set(), Action.PUBLISH):
        raise PermissionDenied("Only the committee's chair or secretary publishes in its name.")
    errors = FieldErrors()
    units = list(units)
    if not (title or "").strip():
        errors.add("title", "Give the announcement a title.")
    if not (body or "").strip():
        errors.add("body", "Write the announcement.")
    check_same_tenant(errors, organization, committee=committee)
    for unit in units:
        check_same_tenant(errors, organization, units=unit)
    published_from = published_from or timezone.now()
    if published_until is not None and published_until <= published_from:
        errors.add("published_until", "The end must come after the start.")
    if committee is not None and not is_hr_admin(membership):
        if not units and scope_paths(committee) is not None:
            errors.add("units", f"Choose units inside {committee.name}'s scope: it does not cover all staff.")
        outside = [unit.name for unit in units if not can_on_unit(roles, Action.PUBLISH, committee, unit)]
        if outside:
            errors.add("units", f"Outside {committee.name}'s scope: {', '.join(outside)}.")
    errors.raise_if_any()
    announcement = Announcement.objects.create(
        organization=organization,
        committee=committee,
        title=title.strip(),
        body=body.strip(),
        published_from=published_from,
        published_until=published_until,
        created_by=actor,
    )
    announcement.units.set(units)
    audit.record(
        organization=organization,
        actor=actor,
        action="committee.announcement_published",
        obj=announcement,
        summary=f"Announcement “{announcement.title}” to {', '.join(u.name for u in units) or 'all staff'}",
    )
    return announcement


@transaction.atomic
def announcement_withdraw(*, actor, membership, roles: set | None, announcement: Announcement, now=None) -> None:
    """End an announcement now (kept for the record)."""
    if not is_hr_admin(membership) and not (announcement.committee_id and can(roles or set(), Action.PUBLISH)):
        raise PermissionDenied("Only HR or the committee that published it may withdraw an announcement.")
    now = now or timezone.now()
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    announcement.published_until = now
    announcement.save(update_fields=["published_until"])
    audit.record(
        organization=announcement.organization,
        actor=actor,
        action="committee.announcement_withdrawn",
        obj=announcement,
        summary=f"Announcement “{announcement.title}” withdrawn",
    )
