"""`make run`: the whole portal in one terminal.

Picks the databases (DATABASE_URL / REDIS_URL, else the embedded servers), migrates, loads the
demo data, then runs the web server, a Celery worker and Celery beat side by side with their
output prefixed by name. Ctrl-C (or SIGTERM) stops all of them; if one of them dies, the others
are stopped too, so a half-running portal never lingers. Embedded servers that this run started
are stopped on the way out; ones that were already running are left alone.

Environment: PORT (8000), HOST (127.0.0.1), plus everything pmsys/settings reads.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from . import embedded, services

REPO_ROOT = Path(__file__).resolve().parents[2]
MANAGE = str(REPO_ROOT / "manage.py")
SETTINGS = "pmsys.settings.local"
STOP_GRACE_SECONDS = 10

DEMO_PASSWORD = "pmsys-demo"
DEMO_LOGINS = [
    ("hr@acme.test", "HR admin of Acme"),
    ("manager@acme.test", "Acme unit head with direct reports"),
    ("employee@acme.test", "Acme employee, reports to manager@acme.test"),
    ("hr@globex.test", "HR admin of Globex"),
]


class StopRequested(Exception):
    pass


def say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def _manage(*args: str) -> list[str]:
    return [sys.executable, MANAGE, *args]


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _step(title: str, cmd: list[str], env: dict[str, str]) -> None:
    say(title)
    result = subprocess.run(cmd, env=env, cwd=REPO_ROOT)
    if result.returncode != 0:
        raise SystemExit(f"[run] {title} failed (exit {result.returncode}); nothing was started.")


def _has_command(name: str, env: dict[str, str]) -> bool:
    probe = subprocess.run(
        _manage("help", name), env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return probe.returncode == 0


class Supervisor:
    """Children run in their own process groups, so a stop reaches grandchildren too (runserver's
    autoreloader, Celery's pool) and a terminal Ctrl-C reaches only us: we stop them in order."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.children: dict[str, subprocess.Popen] = {}
        self.print_lock = threading.Lock()
        self.width = 6

    def start(self, name: str, cmd: list[str]) -> None:
        proc = subprocess.Popen(
            cmd,
            env=self.env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,
            text=True,
            errors="replace",
            bufsize=1,
        )
        self.children[name] = proc
        threading.Thread(target=self._relay, args=(name, proc), daemon=True).start()

    def _relay(self, name: str, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            self.emit(f"{name:<{self.width}} | {line.rstrip()}")

    def emit(self, text: str) -> None:
        with self.print_lock:
            print(text, flush=True)

    def first_exit(self) -> tuple[str, int] | None:
        for name, proc in self.children.items():
            code = proc.poll()
            if code is not None:
                return name, code
        return None

    def stop_all(self) -> None:
        alive = {name: proc for name, proc in self.children.items() if proc.poll() is None}
        for name, proc in alive.items():
            say(f"stopping {name} (pid {proc.pid})")
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, proc in alive.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within {STOP_GRACE_SECONDS} s; killing it")
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        # A group can outlive its leader (e.g. a pool process); make sure nothing is left.
        for proc in self.children.values():
            _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _wait_until_up(url: str, supervisor: Supervisor, stop: threading.Event, banner: str) -> None:
    deadline = time.monotonic() + 120
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    supervisor.emit(banner)
                    return
        except OSError:
            pass
        time.sleep(0.5)
    if not stop.is_set():
        supervisor.emit(f"[run] the web server has not answered {url} after 120 s; see its output above")


def _banner(url: str, seeded: bool, notes: list[str]) -> str:
    rule = "=" * 72
    lines = ["", rule, f"  pmsys is running:  {url}", ""]
    if seeded:
        lines.append(f"  Demo logins (password for all: {DEMO_PASSWORD})")
        lines += [f"    {email:<20} {role}" for email, role in DEMO_LOGINS]
    else:
        lines.append("  No demo data: this checkout has no `seed_demo` command yet.")
    lines += [
        "",
        *(f"  {note}" for note in notes),
        "  Mail (password reset) goes to EMAIL_URL"
        if os.environ.get("EMAIL_URL")
        else "  Mail (password reset) is written to var/mail/",
        "",
        "  Press Ctrl-C to stop everything.",
        rule,
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    host = os.environ.get("HOST") or "127.0.0.1"
    port = int(os.environ.get("PORT") or 8000)
    stop = threading.Event()

    def on_signal(signum, frame):
        if stop.is_set():
            return
        stop.set()
        print(f"\n[run] {signal.Signals(signum).name} received: stopping everything", flush=True)
        raise StopRequested

    # Installed explicitly: a shell that started us in the background may have us ignoring SIGINT.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    if not _port_free(host, port):
        say(f"port {port} on {host} is already in use (another `make run`?). Stop it or choose one: PORT=8001 make run")
        return 1

    chosen: services.Services | None = None
    supervisor: Supervisor | None = None
    exit_code = 0
    try:
        try:
            chosen = services.choose(allow_machine=False, redis_db=0)
        except embedded.EmbeddedError as exc:
            say(f"error: {exc}")
            return 1
        for note in chosen.notes:
            say(note)

        env = {**os.environ, **chosen.env, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONUNBUFFERED": "1"}
        (REPO_ROOT / "var").mkdir(exist_ok=True)
        _step("applying migrations", _manage("migrate", "--noinput"), env)
        # Static files: runserver serves them straight from static/ (DEBUG), so no collectstatic here.
        seeded = _has_command("seed_demo", env)
        if seeded:
            _step("loading the demo data (idempotent)", _manage("seed_demo"), env)
        else:
            say("no `seed_demo` command yet: starting without demo data")

        supervisor = Supervisor(env)
        supervisor.start("web", _manage("runserver", f"{host}:{port}"))
        supervisor.start(
            "worker", [sys.executable, "-m", "celery", "-A", "pmsys", "worker", "-l", "info", "--concurrency", "2"]
        )
        supervisor.start(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "pmsys",
                "beat",
                "-l",
                "info",
                "--schedule",
                str(REPO_ROOT / "var" / "celerybeat-schedule"),
            ],
        )
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/"
        threading.Thread(
            target=_wait_until_up,
            args=(url + "healthz", supervisor, stop, _banner(url, seeded, chosen.notes)),
            daemon=True,
        ).start()

        while True:
            exited = supervisor.first_exit()
            if exited:
                name, code = exited
                how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
                supervisor.emit(f"\n[run] {name} {how} unexpectedly; stopping the others (see its output above).")
                exit_code = 1
                break
            time.sleep(0.2)
    except StopRequested:
        pass
    finally:
        stop.set()
        # Ignore further signals while cleaning up, so a second Ctrl-C cannot strand children.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if supervisor is not None:
            supervisor.stop_all()
        if chosen is not None:
            chosen.stop_started()
    say("stopped" if exit_code == 0 else "stopped after a failure")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
