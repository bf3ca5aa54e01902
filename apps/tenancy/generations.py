"""Generations of tenant data: caches that a write can never leave stale.

Every INSERT, UPDATE or DELETE sent through Django's connection names its tables, and a table's
app label ("people_employee" → "people") is its *domain*. A write bumps the domain's generation
for the organisation of the active tenant scope: as the statement runs, so the writer's own later
reads in its transaction miss, and once more when the transaction commits, so a reader who
cached the old rows in between cannot keep serving them. A rolled-back write costs an extra miss.

`cached()` keys a value with the generations of the domains it was read from, so a write to any
of them makes the old value unreachable: nobody keeps a list of what to invalidate after which
service, and a bulk UPDATE, a raw statement or a Celery task invalidates exactly like a form
save. Dead values expire by themselves (TIMEOUT).

Platform-wide domains (sign-ins, memberships, organisations) are written outside any tenant
scope too; their generation is one for the whole platform. A write outside a scope to a tenant
domain (seeding, the admin) bumps the platform-wide generation of that domain, which every
organisation's keys include.

A generation key starts at a random number when first read or written, so a key lost to eviction
or a flush can never come back to a number an old value was cached under.
"""

from __future__ import annotations

import random
import re

from django.core.cache import cache
from django.db import connection
from django.db.backends.signals import connection_created

from .scoping import current_organization

TIMEOUT = 10 * 60
PLATFORM = "*"
# Written outside tenant scopes (sign-in, joining or leaving an organisation) and read before the
# request knows its organisation: one generation for the platform.
PLATFORM_DOMAINS = frozenset({"accounts", "tenancy"})
# INSERT INTO "t", UPDATE "t", DELETE FROM "t", also inside a writable CTE. "DO UPDATE SET" and
# "FOR UPDATE OF" match too; their word has no underscore and is no table.
_WRITE_TARGET = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+\"?(\w+)", re.I)
_MISSING = object()


def _domain(table: str) -> str | None:
    label, sep, _ = table.partition("_")
    return label.lower() if sep and label else None


def written_domains(sql: str | bytes) -> set[str]:
    """The domains a statement writes to (empty for a plain SELECT)."""
    if isinstance(sql, bytes):  # psycopg2's execute_values sends the statement composed
        sql = sql.decode(errors="replace")
    if sql.lstrip()[:6].upper() == "SELECT":
        return set()
    return {d for d in map(_domain, _WRITE_TARGET.findall(sql)) if d}


def generation_key(org_id, domain: str) -> str:
    scope = PLATFORM if domain in PLATFORM_DOMAINS or org_id is None else org_id
    return f"gen:{scope}:{domain}"


def _redis():
    return cache._cache.get_client(write=True)


def _start() -> int:
    return random.getrandbits(48)


def bump(keys) -> None:
    """Move each generation on (starting it at a random number if it has none)."""
    pipe = _redis().pipeline(transaction=False)
    for key in keys:
        made = cache.make_and_validate_key(key)
        pipe.set(made, _start(), nx=True)
        pipe.incr(made)
    pipe.execute()


class _PendingBump:
    """The generations one transaction wrote, bumped again once it commits."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self):
        bump(self.keys)


def _pending(conn) -> _PendingBump | None:
    for _sids, callback, _robust in conn.run_on_commit:
        if isinstance(callback, _PendingBump):
            return callback
    return None


def note_writes(execute, sql, params, many, context):
    """Execute wrapper on every connection: after a statement that wrote, bump what it wrote."""
    result = execute(sql, params, many, context)
    domains = written_domains(sql)
    if domains:
        org_id = _scope_id()
        _written(context["connection"], {generation_key(org_id, d) for d in domains})
    return result


def _written(conn, keys: set[str]) -> None:
    # Every write bumps at once, even one of a transaction that already did: a read between two
    # writes of one transaction may have cached what the first left.
    bump(keys)
    if conn.in_atomic_block:
        pending = _pending(conn)
        if pending is None:
            pending = _PendingBump()
            conn.on_commit(pending, robust=True)
        pending.keys |= keys


def install(sender=None, connection=connection, **kwargs) -> None:
    if note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, note_writes)


def connect() -> None:
    """Called from the app's ready(): wrap every connection as it opens."""
    connection_created.connect(install, dispatch_uid="tenancy.generations.install")


def _scope_id():
    organization = current_organization()
    return organization.pk if organization is not None else None


def current(domains, org_id) -> str:
    """The generations of `domains` for an organisation (None: the platform's only), as one
    string for a cache key."""
    keys = sorted({generation_key(org_id, d) for d in domains})
    if org_id is not None:
        # A tenant domain's value also changes with the writes to it outside any scope.
        keys += sorted({generation_key(None, d) for d in domains if d not in PLATFORM_DOMAINS})
    values = cache.get_many(keys)
    missing = [k for k in keys if k not in values]
    if missing:
        for key in missing:
            cache.add(key, _start(), timeout=None)
        values.update(cache.get_many(missing))
    return ".".join(str(values[k]) for k in keys)


def cached(name: str, parts, domains, compute, *, timeout: int = TIMEOUT):
    """`compute()`'s value for the active organisation, kept until a write to one of `domains`
    (or `timeout` seconds).

    `parts` must name everything else the value depends on (the person, the page, the filter):
    the organisation and the generations are added here."""
    org_id = _scope_id()
    generations = current(domains, org_id)
    key = f"{name}:{org_id or PLATFORM}:{':'.join(map(str, parts))}:{generations}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value
