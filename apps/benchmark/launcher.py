"""`make bench`: a fresh database of its own, migrations and static files, then the run.

Which database: BENCH_DATABASE_URL when set; else the server of DATABASE_URL with the database
BENCH_DB_NAME (default pmsys_bench); else the embedded PostgreSQL of `make run`, database
pmsys_bench. The database is dropped and created again on every run, so its name must contain
"bench" — the dev database is never touched. Redis: REDIS_URL's server (or the embedded Valkey)
with database BENCH_REDIS_DB (default 15), so the Celery messages the launch and the reminders
queue never reach a dev worker. Arguments after `--` go to the run (python -m apps.benchmark -h).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse, urlunparse

from pmsys.devtools import embedded

REPO_ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "pmsys.settings.bench"


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def _with_path(url: str, path: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{path}"))


def database_url(started: list) -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    name = os.environ.get("BENCH_DB_NAME", "pmsys_bench")
    if os.environ.get("DATABASE_URL"):
        return _with_path(os.environ["DATABASE_URL"], name)
    os.environ["PMSYS_DB_NAME"] = name
    service = embedded.ensure_postgres()
    if service.started:
        started.append(service)
    return service.url


def redis_url(started: list) -> str:
    db = os.environ.get("BENCH_REDIS_DB", "15")
    if os.environ.get("REDIS_URL"):
        return _with_path(os.environ["REDIS_URL"], db)
    service = embedded.ensure_valkey()
    if service.started:
        started.append(service)
    return embedded.redis_url(db=int(db))


def recreate(url: str) -> None:
    """Drop and create the bench database: every run starts from nothing."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    if "bench" not in name:
        raise SystemExit(f"refusing to recreate {name!r}: a benchmark database's name contains 'bench'")
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=unquote(parsed.username or "") or None,
        password=unquote(parsed.password or "") or None,
        dbname="postgres",
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
    say(f"fresh database {name!r} on {parsed.hostname}:{parsed.port or 5432}")


def _drop_queued_tasks(url: str) -> None:
    """The launch and the reminders queue Celery tasks that no worker of the bench runs: drop them
    from the bench's own Redis database so runs do not pile them up."""
    import redis

    redis.Redis.from_url(url).delete("celery")


def main(argv: list[str]) -> int:
    started: list = []
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": database_url(started),
            "REDIS_URL": redis_url(started),
            # Production settings want a real secret; a run's sessions need nothing longer-lived.
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
            "CACHE_KEY_PREFIX": "pmsys-bench",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "EMAIL_URL": "dummy://",
        }
        recreate(env["DATABASE_URL"])
        python, manage = sys.executable, str(REPO_ROOT / "manage.py")
        for step in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
            say("manage.py " + " ".join(step))
            subprocess.run([python, manage, *step], env=env, cwd=REPO_ROOT, check=True)
        code = subprocess.run([python, "-m", "apps.benchmark", *argv], env=env, cwd=REPO_ROOT).returncode
        _drop_queued_tasks(env["REDIS_URL"])
        return code
    finally:
        embedded.stop_services(started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
