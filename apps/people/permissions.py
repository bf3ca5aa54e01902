"""Who may do what with the organisation's people. Views and services ask these functions;
they never decide access inline."""

from django.core.exceptions import PermissionDenied

from apps.tenancy.permissions import is_hr_admin


def can_manage_people(membership) -> bool:
    """HR admins keep the unit tree, posts, grades and people up to date."""
    return is_hr_admin(membership)


def require_people_manager(membership) -> None:
    if not can_manage_people(membership):
        raise PermissionDenied("Only HR admins of this organisation may use this page.")


def can_view_org_chart(membership) -> bool:
    """Every active member may see how the organisation is structured and who leads it."""
    return bool(membership is not None and membership.is_active)


def require_org_chart_viewer(membership) -> None:
    if not can_view_org_chart(membership):
        raise PermissionDenied("Only members of this organisation may see its org chart.")


def can_open_employee_record(membership) -> bool:
    """The full employee record (lines, overrides, audit trail) is HR's; members see the chart."""
    return can_manage_people(membership)


def can_search_people(membership) -> bool:
    """The person picker's suggestions: anyone signed in to the organisation may open some form
    with a picker (goals, committees, HR's forms), and the suggestions show what the org chart
    and those forms show anyway (name, staff number, unit)."""
    return bool(membership is not None and membership.is_active)


def require_person_searcher(membership) -> None:
    if not can_search_people(membership):
        raise PermissionDenied("Only members of this organisation may look people up.")


def can_search_people_by_email(membership) -> bool:
    """E-mail addresses appear on HR's pages only: matching on them lets HR find people by
    address, and keeps others from probing an address a letter at a time."""
    return can_manage_people(membership)
