"""Production: every secret and host comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import INSECURE_SECRET_KEY, env_bool

# Refuse to start rather than run insecurely.
if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is on: production never runs with DEBUG (tracebacks and "
        "settings would be shown to anyone). Unset it."
    )
DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if (
    SECRET_KEY in (INSECURE_SECRET_KEY, "")
    or SECRET_KEY.startswith("change-me")
    or len(SECRET_KEY) < 40
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is missing, the repository's default, the example's "
        "placeholder or shorter than 40 characters. Generate one with "
        "`python scripts/secret_key.py deploy/secret_key` and put it in deploy/.env."
    )
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The shipped Caddy (deploy/Caddyfile) is the one proxy in front of gunicorn:
# rate limits and log-in lockouts count the address it forwards.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
