"""units.csv: checking every row against the tree as it will be, then writing it in bulk.

A row whose code exists updates that unit (name, kind when given, parent); other rows
create units. Parents may be existing units or other rows, in any order.
"""

from dataclasses import dataclass, field

from ..models import OrgUnit, UnitKind
from . import tree
from .csv_parsing import Column, ParsedCsv, error
from .import_checks import check_length, find_loops, loop_text, unknown_code_message

_KIND_NAMES = ", ".join(value for value, _ in UnitKind.choices)

COLUMNS = [
    Column("code", True, "The unit's code, unique in the organisation. An existing code updates that unit.", "FIN"),
    Column("name", True, "The unit's name.", "Finance Division"),
    Column(
        "kind",
        False,
        f"One of {_KIND_NAMES}. Empty: department for a new unit, unchanged for an existing one.",
        "division",
    ),
    Column(
        "parent_code",
        False,
        "Code of the unit above: an existing unit or another row of the file, in any order. Empty: a top-level unit.",
        "HQ",
    ),
]

SAMPLE = """code,name,kind,parent_code
HQ,Head Office,organisation,
FIN,Finance Division,division,HQ
FIN-ACC,Accounts,department,FIN
FIN-ACC-PAY,Payables,section,FIN-ACC
OPS,Operations Division,division,HQ
OPS-LOG,Logistics,department,OPS
OPS-LOG-FLEET,Fleet,team,OPS-LOG
"""

# The materialised path column holds this many levels of zero-padded ids.
MAX_LEVELS = OrgUnit._meta.get_field("path").max_length // len(tree.segment(0))

_KINDS = {}
for _value, _label in UnitKind.choices:
    _KINDS[_value] = _value
    _KINDS[_label.lower()] = _value
_KINDS["organization"] = UnitKind.ORGANISATION


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: str | None  # None: default for a new unit, unchanged for an existing one
    parent_code: str | None


@dataclass
class UnitPlan:
    rows: list[UnitRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    units_by_code: dict[str, OrgUnit] = field(default_factory=dict)  # every unit of the organisation
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0

    @property
    def summary(self) -> dict:
        return {
            "rows": len(self.rows),
            "to_create": self.to_create,
            "to_update": self.to_update,
            "unchanged": self.unchanged,
        }


def plan(parsed: ParsedCsv) -> UnitPlan:
    """Check every row; one query loads the whole tree the rows are checked against."""
    result = UnitPlan(units_by_code={u.code: u for u in OrgUnit.objects.order_by("path")})
    existing = result.units_by_code
    errors = result.errors

    first_row_of: dict[str, int] = {}
    for row_number, values in parsed.rows:
        row = _read_row(row_number, values, errors)
        if row is None:
            continue
        if row.code in first_row_of:
            errors.append(
                error(row_number, "code", f"The code “{row.code}” is already used on row {first_row_of[row.code]}.")
            )
            continue
        first_row_of[row.code] = row_number
        result.rows.append(row)

    file_codes = set(first_row_of)
    known_codes = file_codes | set(existing)
    for row in result.rows:
        if row.parent_code is None:
            continue
        if row.parent_code == row.code:
            errors.append(error(row.row, "parent_code", "A unit cannot be its own parent."))
            row.parent_code = None
        elif row.parent_code not in known_codes:
            errors.append(
                error(row.row, "parent_code", unknown_code_message("parent code", row.parent_code, known_codes))
            )
            row.parent_code = None

    _check_tree(result, file_codes)
    _count(result)
    return result


def _read_row(row_number: int, values: dict[str, str], errors: list) -> UnitRow | None:
    code, name = values.get("code", ""), values.get("name", "")
    kind_text, parent_code = values.get("kind", ""), values.get("parent_code", "")
    if not code:
        errors.append(error(row_number, "code", "The code is required."))
    else:
        check_length(errors, row_number, "code", code, 40)
    if not name:
        errors.append(error(row_number, "name", "The name is required."))
    else:
        check_length(errors, row_number, "name", name, 200)
    kind = None
    if kind_text:
        kind = _KINDS.get(kind_text.lower())
        if kind is None:
            errors.append(error(row_number, "kind", f"Unknown kind “{kind_text}”: use one of {_KIND_NAMES}."))
    if not code:
        return None
    # Rows with other errors still count, so their code is not reported as unknown elsewhere.
    return UnitRow(row_number, code, name, kind, parent_code or None)


def _check_tree(result: UnitPlan, file_codes: set[str]) -> None:
    """Loops and depth of the tree as it will be: existing units with the file's changes."""
    code_of_id = {u.pk: code for code, u in result.units_by_code.items()}
    parent_of = {code: code_of_id.get(u.parent_id) for code, u in result.units_by_code.items()}
    row_of = {}
    for row in result.rows:
        parent_of[row.code] = row.parent_code
        row_of[row.code] = row
    loop_of, depth = find_loops(parent_of)

    reported: set[str] = set()
    for row in result.rows:
        if row.code in loop_of:
            loop = loop_of[row.code]
            result.errors.append(error(row.row, "parent_code", f"These parents make a loop: {loop_text(loop)}."))
    for code, level in depth.items():
        if level is None or level < MAX_LEVELS:
            continue
        # The deepest unit may be an existing one moved down with its parent: blame the row
        # nearest above it in the file.
        culprit = code
        while culprit is not None and culprit not in file_codes:
            culprit = parent_of.get(culprit)
        if culprit is not None and culprit not in reported:
            reported.add(culprit)
            result.errors.append(
                error(
                    row_of[culprit].row,
                    "parent_code",
                    f"This puts “{code}” {level + 1} levels deep; the tree can be at most {MAX_LEVELS} levels deep.",
                )
            )


def _count(result: UnitPlan) -> None:
    existing = result.units_by_code
    code_of_id = {u.pk: code for code, u in existing.items()}
    for row in result.rows:
        unit = existing.get(row.code)
        if unit is None:
            result.to_create += 1
        elif (
            unit.name != row.name
            or (row.kind and unit.kind != row.kind)
            or code_of_id.get(unit.parent_id) != row.parent_code
        ):
            result.to_update += 1
        else:
            result.unchanged += 1


def apply(result: UnitPlan, organization) -> dict:
    """Write a valid plan: one bulk insert, paths computed in memory, one bulk update."""
    by_code = result.units_by_code
    old_places = {u.pk: (u.parent_id, u.path, u.depth) for u in by_code.values()}
    new_units, touched = [], set()
    for row in result.rows:
        unit = by_code.get(row.code)
        if unit is None:
            unit = OrgUnit(
                organization=organization, code=row.code, name=row.name, kind=row.kind or UnitKind.DEPARTMENT
            )
            by_code[row.code] = unit
            new_units.append(unit)
        elif unit.name != row.name or (row.kind and unit.kind != row.kind):
            unit.name = row.name
            unit.kind = row.kind or unit.kind
            touched.add(unit.code)
    OrgUnit.objects.bulk_create(new_units, batch_size=1000)

    for row in result.rows:
        unit = by_code[row.code]
        unit.parent_id = by_code[row.parent_code].pk if row.parent_code else None
    # Every unit of the organisation is in the batch, so moving an existing unit carries its
    # whole subtree along without a query per descendant.
    tree.rebuild_paths(list(by_code.values()))
    changed = [
        unit
        for unit in by_code.values()
        if unit.pk not in old_places
        or unit.code in touched
        or old_places[unit.pk] != (unit.parent_id, unit.path, unit.depth)
    ]
    OrgUnit.objects.bulk_update(changed, ["name", "kind", "parent", "path", "depth"], batch_size=500)
    return {
        "created": len(new_units),
        "updated": result.to_update,
        "unchanged": result.unchanged,
        "moved_with_parent": len(changed) - len(new_units) - result.to_update,
    }
