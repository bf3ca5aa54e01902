"""Development settings: `make run` uses these."""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_str

DEBUG = True
ALLOWED_HOSTS = ["*"]
if env_str("EMAIL_URL") is None:
    # Password-reset mail lands in var/mail/ so a developer can open it.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
