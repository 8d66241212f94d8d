"""The Celery app. Tasks carry the schema they were queued in
(tenant-schemas-celery puts it in the message headers) and run there."""

import gc
import os

from celery.signals import worker_process_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("ttcs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def freeze_startup_objects(**kwargs):
    """Django, the apps and what the worker loaded live as long as the
    process: out of the collector's reach, a full collection during the
    publish of 5,000 copies walks only the task's own objects."""
    gc.freeze()
