"""Keep the index in step with Wagtail: publish, unpublish, delete.

Work is queued for the page's unit after the transaction commits
(``base.tasks.enqueue_on_commit``), so the worker sees the page;
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
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from base.tasks import enqueue_on_commit

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
    """The page is saved whatever happens here; ``manage.py reindex``
    repairs an index that missed it."""
    if not settings.SEARCH_INDEX_SYNC:
        enqueue_on_commit(task, *args)
        return
    # Inline: the commit may happen after the request left the unit's
    # schema, so the schema is taken now.
    schema = connection.schema_name

    def run():
        try:
            with schema_context(schema):
                task(*args)
        except Exception:  # noqa: BLE001 - publishing must never fail on this
            logger.exception("search: could not index %s%r", task.name, args)

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


# Privacy takes effect at once: a page given (or relieved of) a view
# restriction is reindexed with everything below it, and so is every
# document of a collection whose privacy changes (page_document and
# document_document leave private ones out).


def _reindex_subtree(page):
    for page_id in page.get_descendants(inclusive=True).values_list("pk", flat=True):
        _queue(tasks.index_page, page_id)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def page_privacy_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None and _on_unit():
        _reindex_subtree(page)


@receiver(post_page_move)
def page_was_moved(sender, instance, **kwargs):
    # Moved under (or out of) a private section: its privacy changed.
    if _on_unit():
        _reindex_subtree(instance)


@receiver(post_save, sender=CollectionViewRestriction)
@receiver(post_delete, sender=CollectionViewRestriction)
def collection_privacy_changed(sender, instance, **kwargs):
    if not _on_unit():
        return
    from wagtail.models import Collection

    collection = Collection.objects.filter(pk=instance.collection_id).first()
    if collection is None:
        return
    collections = collection.get_descendants(inclusive=True)
    documents = get_document_model().objects.filter(collection__in=collections)
    for document_id in documents.values_list("pk", flat=True):
        _queue(tasks.index_wagtail_document, document_id)
