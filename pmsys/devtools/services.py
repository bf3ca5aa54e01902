"""Decide which PostgreSQL and Redis a command talks to.

In order of preference, for each of the two:
1. the one named by DATABASE_URL / REDIS_URL, when set;
2. with `allow_machine` (CI=true for `make test`), the machine's own server on its standard port,
   if it answers (PostgreSQL 127.0.0.1:5432 as user postgres, Redis 127.0.0.1:6379);
3. the embedded server from var/ (started if needed; see embedded.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import embedded

MACHINE_PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
MACHINE_REDIS_URL = "redis://127.0.0.1:6379/{db}"


@dataclass
class Services:
    env: dict[str, str]
    # Embedded servers this process started; the caller stops them when it is done.
    started: list[embedded.Service] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def stop_started(self) -> None:
        embedded.stop_services(self.started)


def _machine_postgres_answers() -> bool:
    import psycopg2

    try:
        psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3).close()
    except psycopg2.OperationalError:
        return False
    return True


def _machine_redis_answers() -> bool:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0))
    try:
        return bool(client.ping())
    except redis.exceptions.RedisError:
        return False


def choose(*, allow_machine: bool = False, redis_db: int = 0) -> Services:
    chosen = Services(env={})

    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        chosen.notes.append("PostgreSQL: DATABASE_URL from the environment")
        try:
            embedded.ensure_database(database_url)
        except Exception as exc:  # e.g. no CREATEDB right: the first query will tell the real story
            chosen.notes.append(f"  (could not check that its database exists: {str(exc).strip()})")
    elif allow_machine and _machine_postgres_answers():
        database_url = MACHINE_PG_URL.format(name=embedded.database_name())
        embedded.ensure_database(database_url)
        chosen.notes.append("PostgreSQL: the machine's server on 127.0.0.1:5432 (CI=true)")
    else:
        service = embedded.ensure_postgres()
        database_url = service.url
        if service.started:
            chosen.started.append(service)
        chosen.notes.append(f"PostgreSQL: embedded, data in var/postgres, port {embedded.pg_port()}")

    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        chosen.notes.append("Redis: REDIS_URL from the environment")
    elif allow_machine and _machine_redis_answers():
        redis_url = MACHINE_REDIS_URL.format(db=redis_db)
        chosen.notes.append("Redis: the machine's server on 127.0.0.1:6379 (CI=true)")
    else:
        try:
            service = embedded.ensure_valkey()
        except BaseException:
            chosen.stop_started()  # don't leave a PostgreSQL behind when Valkey fails
            raise
        redis_url = embedded.redis_url(db=redis_db)
        if service.started:
            chosen.started.append(service)
        chosen.notes.append(f"Redis: embedded Valkey, data in var/valkey, port {embedded.redis_port()}")

    chosen.env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url}
    return chosen
