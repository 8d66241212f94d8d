"""Background work of the tenants app.

Tasks that touch a unit's content are TenantTask (tenant-schemas-celery):
the schema is carried in the message headers and set before the task runs.
"""

from celery import shared_task
from django.core.cache import cache
from django.db import connection
from django.utils import timezone


@shared_task
def record_heartbeat():
    """Beat's proof of life: the status page reads it to show the worker runs."""
    now = timezone.now().isoformat()
    cache.set("platform:beat", now, timeout=600)
    return now


@shared_task
def current_schema(marker=None):
    """The schema the task ran in, and what its Site says (used by checks)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return {
        "schema": connection.schema_name,
        "hostname": site.hostname if site else None,
        "marker": marker,
    }
