"""What a committee covers: the org units it names and everything under them, or the whole
organisation when it names none. Unit paths are materialised ("000012/000040/"), so "in scope"
is a prefix match that an index serves, for one object or as a queryset filter."""

from functools import reduce
from operator import or_

from django.db.models import Q

from apps.people.models import OrgUnit

from .models import Committee, CommitteeKind

WHOLE_ORGANISATION = None  # scope_paths() of a committee that names no unit


def scope_paths(committee: Committee) -> list[str] | None:
    """The paths of the units a committee covers; None means the whole organisation.
    Uses the prefetched `units` when there are any."""
    paths = [unit.path for unit in committee.units.all()]
    return paths or WHOLE_ORGANISATION


def covers_path(paths: list[str] | None, unit_path: str) -> bool:
    if paths is WHOLE_ORGANISATION:
        return True
    return any(unit_path.startswith(path) for path in paths)


def covers(committee: Committee, unit: OrgUnit) -> bool:
    return covers_path(scope_paths(committee), unit.path)


def in_scope_q(paths: list[str] | None, unit_path_field: str) -> Q:
    """A filter on `unit_path_field` (e.g. "employee__unit__path") for rows inside the scope."""
    if paths is WHOLE_ORGANISATION:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{unit_path_field}__startswith": path}) for path in paths))


def committees_covering(unit: OrgUnit, kind: str | None = None) -> list[Committee]:
    """Active committees (of a kind) whose scope holds `unit`, the closest scope first: a
    committee naming the unit's own department comes before one naming its division, and both
    before one covering the whole organisation."""
    committees = Committee.objects.filter(is_active=True).prefetch_related("units")
    if kind:
        committees = committees.filter(kind=kind)
    found = []
    for committee in committees:
        paths = scope_paths(committee)
        if not covers_path(paths, unit.path):
            continue
        closest = 0 if paths is WHOLE_ORGANISATION else max(len(p) for p in paths if unit.path.startswith(p))
        found.append((-closest, committee.name, committee))
    return [committee for *_rank, committee in sorted(found, key=lambda row: row[:2])]


__all__ = ["CommitteeKind", "committees_covering", "covers", "covers_path", "in_scope_q", "scope_paths"]
