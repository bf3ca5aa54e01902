"""Finding an object a query string names."""

import uuid


def by_public_id(queryset, value):
    """The object of `queryset` whose public id is `value` (a filter's or a link's ?unit=…), or
    None when the value is missing, malformed or names nothing there: a stale bookmark or a
    hand-edited URL filters nothing rather than failing."""
    try:
        key = uuid.UUID(str(value))
    except ValueError:
        return None
    return queryset.filter(public_id=key).first()
