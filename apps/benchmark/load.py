"""Throughput: gunicorn with the bench settings (production, minus HTTPS) on loopback, driven by
a small threaded client for a bounded time with a weighted mix of the main pages, each asked
as one of several signed-in people. Reports requests per second, latency percentiles, errors
and the peak memory (VmHWM) of each web worker.

A client of our own rather than locust: no extra dependency, and on two cores it costs less
CPU than locust's gevent workers would take from the server being measured.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from apps.cycles.models import Appraisal, AppraisalState
from apps.cycles.services.self_assessment import self_assessment_save
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse

from .measure import summary_ms
from .pages import client_for, self_assessment_arguments

# Page key → weight in the mix: what people open most often weighs most.
MIX = {
    "dashboard": 25,
    "my_tasks": 15,
    "self_assessment": 20,
    "team": 10,
    "cycle_overview": 5,
    "cascade_top": 10,
    "cascade_deep_unit": 5,
    "org_chart": 5,
    "moderation": 5,
}


@dataclass
class Target:
    key: str
    url: str
    cookie: str


@dataclass
class Tally:
    seconds: list[float] = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def targets_for(case, pages, people: int = 8) -> tuple[list[Target], list[Appraisal]]:
    """Every page of the mix for `people` different appraisees and their officers (HR pages as
    HR), each with a session of its own, weighted by MIX; and those appraisals."""
    by_key = {page.key: page for page in pages}
    with tenant_scope(case.organization):
        appraisals = list(
            Appraisal.objects.filter(cycle=case.cycle, state=AppraisalState.SELF_ASSESSMENT)
            .exclude(appraising_officer=None)
            .select_related("employee__user", "appraising_officer__user")
            # Team members (the teams are the newest units) of different teams, with different heads.
            .order_by("-employee__unit_id", "pk")
            .distinct("employee__unit_id")[:people]
        )
    cookies = {}

    def cookie(user):
        if user.pk not in cookies:
            cookies[user.pk] = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
        return cookies[user.pk]

    org = case.organization
    targets = []
    for appraisal in appraisals:
        appraisee, officer = appraisal.employee.user, appraisal.appraising_officer.user
        own = {
            "dashboard": (appraisee, by_key["dashboard"].url),
            "my_tasks": (officer, by_key["my_tasks"].url),
            "self_assessment": (
                appraisee,
                org_reverse("cycles:self_assessment", org, appraisal_id=appraisal.public_id),
            ),
            "team": (officer, by_key["team"].url),
        }
        for key, page in by_key.items():
            user, url = own.get(key, (page.user, page.url))
            targets += [Target(key, url, cookie(user))] * MIX.get(key, 5)
    return targets, appraisals


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(workers: int, env: dict) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "pmsys.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=settings.BASE_DIR)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = _request(port, "/healthz", "")
            if status == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within a minute")


def _request(port: int, url: str, cookie: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {}
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


def drive(port: int, targets: list[Target], *, seconds: float, concurrency: int, seed: int = 7) -> dict:
    tally = Tally()
    stop_at = time.monotonic() + seconds

    def worker(n: int) -> None:
        rng = random.Random(seed + n)
        while time.monotonic() < stop_at:
            target = rng.choice(targets)
            started = time.perf_counter()
            try:
                status, _ = _request(port, target.url, target.cookie)
                error = None if status == 200 else f"{target.key}: HTTP {status}"
            except OSError as exc:
                error = f"{target.key}: {type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with tally.lock:
                tally.seconds.append(elapsed)
                if error:
                    tally.errors[error] = tally.errors.get(error, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(tally.seconds),
        "seconds": wall,
        "rps": len(tally.seconds) / wall,
        "errors": sum(tally.errors.values()),
        "error_kinds": tally.errors,
        **summary_ms(tally.seconds),
    }


class Writer:
    """Appraisees saving their self-assessments while the pages are read: `per_second` saves
    through the service (every field, as the form posts them), spread over the people of the mix.
    A load without writes would flatter every cache; these make what the saves touch miss."""

    def __init__(self, case, appraisals, per_second: float):
        self.case, self.per_second = case, per_second
        self.appraisal_ids = [a.pk for a in appraisals]
        self.saves, self.errors = 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        if self.per_second > 0 and self.appraisal_ids:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        from django.db import connection

        interval, n = 1.0 / self.per_second, 0
        next_at = time.monotonic()
        try:
            while not self._stop.is_set():
                appraisal_id = self.appraisal_ids[n % len(self.appraisal_ids)]
                try:
                    save_self_assessment(self.case, appraisal_id, n)
                    self.saves += 1
                except Exception:  # counted, reported as load.write_errors; the run goes on
                    self.errors += 1
                n += 1
                next_at += interval
                self._stop.wait(max(0.0, next_at - time.monotonic()))
        finally:
            connection.close()


def save_self_assessment(case, appraisal_id: int, n: int) -> None:
    with tenant_scope(case.organization):
        self_assessment_save(**self_assessment_arguments(case, appraisal_id, f"Saved under load ({n}).", n))


def worker_peak_rss_mb(master: int) -> list[float]:
    """VmHWM (peak resident set) of each gunicorn worker, in MB."""
    peaks = []
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def run_load(
    case, pages, *, seconds: float, concurrency: int, workers: int, env: dict, writes_per_second: float = 2.0
) -> dict:
    targets, appraisals = targets_for(case, pages)
    process, port = start_gunicorn(workers, env)
    try:
        # Every worker opens its database connection and fills its caches before the clock starts.
        drive(port, targets, seconds=min(5.0, seconds), concurrency=concurrency, seed=1)
        with Writer(case, appraisals, writes_per_second) as writer:
            result = drive(port, targets, seconds=seconds, concurrency=concurrency)
        result["worker_peak_rss_mb"] = worker_peak_rss_mb(process.pid)
        result.update({"writes": writer.saves, "write_errors": writer.errors, "writes_per_second": writes_per_second})
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    result.update(
        {"workers": workers, "concurrency": concurrency, "people": len({t.cookie for t in targets}), "mix": MIX}
    )
    return result
