"""Wagtail's page signals → the syndication task, after the commit.

Queued on commit for the page's unit (``base.tasks.enqueue_on_commit``
takes the schema now, not when an outer transaction commits), so the
worker sees the published revision in the right unit. Pages of the
platform (public schema) are never syndicated.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from base.tasks import enqueue_on_commit
from tenants.services import current_unit

from .tasks import sync_page


def queue_sync(page_id):
    if current_unit() is None:
        return
    enqueue_on_commit(sync_page, page_id)


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


@receiver(post_save)
def on_saved_not_live(sender, instance, **kwargs):
    """A page saved as not live while it is still on the portals (a stale
    save raced a publish, or live was switched off without the unpublish
    signal) leaves them: the portals never link to a page that is a 404."""
    if not isinstance(instance, Page) or instance.live:
        return
    unit = current_unit()
    if unit is None:
        return
    from .models import SyndicatedItem

    if SyndicatedItem.objects.filter(unit=unit, page_id=instance.pk).exists():
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
