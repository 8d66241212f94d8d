"""Wagtail's page signals → the syndication task, after the commit.

Queued on commit so the worker sees the published revision. Pages of the
platform (public schema) are never syndicated.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from tenants.services import current_unit

logger = logging.getLogger(__name__)


def queue_sync(page_id):
    if current_unit() is None:
        return

    def send():
        from .tasks import sync_page

        try:
            sync_page.delay(page_id)
        except Exception:  # noqa: BLE001 - the broker is down: log, don't break
            logger.exception("could not queue syndication of page %s", page_id)

    transaction.on_commit(send)


@receiver(page_published)
def on_published(sender, instance, **kwargs):
    queue_sync(instance.pk)


@receiver(page_unpublished)
def on_unpublished(sender, instance, **kwargs):
    queue_sync(instance.pk)


@receiver(post_page_move)
def on_moved(sender, instance, **kwargs):
    queue_sync(instance.pk)


@receiver(page_slug_changed)
def on_slug_changed(sender, instance, **kwargs):
    queue_sync(instance.pk)


@receiver(post_delete)
def on_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        queue_sync(instance.pk)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def on_privacy_changed(sender, instance, **kwargs):
    """A page made private leaves the portals, feeds and API at once (and
    comes back when made public again), with every page below it."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None or current_unit() is None:
        return
    for page_id in page.get_descendants(inclusive=True).values_list("pk", flat=True):
        queue_sync(page_id)
