"""`make test`: every check a change must pass, on a real PostgreSQL and a real Redis.

Steps, stopping at the first failure:
  1. ruff check . and ruff format --check . (without a cache directory, like pytest.ini does
     for pytest)
  2. pick the servers (DATABASE_URL / REDIS_URL; with CI=true the machine's own ones on
     5432 / 6379 if they answer; else the embedded ones)
  3. manage.py makemigrations --check --dry-run
  4. manage.py check --deploy with production settings, failing on any warning
  5. Debian's chromium for the browser tests (installed with apt-get when we are root)
  6. pytest --create-db (extra arguments: `make test ARGS="-k tenancy -x"`)

Embedded servers started here are stopped at the end (PMSYS_KEEP_SERVICES=1 keeps them up for a
quicker next run); servers that were already running are left alone.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import embedded, services

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")


class StepFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def run_step(title: str, cmd: list[str], env: dict[str, str]) -> None:
    say(f"{title}: {shlex.join(cmd)}")
    started = time.monotonic()
    result = subprocess.run(cmd, env=env, cwd=REPO_ROOT)
    took = time.monotonic() - started
    if result.returncode != 0:
        raise StepFailed(f"{title} failed (exit {result.returncode}) after {took:.1f} s")
    print(f"    ok ({took:.1f} s)", flush=True)


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    # Each step names its own settings; a value left in the developer's shell must not win.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def ensure_chromium() -> None:
    say(f"Debian's chromium for the browser tests ({CHROMIUM})")
    if CHROMIUM.exists():
        print("    present", flush=True)
        return
    if os.geteuid() != 0:
        raise StepFailed(
            f"{CHROMIUM} is missing and we are not root. Install it once with "
            f"`sudo apt-get install -y chromium` and run `make test` again."
        )
    if shutil.which("apt-get") is None:
        raise StepFailed(f"{CHROMIUM} is missing and this machine has no apt-get; install Chromium at that path.")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        print(f"    {shlex.join(cmd)}", flush=True)
        if subprocess.run(cmd, env=apt_env).returncode != 0:
            raise StepFailed(f"`{shlex.join(cmd)}` failed")
    if not CHROMIUM.exists():
        raise StepFailed(f"apt-get installed chromium but {CHROMIUM} is still missing")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    # A CI runner's timeout sends SIGTERM: treat it like Ctrl-C so embedded servers still get stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    python = sys.executable
    manage = str(REPO_ROOT / "manage.py")
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    started = time.monotonic()
    chosen: services.Services | None = None
    try:
        run_step("lint", [python, "-m", "ruff", "check", "--no-cache", "."], base_env())
        run_step("formatting", [python, "-m", "ruff", "format", "--check", "--no-cache", "."], base_env())

        say("databases")
        try:
            # Tests use Redis database 1 so they never flush a developer's cache in database 0.
            chosen = services.choose(allow_machine=ci, redis_db=1)
        except embedded.EmbeddedError as exc:
            raise StepFailed(str(exc)) from exc
        for note in chosen.notes:
            print(f"    {note}", flush=True)
        env = {**base_env(), **chosen.env}

        run_step(
            "migrations match the models",
            [python, manage, "makemigrations", "--check", "--dry-run"],
            {**env, "DJANGO_SETTINGS_MODULE": "pmsys.settings.test"},
        )
        deploy_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "pmsys.settings.production",
            # A throwaway key: check --deploy judges its length and randomness, nothing is signed with it.
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "pmsys.example.com",
        }
        run_step(
            "production settings pass check --deploy",
            [python, manage, "check", "--deploy", "--fail-level", "WARNING"],
            deploy_env,
        )
        ensure_chromium()
        # pytest.ini names the test settings; the suite runs in one process because the browser test's
        # live server and Playwright share it (xdist adds start-up cost and no speed at this size).
        run_step("tests", [python, "-m", "pytest", "--create-db", *argv], env)
    except StepFailed as exc:
        print(f"\nmake test: FAILED - {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nmake test: interrupted", file=sys.stderr, flush=True)
        return 130
    finally:
        if chosen is not None and os.environ.get("PMSYS_KEEP_SERVICES") != "1":
            chosen.stop_started()
    print(f"\nmake test: all checks passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
