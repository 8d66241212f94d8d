"""Celery beat: read every active upstream CAP source."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="alerts.tasks.poll_cap_sources", ignore_result=True)
def poll_cap_sources():
    from .models import CapSource
    from .services import poll_source

    total = 0
    for source in CapSource.objects.filter(active=True).select_related("unit"):
        try:
            total += len(poll_source(source))
        except Exception:  # noqa: BLE001 - one broken source must not stop others
            logger.exception("CAP source %s failed", source.pk)
    return total
