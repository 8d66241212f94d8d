import os

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, CACHES, DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One media folder per test database; processes the tests start (live server,
# worker) see the test database's name ("test_<name>"), the runner the plain
# one: both map to the same folder.
_db_name = DATABASES["default"]["NAME"]
MEDIA_ROOT = BASE_DIR / ".local" / "test-media" / _db_name.removeprefix("test_")
# Test runs never share cache keys with a running demo.
for _alias in CACHES.values():
    _alias["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "ttcs-test")
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The live test server serves static files straight from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests change units inside rolled-back transactions: no in-process host
# lookup cache, except in the test of that cache itself.
UNIT_LOOKUP_SECONDS = int(os.environ.get("UNIT_LOOKUP_SECONDS", "0"))

# Test traffic on a shared MQTT broker stays out of a running demo's topics
# (the retained presence of simulated devices would show there as unknown
# devices).
BROADCAST_TOPIC_ROOT = os.environ.get("BROADCAST_TOPIC_ROOT", "ttcs-test/v1")

# Tasks the tests queue without a worker never reach a running demo's worker
# (queue "ttcs"), which reads another database.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "ttcs-test")

# E-mail (report reminders sent by a real worker) lands in files the tests read.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = BASE_DIR / ".local" / "test-mail" / _db_name.removeprefix("test_")

# The local Web Push endpoint of the tests (tests/webpush_endpoint.py) listens
# on plain http on the loopback; one VAPID key per test database.
WEBPUSH_INSECURE_HOSTS = ["127.0.0.1"]
WEBPUSH_VAPID_KEY_FILE = str(
    BASE_DIR / ".local" / f"vapid-{_db_name.removeprefix('test_')}.pem"
)
