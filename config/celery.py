"""The Celery app. Tasks carry the schema they were queued in
(tenant-schemas-celery puts it in the message headers) and run there."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("ttcs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
