"""Settings shared by every environment. Everything that differs between machines is
read from the environment; see README.md for the variables."""

from pathlib import Path

import dj_database_url

from .env import email_settings_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "guardian",
    "axes",
    "apps.accounts",
    "apps.tenancy",
    "apps.people",
    "apps.goals",
    "apps.cycles",
    "apps.notifications",
    "apps.committees",
    "apps.appeals",
    "apps.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.accounts.middleware.InactivityTimeoutMiddleware",
    "apps.tenancy.middleware.TenantMiddleware",
    # Axes goes last so it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pmsys.urls"
WSGI_APPLICATION = "pmsys.wsgi.application"
ASGI_APPLICATION = "pmsys.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.tenancy.context_processors.tenant",
            ],
        },
    },
]
# Common widgets built in Python to the HTML of Django's templates (apps/common/form_renderer.py).
FORM_RENDERER = "apps.common.form_renderer.FastWidgetRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pmsys"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.CachedModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "tenancy:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after this much inactivity; the middleware refreshes the expiry on use.
SESSION_INACTIVITY_TIMEOUT = env_int("SESSION_INACTIVITY_TIMEOUT", 30 * 60)
SESSION_COOKIE_AGE = SESSION_INACTIVITY_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Read from Redis, written to both: every signed-in request reads its session, few write it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Login throttling: lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"

# django-guardian: object grants are always tenant-scoped by our code; no anonymous user.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: CSV imports of 10,000 people fit comfortably; anything far larger is refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "pmsys"),
    }
}
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Moves cycles whose phase has ended. Deadlines live in the database, not in the broker:
    # a tick that finds its worker down expires, and the next live tick catches up.
    "cycles.tick_phases": {"task": "cycles.tick_phases", "schedule": 60.0, "options": {"expires": 55}},
    # Deadline reminders: each organisation swept by its own task; a missed tick loses nothing
    # (what is due stays due until the log holds it).
    "notifications.sweep_reminders": {
        "task": "notifications.sweep_reminders",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Appeals: remind once whoever owes the appeal board written comments when they fall due.
    "appeals.remind_comments_tick": {
        "task": "appeals.remind_comments_tick",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Improvement plans: remind once whoever leads a plan when its review date comes.
    "cycles.remind_plan_reviews_tick": {
        "task": "cycles.remind_plan_reviews_tick",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
}
# The reminder sweep writes this many log rows (and their notifications) per transaction, and
# may pause between batches (seconds) to leave the database room for people's requests.
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 2000)
REMINDER_BATCH_PAUSE_SECONDS = float(env_str("REMINDER_BATCH_PAUSE_SECONDS", "0"))

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pmsys <no-reply@pmsys.local>")
# Where people reach the site: e-mail links are absolute (no request to take the host from).
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
globals().update(email_settings_from_url(env_str("EMAIL_URL", "console://")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Pagination size of people lists.
PEOPLE_PAGE_SIZE = 25
