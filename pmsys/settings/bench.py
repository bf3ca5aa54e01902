"""Settings for `make bench` only: production, with the HTTPS-only parts relaxed, because the
benchmark drives gunicorn over plain HTTP on loopback (no TLS proxy in front) and its in-process
client has no TLS either. Everything else — DEBUG off, templates, caches, middleware, static
files through whitenoise's manifest, persistent connections — is production's, so the figures
are production's."""

from .production import *  # noqa: F403
from .production import ALLOWED_HOSTS

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Django's test Client (the in-process page timings) calls itself "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
