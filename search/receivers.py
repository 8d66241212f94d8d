"""Keep the index in step with Wagtail: publish, unpublish, delete.

Work is queued after the transaction commits, so the worker sees the page;
``SEARCH_INDEX_SYNC = True`` runs it inline instead (a demo without a
worker).
"""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from . import tasks

logger = logging.getLogger(__name__)


def _on_unit():
    """True on a real unit's schema.

    Not on the platform, and not on the template schema migrate_schemas
    fills before any unit exists (a task queued there would fail in the
    worker with "Unit matching query does not exist").
    """
    schema = connection.schema_name
    if schema in (None, get_public_schema_name(), settings.TENANT_BASE_SCHEMA):
        return False
    from tenants.models import Unit

    return Unit.objects.filter(schema_name=schema).exists()


def _queue(task, *args):
    # The commit may happen after the request left the unit's schema: the
    # schema is taken now and restored when the work is queued.
    schema = connection.schema_name
    inline = settings.SEARCH_INDEX_SYNC

    def run():
        try:
            with schema_context(schema):
                task(*args) if inline else task.delay(*args)
        except Exception:  # noqa: BLE001 - publishing must never fail on this
            # The page is saved; `manage.py reindex` repairs the index later.
            logger.exception("search: could not queue %s%r", task.name, args)

    transaction.on_commit(run)


@receiver(page_published)
def page_was_published(sender, instance, **kwargs):
    if _on_unit():
        _queue(tasks.index_page, instance.pk)


@receiver(page_unpublished)
def page_was_unpublished(sender, instance, **kwargs):
    if _on_unit():
        _queue(tasks.remove_page, instance.pk)


@receiver(post_delete)
def page_was_deleted(sender, instance, **kwargs):
    # Multi-table inheritance sends this for the specific class and Page;
    # react once, on the base row.
    if sender is Page and _on_unit():
        _queue(tasks.remove_page, instance.pk)


@receiver(post_save, sender=get_document_model())
def document_was_saved(sender, instance, **kwargs):
    if _on_unit():
        _queue(tasks.index_wagtail_document, instance.pk)


@receiver(post_delete, sender=get_document_model())
def document_was_deleted(sender, instance, **kwargs):
    if _on_unit():
        _queue(tasks.remove_wagtail_document, instance.pk)
