"""Test settings: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

import os
import secrets

from .base import *  # noqa: F403
from .env import env_int, env_str

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # One prefix per test run, inherited by the Celery workers the tests start: a run's
        # rolled-back rows reuse ids of an earlier run's, whose cached values must not be found.
        "KEY_PREFIX": os.environ.setdefault("PMSYS_TEST_CACHE_PREFIX", f"pmsys-test-{secrets.token_hex(6)}"),
    }
}
AXES_ENABLED = True

# A worker started by the tests (apps/tests_support/celery_worker.py) gets its own queue, so it
# never takes tasks other tests or other test runs queue, and a short visibility timeout, so a
# task of a worker killed with -9 is handed out again within seconds after a restart.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
