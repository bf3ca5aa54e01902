"""Generations of tenant data: caches that a write can never leave stale.

Every INSERT, UPDATE or DELETE sent through Django's connection names its tables, and a table's
app label ("people_employee" → "people") is its *domain* (a few busy tables have their own,
TABLE_DOMAINS). A write bumps the domain's generation
for the organisation of the active tenant scope: as the statement runs, so the writer's own later
reads in its transaction miss (again at a later write only if the transaction read through the
cache in between), and once more when the transaction commits, so a reader who cached the old
rows in between cannot keep serving them. A rolled-back write costs an extra miss.

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

import hashlib
import pickle
import random
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.db.backends.signals import connection_created

from .scoping import current_organization

TIMEOUT = 10 * 60
# How long one appraisal's generation key lives (see _lifetime): longer than any value under it.
GENERATION_TIMEOUT = 2 * TIMEOUT
PLATFORM = "*"
# Written outside tenant scopes (sign-in, joining or leaving an organisation) and read before the
# request knows its organisation: one generation for the platform.
PLATFORM_DOMAINS = frozenset({"accounts", "tenancy"})
# INSERT INTO "t", UPDATE "t", DELETE FROM "t", also inside a writable CTE. "DO UPDATE SET" and
# "FOR UPDATE OF" match too; their word has no underscore and is no table.
_WRITE_TARGET = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+\"?(\w+)", re.I)


# Tables written far more often than the rest of their app is read with them: a domain of their
# own, so an appraisee's save (appraisal rows) leaves cached cycle setup (cycles, phases, frozen
# templates) alone. A read of these tables must name "appraisals" among its domains.
_APPRAISAL_TABLES = (
    "cycles_appraisal",
    "cycles_appraisaltarget",
    "cycles_appraisalevent",
    "cycles_competencyrating",
    "cycles_sectionresponse",
    "cycles_ratingchange",
)
TABLE_DOMAINS = {
    **dict.fromkeys(_APPRAISAL_TABLES, "appraisals"),
    # The audit trail belongs to one organisation and is written by nearly every service: left in
    # "tenancy", a platform domain, each audited write anywhere would drop every sign-in's cache.
    "tenancy_auditevent": "audit",
}


# The appraisal rows as their figures read them (state, level, score, officers), apart from their
# children and their edit stamp. Every write to cycles_appraisal bumps it, except one that only
# moves the version and updated_at (a save or an autosave of the appraisee's own rows), matched
# exactly as Django's .update() writes it, alone or as the last part of a statement that writes
# the appraisal's children too: any other form counts as a write of the rows. A reader
# that names it instead of "appraisals" must read neither those two columns nor the children
# (defer them), so an appraisee's typing leaves HR's overview and the moderation figures cached.
APPRAISAL_STATES = "appraisal_states"
_VERSION_TOUCH = re.compile(
    r'\s*UPDATE "cycles_appraisal" SET "(?:version|updated_at)" = %s(?:, "(?:version|updated_at)" = %s)? WHERE '
)


def _touches_only_versions(sql: str) -> bool:
    """Whether each write to cycles_appraisal in `sql` is a version touch (one statement, which
    may write other tables as well: the touch sent with the rows of a save)."""
    if ";" in sql:
        return False
    return all(
        _VERSION_TOUCH.match(sql, match.start()) is not None
        for match in _WRITE_TARGET.finditer(sql)
        if match.group(1).lower() == "cycles_appraisal"
    )


def _domain(table: str) -> str | None:
    table = table.lower()
    if table in TABLE_DOMAINS:
        return TABLE_DOMAINS[table]
    label, sep, _ = table.partition("_")
    return label if sep and label else None


def written_domains(sql: str | bytes) -> set[str]:
    """The domains a statement writes to (empty for a plain SELECT)."""
    if isinstance(sql, bytes):  # psycopg2's execute_values sends the statement composed
        sql = sql.decode(errors="replace")
    if sql.lstrip()[:6].upper() == "SELECT":
        return set()
    tables = [table.lower() for table in _WRITE_TARGET.findall(sql)]
    domains = {d for d in map(_domain, tables) if d}
    if "cycles_appraisal" in tables and not _touches_only_versions(sql):
        domains.add(APPRAISAL_STATES)
    return domains


# One appraisal's own screens (its row, children, cycle and people, cached per appraisal) must not
# drop whenever anyone in the organisation types into their self-assessment. A service that writes
# the rows of one appraisal only says so (`writes_of_appraisal`): its writes to the appraisal
# tables bump that appraisal's generation (appraisal_domain) besides "appraisals". Every other
# write to those tables also bumps UNSCOPED_APPRAISAL_WRITES. A per-appraisal read names both
# (appraisal_domains): any write to its rows moves one of them, another appraisal's save neither.
UNSCOPED_APPRAISAL_WRITES = "appraisal_rows"
_APPRAISAL_DOMAIN = "appraisal:"
_writing_appraisal: ContextVar = ContextVar("writing_appraisal", default=None)


def appraisal_domain(public_id) -> str:
    return f"{_APPRAISAL_DOMAIN}{public_id}"


def appraisal_domains(public_id) -> tuple[str, str]:
    """What a read of one appraisal's rows (and nothing of another's) names instead of "appraisals"
    (by public id: a page knows it before it reads the row)."""
    return (UNSCOPED_APPRAISAL_WRITES, appraisal_domain(public_id))


@contextmanager
def writes_of_appraisal(appraisal):
    """Inside, every write to the appraisal tables is a write of `appraisal`'s rows only: the
    caller's promise (a service that locked the appraisal and writes its rows by their ids)."""
    token = _writing_appraisal.set(appraisal.public_id)
    try:
        yield
    finally:
        _writing_appraisal.reset(token)


def generation_key(org_id, domain: str) -> str:
    scope = PLATFORM if domain in PLATFORM_DOMAINS or org_id is None else org_id
    return f"gen:{scope}:{domain}"


_client = None


def _redis():
    """One client per process on the cache's own Redis: Django's cache builds a client (and its
    table of reply callbacks) for every call, which cost more than the round trip itself."""
    global _client
    if _client is None:
        _client = cache._cache.get_client(write=True)
    return _client


def _start() -> int:
    return random.getrandbits(48)


def _lifetime(made_key: str) -> int | None:
    """Seconds a generation key lives from its start: one appraisal's lives a while (there are as
    many as appraisals, and a lost key only costs a miss), an organisation's domains for good."""
    return GENERATION_TIMEOUT if _APPRAISAL_DOMAIN in made_key else None


def bump(keys) -> None:
    """Move each generation on (starting it at a random number if it has none)."""
    pipe = _redis().pipeline(transaction=False)
    for key in keys:
        made = cache.make_and_validate_key(key)
        pipe.set(made, _start(), nx=True, ex=_lifetime(made))
        pipe.incr(made)  # keeps the key's time to live
    pipe.execute()


class _PendingBump:
    """The generations one transaction wrote, bumped again once it commits; and which of them
    need no bump at a further write."""

    def __init__(self):
        self.keys: set[str] = set()
        # Generations bumped since the transaction last read through the cache.
        self.fresh: set[str] = set()

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
        if "appraisals" in domains:
            writing = _writing_appraisal.get()
            # Outside a tenant scope no per-appraisal generation is read: such writes count as unscoped.
            one = writing is not None and org_id is not None
            domains.add(appraisal_domain(writing) if one else UNSCOPED_APPRAISAL_WRITES)
        _written(context["connection"], {generation_key(org_id, d) for d in domains})
    return result


def _written(conn, keys: set[str]) -> None:
    if not conn.in_atomic_block:
        bump(keys)
        return
    pending = _pending(conn)
    if pending is None:
        pending = _PendingBump()
        conn.on_commit(pending, robust=True)
    # A generation this transaction already bumped needs bumping again only if the transaction
    # has cached a read since (it may hold what the first write left): a save of ten statements
    # costs one round trip to Redis, not ten. Other readers only ever cache committed rows, which
    # the bump at commit puts out of reach.
    due = keys - pending.fresh
    if due:
        bump(due)
    pending.fresh |= due
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


def _generation_keys(domains, org_id) -> list[str]:
    keys = sorted({generation_key(org_id, d) for d in domains})
    if org_id is not None:
        # A tenant domain's value also changes with the writes to it outside any scope.
        keys += sorted(
            {
                generation_key(None, d)
                for d in domains
                if d not in PLATFORM_DOMAINS and not d.startswith(_APPRAISAL_DOMAIN)  # never written unscoped
            }
        )
    return [cache.make_and_validate_key(key) for key in keys]


# One round trip for a cached read: the generations (each started at its random number if it has
# none, with its lifetime if it has one), the value's key made of them, and the value.
_READ = """
local gens = {}
local count = #KEYS
for i, key in ipairs(KEYS) do
    local lifetime = tonumber(ARGV[count + i + 1])
    if lifetime > 0 then
        redis.call('SET', key, ARGV[i + 1], 'NX', 'EX', lifetime)
    else
        redis.call('SET', key, ARGV[i + 1], 'NX')
    end
    gens[i] = redis.call('GET', key)
end
local value_key = ARGV[1] .. table.concat(gens, '.')
return {value_key, redis.call('GET', value_key)}
"""
_read_script = None


def _read(keys: list[str], stem: str) -> tuple[str, bytes | None]:
    global _read_script
    if _read_script is None:
        _read_script = _redis().register_script(_READ)
    lifetimes = [_lifetime(key) or 0 for key in keys]
    value_key, value = _read_script(keys=keys, args=[stem, *(_start() for _ in keys), *lifetimes])
    return value_key.decode() if isinstance(value_key, bytes) else value_key, value


def current(domains, org_id) -> str:
    """The generations of `domains` for an organisation (None: the platform's only), as one
    string (what a cached value's key ends with)."""
    value_key, _ = _read(_generation_keys(domains, org_id), "")
    return value_key


@lru_cache(maxsize=1)
def _schema() -> str:
    """A fingerprint of every model's fields: values are pickled model instances, and after a
    deploy that changes a model the old pickles must not be read (nor fail to load)."""
    fields = sorted(
        f"{model._meta.label}.{field.attname}:{field.get_internal_type()}"
        for model in django_apps.get_models()
        for field in model._meta.concrete_fields
    )
    return hashlib.sha1("\n".join(fields).encode(), usedforsecurity=False).hexdigest()[:10]


def cached(name: str, parts, domains, compute, *, timeout: int = TIMEOUT, max_age: int | None = None):
    """`compute()`'s value for the active organisation, kept until a write to one of `domains`
    (or `timeout` seconds).

    `parts` must name everything else the value depends on (the person, the page, the filter):
    the organisation and the generations are added here. `max_age`: for values that also change
    with the clock alone (what is published or overdue now), a new value every `max_age` seconds
    whatever the writes."""
    if max_age is not None:
        parts, timeout = (*parts, int(time.time() // max_age)), min(timeout, max_age)
    if connection.in_atomic_block:
        pending = _pending(connection)
        if pending is not None:
            pending.fresh.clear()
    org_id = _scope_id()
    stem = cache.make_and_validate_key(f"{name}:{_schema()}:{org_id or PLATFORM}:{':'.join(map(str, parts))}:")
    value_key, stored = _read(_generation_keys(domains, org_id), stem)
    if stored is not None:
        return pickle.loads(stored)
    value = compute()
    _redis().set(value_key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), ex=timeout)
    return value


def forget_all() -> None:
    """Make every cached value unreachable, as if every domain of every organisation had just been
    written: the generation keys go, and restart at random numbers when next read (as after an
    eviction). For tests and the benchmark's cold timings."""
    client = _redis()
    keys = list(client.scan_iter(match=cache.make_key("gen:*"), count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
