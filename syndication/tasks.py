"""Background work of syndication.

``sync_page`` is queued from the unit's schema (Wagtail's page signals) and
runs there: tenant-schemas-celery carries the schema in the headers.
"""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=5, default_retry_delay=5)
def sync_page(self, page_id):
    """Write, update or remove the index row of one page of the current unit."""
    try:
        item = services.index_page(page_id)
    except Exception as exc:  # noqa: BLE001 - retried, then logged by Celery
        raise self.retry(exc=exc)
    return item.pk if item else None
