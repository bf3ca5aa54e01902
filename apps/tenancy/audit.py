"""The audit trail. Services call `record()` inside their transaction, so an action and
its audit row are written together or not at all."""

from .models import AuditEvent


def record(*, organization, actor, action: str, obj=None, summary: str = "", changes: dict | None = None):
    event = unsaved(organization=organization, actor=actor, action=action, obj=obj, summary=summary, changes=changes)
    event.save(force_insert=True)
    return event


def unsaved(*, organization, actor, action: str, obj=None, summary: str = "", changes: dict | None = None):
    """The event record() writes, for a service that writes it together with its other rows
    (bulk_sql.write_together)."""
    return AuditEvent(
        organization=organization,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=getattr(obj, "public_id", None),
        summary=summary[:300],
        changes=changes or {},
    )


def diff(instance, before: dict, fields) -> dict:
    """Field-by-field changes between a snapshot and the instance, as strings for JSON."""
    changes = {}
    for field in fields:
        old, new = before.get(field), getattr(instance, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
    return changes


def snapshot(instance, fields) -> dict:
    return {field: getattr(instance, field) for field in fields}


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
