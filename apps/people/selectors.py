"""Reads of people data that several views share, with their prefetching."""

import re

from django.db.models import Count, Q

from apps.tenancy import generations

from .models import Employee, OrgUnit


def employee_for_user(user):
    """The signed-in user's employee record in the active organisation, or None."""
    if user is None or not user.is_authenticated:
        return None
    # Every request runs this. Joining the officer overrides too (eleven-way join) cost PostgreSQL
    # ~10 ms of planning per request at any size (make bench); they are usually empty, and an
    # empty foreign key loads nothing, so only the few people with an override pay a query.
    # Kept until a write to people data: every page asks it.
    return generations.cached("employee", (user.pk,), ("people",), lambda: _employee_row(user))


def _employee_row(user):
    return Employee.objects.select_related("unit", "position", "grade", "manager__manager").filter(user=user).first()


def employee_with_lines(employee_qs):
    """Everything an employee card shows, in one query."""
    return employee_qs.select_related(
        "unit",
        "position",
        "grade__staff_class",
        "manager__manager",
        "appraising_officer_override__manager",
        "countersigning_officer_override",
        "user",
    )


def unit_paths() -> dict[int, str]:
    """Every unit's materialised path by id: one narrow query, kept until people data changes
    (aggregates grouped by unit sum themselves up the tree with it)."""
    return generations.cached("unit-paths", (), ("people",), lambda: dict(OrgUnit.objects.values_list("id", "path")))


def units_with_head_counts():
    """Every unit in tree order with its head and active head count: one query."""
    return (
        OrgUnit.objects.select_related("head", "parent")
        .annotate(head_count=Count("employees", filter=Q(employees__is_active=True)))
        .order_by("path")
    )


def direct_reports_of(employee):
    """Kept until people data changes: the dashboard shows it on every visit."""

    def read():
        return list(
            Employee.objects.filter(manager=employee, is_active=True)
            .select_related("position", "unit")
            .order_by("last_name", "first_name")
        )

    return generations.cached("direct-reports", (employee.pk,), ("people",), read)


def dashboard_figures():
    """Headline counts for HR in one query per table (a constant three)."""
    employees = Employee.objects.aggregate(
        active=Count("id", filter=Q(is_active=True)),
        inactive=Count("id", filter=Q(is_active=False)),
        without_manager=Count("id", filter=Q(is_active=True, manager__isnull=True)),
        without_position=Count("id", filter=Q(is_active=True, position__isnull=True)),
    )
    units = OrgUnit.objects.aggregate(
        total=Count("id", filter=Q(is_active=True)),
        without_head=Count("id", filter=Q(is_active=True, head__isnull=True)),
    )
    from .models import Position

    positions = Position.objects.filter(is_active=True).count()
    return {"employees": employees, "units": units, "positions": positions}


# --- Directory pages (units, positions, grades, people, org chart) -------------------------


def unit_ancestors(unit):
    """The unit's ancestors, root first, in one query: their ids are the unit's own path."""
    ids = [int(segment) for segment in unit.path.split("/") if segment]
    ids = [pk for pk in ids if pk != unit.pk]
    if not ids:
        return []
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("path"))


def unit_tree(units):
    """Nest a path-ordered list of units in memory, without more queries.

    Each unit gets `tree_children` (its sub-units among `units`) and, when the units carry a
    `head_count`, `subtree_head_count` (its people and those of every sub-unit below it).
    A unit whose parent is not in the list (filtered out) becomes a root. Returns the roots.
    """
    by_id = {}
    roots = []
    for unit in units:
        unit.tree_children = []
        by_id[unit.pk] = unit
        parent = by_id.get(unit.parent_id)
        (parent.tree_children if parent is not None else roots).append(unit)
    if by_id and all(hasattr(unit, "head_count") for unit in by_id.values()):
        for unit in by_id.values():
            unit.subtree_head_count = unit.head_count
        # Path order lists parents before children, so summing in reverse adds each subtree once.
        for unit in reversed(list(by_id.values())):
            parent = by_id.get(unit.parent_id)
            if parent is not None:
                parent.subtree_head_count += unit.subtree_head_count
    return roots


def chart_units(queryset):
    """Units for the org chart: head and active sub-unit count, in one query however many units
    are shown. Their people (whole subtree) come from add_subtree_head_counts, once the list is known.
    """
    from django.db.models import IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    active_children = (
        OrgUnit.objects.filter(parent=OuterRef("pk"), is_active=True)
        .order_by()
        .values("parent")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        queryset.select_related("head__position")
        .annotate(child_count=Coalesce(Subquery(active_children, output_field=IntegerField()), Value(0)))
        .order_by("path")
    )


def chart_top_units(levels: int) -> list:
    """The org chart's first `levels` levels of active units with their head counts: two
    queries, or none while no person or unit has changed since the chart was last read (the same
    for everyone who may see it)."""

    def read():
        return add_subtree_head_counts(list(chart_units(OrgUnit.objects.filter(is_active=True, depth__lt=levels))))

    return generations.cached("org-chart", (levels,), ("people",), read)


def add_subtree_head_counts(units: list) -> list:
    """Set `subtree_head_count` (active people in the unit and every unit below it) on each unit,
    in one grouped query over the subtrees' people.

    A correlated subquery per unit (`path LIKE outer.path || '%'`) cannot use the path index and
    counted the root's whole organisation again for every unit shown: 50-80 ms for the chart of
    a 10,000-person organisation (make bench). Constant prefixes use the index, and the counts
    per unit are summed up the paths in memory."""
    prefixes = []
    for path in sorted({unit.path for unit in units}):
        if not any(path.startswith(kept) for kept in prefixes):
            prefixes.append(path)
    counts = {}
    if prefixes:
        in_subtrees = Q()
        for prefix in prefixes:
            in_subtrees |= Q(unit__path__startswith=prefix)
        rows = Employee.objects.filter(in_subtrees, is_active=True).values("unit__path").annotate(n=Count("id"))
        counts = {row["unit__path"]: row["n"] for row in rows.order_by()}
    for unit in units:
        unit.subtree_head_count = sum(n for path, n in counts.items() if path.startswith(unit.path))
    return units


def employee_directory(*, search="", unit=None, grade=None, staff_class=None, status="active", missing=""):
    """The HR people list: search and filters over one query with everything a row shows.

    `unit` includes its sub-units (a path prefix, one indexed range). The search matches
    every word of `search` against name, staff number and e-mail, ignoring case.
    """
    queryset = Employee.objects.select_related("unit", "position", "grade__staff_class", "manager")
    for word in search.split():
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(staff_number__icontains=word)
            | Q(email__icontains=word)
        )
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if grade is not None:
        queryset = queryset.filter(grade=grade)
    if staff_class is not None:
        queryset = queryset.filter(grade__staff_class=staff_class)
    if status == "active":
        queryset = queryset.filter(is_active=True)
    elif status == "inactive":
        queryset = queryset.filter(is_active=False)
    if missing == "manager":
        queryset = queryset.filter(manager__isnull=True)
    elif missing == "position":
        queryset = queryset.filter(position__isnull=True)
    return queryset.order_by("last_name", "first_name", "pk")


def positions_with_holder_counts(*, unit=None, status="active"):
    from .models import Position

    queryset = Position.objects.select_related("unit", "grade__staff_class").annotate(
        holder_count=Count("holders", filter=Q(holders__is_active=True))
    )
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if status == "active":
        queryset = queryset.filter(is_active=True)
    elif status == "inactive":
        queryset = queryset.filter(is_active=False)
    return queryset.order_by("title", "unit__name", "pk")


def staff_classes_with_grades():
    """Staff classes, each with its grades and how many people and posts use each: two queries."""
    from django.db.models import Prefetch

    from .models import Grade, StaffClass

    grades = Grade.objects.annotate(
        employee_count=Count("employees", filter=Q(employees__is_active=True), distinct=True),
        position_count=Count("positions", distinct=True),
    ).order_by("-rank", "code")
    return StaffClass.objects.prefetch_related(Prefetch("grades", queryset=grades)).order_by("name")


def audit_events_for(obj, *, limit=10):
    """The latest audit events about one object, newest first."""
    from apps.tenancy.models import AuditEvent

    return list(
        AuditEvent.objects.filter(object_id=obj.public_id).select_related("actor").order_by("-created_at")[:limit]
    )


REPORTS_SQL = """
    WITH RECURSIVE below(id) AS (
        SELECT id FROM people_employee WHERE organization_id = %s AND manager_id = %s
        UNION
        SELECT e.id FROM people_employee e JOIN below b ON e.manager_id = b.id
        WHERE e.organization_id = %s
    )
    SELECT id FROM below
"""


def report_ids_under(employee) -> set[int]:
    """Ids of everyone who reports to `employee`, directly or down the line: one recursive query."""
    if employee is None:
        return set()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(REPORTS_SQL, [employee.organization_id, employee.pk, employee.organization_id])
        return {row[0] for row in cursor.fetchall()}


def manager_chain_ids(employee) -> list[int]:
    """Ids of the employee's manager, their manager, and so on up: one recursive query."""
    if employee is None or employee.manager_id is None:
        return []
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE up(id, manager_id, n) AS (
                SELECT id, manager_id, 1 FROM people_employee WHERE organization_id = %s AND id = %s
                UNION ALL
                SELECT e.id, e.manager_id, up.n + 1 FROM people_employee e JOIN up ON e.id = up.manager_id
                WHERE e.organization_id = %s AND up.n < 50
            )
            SELECT id FROM up ORDER BY n
            """,
            [employee.organization_id, employee.manager_id, employee.organization_id],
        )
        return [row[0] for row in cursor.fetchall()]


def headed_unit_paths(employee) -> list[str]:
    """Paths of the active units the employee heads: a prefix match covers their sub-units."""
    if employee is None:
        return []
    return list(OrgUnit.objects.filter(head=employee, is_active=True).values_list("path", flat=True))


# --- The person picker's suggestions ---------------------------------------------------------

PERSON_SEARCH_LIMIT = 10
# The people a picker suggests, by name (the widget puts one in its URL; no querysets travel):
# active people; everyone, the inactive last; active people with a sign-in; the searcher and
# everyone reporting to them down the line (whose work targets they set).
PERSON_SCOPES = ("active", "all", "users", "team")
_SEARCH_WORDS = 4


def person_search(
    *,
    query: str,
    scope: str = "active",
    searcher=None,
    match_email: bool = False,
    exclude=None,
    limit: int = PERSON_SEARCH_LIMIT,
) -> tuple[list, bool]:
    """Up to `limit` people whose last name, first name or staff number (and e-mail address,
    when `match_email`) starts with every word of `query`, ignoring case; active people first,
    then by name. Returns them and whether more match. One query whatever the scope.

    Each word is a prefix match on UPPER(column), which the people_emp_*_prefix_idx indexes
    (UPPER(column) COLLATE "C" after the organisation) answer as index ranges OR-ed together:
    ~1 ms for a name at 10,000 people, where a scan of the table cost ~15 ms.
    """
    words = [word for word in re.split(r"[\s,·]+", query.replace("\x00", "")) if word][:_SEARCH_WORDS]
    if scope not in PERSON_SCOPES:
        raise ValueError(f"Unknown person scope {scope!r}")
    if not words or (scope == "team" and searcher is None):
        return [], False
    queryset = Employee.objects.select_related("unit").only(
        "public_id", "first_name", "last_name", "staff_number", "is_active", "unit__name"
    )
    for word in words:
        word = word[:100]
        match = Q(last_name__istartswith=word) | Q(first_name__istartswith=word) | Q(staff_number__istartswith=word)
        if match_email:
            match |= Q(email__istartswith=word)
        queryset = queryset.filter(match)
    if scope != "all":
        queryset = queryset.filter(is_active=True)
    if scope == "users":
        queryset = queryset.filter(user__isnull=False)
    elif scope == "team":
        from django.db.models.expressions import RawSQL

        org = searcher.organization_id
        queryset = queryset.filter(Q(pk=searcher.pk) | Q(pk__in=RawSQL(REPORTS_SQL, [org, searcher.pk, org])))
    if exclude is not None:
        queryset = queryset.exclude(public_id=exclude)
    found = list(queryset.order_by("-is_active", "last_name", "first_name", "pk")[: limit + 1])
    return found[:limit], len(found) > limit
