"""Keeping a tree's materialised paths right: the unit tree, and the goal cascade too.

Works for any tenant model with `parent`, `path` and `depth` fields.
A node's path is its ancestors' ids, zero-padded, each followed by "/" (root first), so
`path__startswith=unit.path` is the unit and its whole subtree, and ordering by path
lists the tree depth-first.
"""

from django.core.exceptions import ValidationError

from ..models import OrgUnit

_WIDTH = 10  # ids up to 9,999,999,999 keep lexical order equal to numeric order.


def segment(unit_id: int) -> str:
    return f"{unit_id:0{_WIDTH}d}/"


def path_for(unit: OrgUnit, parent: OrgUnit | None) -> str:
    return (parent.path if parent else "") + segment(unit.pk)


def check_parent(unit, parent, message: str = "A unit cannot sit under itself or one of its own sub-units.") -> None:
    """Refuse a parent that would put a node under itself or one of its own descendants."""
    if parent is None or unit.pk is None:
        return
    if parent.pk == unit.pk or (unit.path and parent.path.startswith(unit.path)):
        raise ValidationError({"parent": message})


def place(unit: OrgUnit) -> None:
    """Set path and depth of a saved unit from its parent and move its subtree with it.

    One UPDATE for the whole subtree, however large, instead of a save per descendant.
    """
    parent = unit.parent
    old_path = unit.path
    new_path = path_for(unit, parent)
    new_depth = parent.depth + 1 if parent else 0
    if old_path == new_path and unit.depth == new_depth:
        return
    model = type(unit)
    model.objects.filter(pk=unit.pk).update(path=new_path, depth=new_depth)
    if old_path:
        from django.db.models import F, Value
        from django.db.models.functions import Concat, Substr

        model.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (new_depth - unit.depth),
        )
    unit.path, unit.depth = new_path, new_depth


def rebuild_paths(units: list[OrgUnit]) -> list[OrgUnit]:
    """Compute path and depth for a batch of saved units (bulk import): parents first,
    in memory, for the caller to bulk_update. Units whose parent is outside the batch must
    already have a correct path."""
    by_id = {u.pk: u for u in units}
    done: set[int] = set()

    def resolve(unit: OrgUnit, trail: set[int]) -> None:
        if unit.pk in done:
            return
        if unit.pk in trail:
            raise ValidationError("The unit tree has a cycle.")
        parent = by_id.get(unit.parent_id) if unit.parent_id else None
        if parent is not None:
            resolve(parent, trail | {unit.pk})
        elif unit.parent_id:
            parent = unit.parent  # outside the batch: its path is already right
        unit.path = path_for(unit, parent)
        unit.depth = parent.depth + 1 if parent else 0
        done.add(unit.pk)

    for unit in units:
        resolve(unit, set())
    return units
