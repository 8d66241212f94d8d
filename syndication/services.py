"""Public surface of syndication: building index rows and reading them.

Writers: ``index_page``/``remove_page`` run inside a unit's schema (the
Celery task calls them). Readers: ``portal_items`` (what a unit's portal
lists from the units below it), ``unit_items`` (one unit's own items) and
``subtree_items`` (a unit and everything below it, for the API).
"""

import logging

from django.db.models import Q
from django.utils import timezone

from tenants.services import current_unit

from .models import SyndicatedItem

logger = logging.getLogger(__name__)

IMAGE_RENDITION = "fill-640x360"


def is_syndicated(page):
    """A live page of a syndicated type (its class says ``syndicated``,
    cms.models.BasePage) whose editor left "syndicate" on."""
    return (
        getattr(page, "syndicated", False)
        and page.live
        and getattr(page, "syndicate", True)
        and not page.get_view_restrictions().exists()
    )


def _category(page):
    name = getattr(page, "category_name", "") or ""
    if name:
        return name
    parent = page.get_parent()
    return parent.title if parent and parent.depth > 2 else ""


def _image_url(page, root_url):
    image = getattr(page, "image", None)
    if image is None:
        return ""
    try:
        url = image.get_rendition(IMAGE_RENDITION).url
    except Exception:  # noqa: BLE001 - a missing file must not stop the row
        logger.warning("no rendition for page %s", page.pk, exc_info=True)
        return ""
    return url if url.startswith("http") else f"{root_url}{url}"


def _url_parts(page):
    """(root_url, path) of a live page, or None if no site serves it.

    Portals on other hosts show the link: it must be absolute and correct
    (never the internal ``/trang-chu-km/…`` tree path). A page without URL
    parts is retried once on fresh site root paths."""
    from wagtail.models import Site

    parts = page.get_url_parts()
    if parts is None:
        Site.clear_site_root_paths_cache()
        parts = type(page).objects.get(pk=page.pk).get_url_parts()
    if parts is None or not parts[1]:
        return None
    return parts[1], parts[2]


def row_for(page, parts=None):
    """The index row's fields for a page of the current unit."""
    root_url, path = parts or _url_parts(page)
    summary = getattr(page, "summary", "") or page.search_description or ""
    return {
        "page_type": page._meta.label_lower,
        "url": f"{root_url}{path}",
        "title": page.title,
        "summary": summary,
        "image_url": _image_url(page, root_url),
        "category": _category(page)[:255],
        "language": page.locale.language_code,
        "published_at": page.first_published_at
        or page.last_published_at
        or timezone.now(),
    }


def card_for(page):
    """``row_for`` of a live page, or None when no site serves it (the
    public API's article and announcement items)."""
    parts = _url_parts(page)
    return row_for(page, parts) if parts else None


def index_page(page_id):
    """Bring the index in line with one page of the current unit.

    Writes or updates the row when the page is live and syndicated, removes
    it otherwise (unpublished, deleted, moved under a restriction, switched
    off). Returns the row or None.
    """
    from wagtail.models import Page

    unit = current_unit()
    if unit is None:
        return None
    page = Page.objects.filter(pk=page_id).first()
    page = page.specific if page is not None else None
    parts = _url_parts(page) if page is not None and is_syndicated(page) else None
    if parts is None:
        if page is not None and is_syndicated(page):
            logger.warning("page %s has no public URL: not syndicated", page_id)
        remove_page(unit, page_id)
        return None
    item, _ = SyndicatedItem.objects.update_or_create(
        unit=unit,
        page_id=page_id,
        defaults={"unit_path": unit.path, **row_for(page, parts)},
    )
    retire_portal_pages(unit)
    return item


def remove_page(unit, page_id):
    removed = SyndicatedItem.objects.filter(unit=unit, page_id=page_id).delete()[0]
    if removed:
        retire_portal_pages(unit)
    return removed


def retire_portal_pages(unit):
    """The portals above ``unit`` list its items ("Tin từ cơ sở" on their
    home pages): their cached pages retire when an item comes, changes or
    goes, as the unit's own do when it publishes."""
    from django_tenants.utils import schema_context

    from cms.cache import invalidate_unit_pages

    for portal in unit.ancestors():
        with schema_context(portal.schema_name):
            invalidate_unit_pages()


# --- reading ------------------------------------------------------------------


def _base():
    return SyndicatedItem.objects.select_related("unit")


def portal_items(unit=None):
    """Items of the units below ``unit`` (all units on the platform)."""
    if unit is None:
        return _base().all()
    return _base().filter(unit_path__startswith=unit.path + "/")


def unit_items(unit):
    return _base().filter(unit=unit)


def subtree_items(unit):
    return _base().filter(Q(unit=unit) | Q(unit_path__startswith=unit.path + "/"))


def filter_items(queryset, *, unit_code=None, category=None, since=None):
    """Filters the portal list, the feeds and the API share."""
    if unit_code:
        queryset = queryset.filter(
            Q(unit__code=unit_code) | Q(unit_path__contains=f"/{unit_code}/")
        )
    if category:
        queryset = queryset.filter(category__iexact=category)
    if since:
        queryset = queryset.filter(updated_at__gte=since)
    return queryset


def categories(queryset):
    return sorted(
        {c for c in queryset.values_list("category", flat=True).distinct() if c}
    )
