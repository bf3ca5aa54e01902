"""A real Celery worker for tests: `celery -A pmsys worker` in a subprocess, on the test
database and a queue of its own, which a test can start, kill -9 and start again.

Most tests queue tasks to Redis db 0 with no worker running; a worker started here must never
take those, nor the tasks of another engineer's test run on the same Redis. So it listens on a
queue named after this test database and process, in a Redis database kept for test workers
(PMSYS_TEST_WORKER_REDIS_DB, 13 by default), with that queue as its default queue: tasks it
queues itself (follow-ups) stay on it too.

Use (the fixtures are registered in apps/conftest.py, so tests just name them):

    @pytest.mark.worker
    @pytest.mark.django_db(transaction=True)   # the worker reads what the test commits
    def test_something(celery_worker):
        result = celery_worker.send("cycles.tick_phases")
        assert result.get(timeout=10) == 1
        wait_for(lambda: ..., timeout=10)

    def test_killed_mid_batch(celery_worker_factory):
        worker = celery_worker_factory(visibility_timeout=2)
        worker.start()
        worker.send(...)
        worker.kill()                 # SIGKILL to the whole process group, no warm shutdown
        worker.start()                # unacknowledged tasks come back after the visibility timeout

A worker restored after a kill -9 gets its unacknowledged tasks back once `visibility_timeout`
seconds have passed since they were handed out; keep it longer than the longest task, as every
test worker on the Redis database requeues whatever has been out for longer.

`send()` returns an AsyncResult bound to the worker's result backend: `.get(timeout=…)` waits
for the task and re-raises its error (`propagate=False` to inspect it instead).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.result import AsyncResult
from django.conf import settings

from pmsys.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST = os.environ.get("PMSYS_TEST_WORKER_REDIS", "redis://127.0.0.1:6379")
REDIS_DB = int(os.environ.get("PMSYS_TEST_WORKER_REDIS_DB", "13"))
START_TIMEOUT = 30
_numbers = itertools.count(1)


def wait_for(condition, *, timeout: float = 10.0, interval: float = 0.05, message: str = ""):
    """Poll `condition` until it returns something truthy; return that, or fail the test."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(message or f"condition not met within {timeout} s")
        time.sleep(interval)


def _database_url() -> str:
    """The test database (pytest-django's name, with any xdist suffix) as a URL."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class CeleryWorker:
    """One worker process (or none, between kill and start) on a private queue."""

    def __init__(self, *, pool: str = "solo", concurrency: int = 1, visibility_timeout: int = 30, name: str = ""):
        database = settings.DATABASES["default"]["NAME"]
        number = next(_numbers)
        self.queue = f"pmsys-test.{database}.{os.getpid()}.{number}"
        self.hostname = f"{name or 'test'}-{os.getpid()}-{number}@pmsys"
        self.broker_url = f"{REDIS_HOST}/{REDIS_DB}"
        self.pool = pool
        self.concurrency = concurrency
        self.visibility_timeout = visibility_timeout
        self.process: subprocess.Popen | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
        self.log_path = Path(self._log.name)
        self._backend = None
        self._sent: list[str] = []
        self.database_url = _database_url()

    # --- The process --------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pmsys.settings.test",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_VISIBILITY_TIMEOUT": str(self.visibility_timeout),
            "PYTHONUNBUFFERED": "1",
        }

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pmsys",
            "worker",
            "--loglevel=info",
            f"--queues={self.queue}",
            f"--hostname={self.hostname}",
            f"--pool={self.pool}",
            f"--concurrency={self.concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]

    def start(self, timeout: float = START_TIMEOUT) -> CeleryWorker:
        """Start the worker and wait until it consumes its queue."""
        assert not self.alive, "the worker is running already"
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            self.command(),
            env=self.env(),
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            process_group=0,  # so kill() reaches the pool's children too
        )
        # Ready once its consumer runs: Celery logs "<hostname> ready." at that point. The
        # log is read from where this start began, so a restart waits for its own line.
        ready = f"{self.hostname} ready."
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.process.returncode}:\n{self.log_tail()}")
            if self._log_since(offset).count(ready):
                return self
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the Celery worker did not answer within {timeout} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """kill -9 the worker and its pool: no warm shutdown, tasks in flight stay unacknowledged."""
        self._signal(signal.SIGKILL)

    def stop(self, timeout: float = 10) -> None:
        """Warm shutdown: the task in hand finishes, then the worker exits."""
        if not self.alive:
            return
        self._signal(signal.SIGTERM, wait=timeout)
        if self.alive:
            self.kill()

    def restart(self) -> CeleryWorker:
        self.kill()
        return self.start()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _signal(self, sig, wait: float = 10) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=wait)
        if sig == signal.SIGKILL or not self.alive:
            # The group can outlive its leader (a pool child): make sure nothing is left.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def _log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    # --- Tasks ----------------------------------------------------------------------------

    @property
    def backend(self):
        if self._backend is None:
            from celery.backends.redis import RedisBackend

            self._backend = RedisBackend(app=celery_app, url=self.broker_url)
        return self._backend

    def send(self, name: str, args=(), kwargs=None, **options) -> AsyncResult:
        """Queue task `name` for this worker (running or not: it waits in the queue)."""
        with celery_app.connection_for_write(self.broker_url) as connection:
            # Declared here so a task sent while the worker is down is kept, not dropped.
            celery_app.amqp.queues[self.queue](connection.default_channel).declare()
            sent = celery_app.send_task(
                name, args=list(args), kwargs=kwargs or {}, queue=self.queue, connection=connection, **options
            )
        self._sent.append(sent.id)
        return AsyncResult(sent.id, backend=self.backend, app=celery_app)

    def queued(self) -> int:
        """How many messages wait in the queue (not counting those a worker holds)."""
        with celery_app.connection_for_write(self.broker_url) as connection:
            return connection.default_channel.client.llen(self.queue)

    def cleanup(self) -> None:
        self.kill()
        with celery_app.connection_for_write(self.broker_url) as connection:
            client = connection.default_channel.client
            # Tasks the killed worker held stay in the shared "unacked" hash; drop this
            # queue's, or a later worker would restore them into a queue nobody reads.
            for tag, payload in client.hscan_iter("unacked"):
                with contextlib.suppress(ValueError, IndexError):
                    if json.loads(payload)[2] == self.queue:
                        client.hdel("unacked", tag)
                        client.zrem("unacked_index", tag)
            # The queue, its routing entries and the results of what this test sent.
            client.delete(self.queue, f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}")
            if self._sent:
                client.delete(*(f"celery-task-meta-{task_id}" for task_id in self._sent))
        self._log.close()
        self.log_path.unlink(missing_ok=True)


@pytest.fixture
def celery_worker_factory(transactional_db):
    """Make workers (not started); each is killed and its queue removed after the test,
    before the test database is emptied."""
    made: list[CeleryWorker] = []

    def make(**options) -> CeleryWorker:
        worker = CeleryWorker(**options)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.cleanup()


@pytest.fixture
def celery_worker(celery_worker_factory) -> CeleryWorker:
    """A started worker: solo pool, one task at a time."""
    return celery_worker_factory().start()
