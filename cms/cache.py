"""Per-unit page cache for anonymous readers.

Pages are cached whole in the default cache, whose keys carry the schema
(django-tenants' ``make_key``), so one unit never serves another's page.
Every key also carries the unit's live emergency bulletins
(``bulletins.emergency.page_token``: the banner on every page) and its
*generation*: publishing, unpublishing,
moving or deleting a page, or changing a setting or snippet a page shows,
bumps the generation and so retires every cached page of that unit at once
(a section lists its children, the home page lists the latest items, so a
single publish can change many pages).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import translation
from django_tenants.utils import schema_context

GENERATION_KEY = "cms:page-cache:generation"


def page_cache_timeout():
    return settings.CMS_PAGE_CACHE_TIMEOUT


def _fresh_generation():
    # Starts from the clock, so a generation key lost from Redis (eviction,
    # restart) never brings back a number whose pages are still cached.
    return time.time_ns() // 1000


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY) or _fresh_generation()
    return generation


def invalidate_unit_pages(**kwargs):
    """Retire every cached page of the current unit (signal receiver too)."""
    if kwargs.get("created") and getattr(kwargs.get("sender"), "__name__", "") == (
        "ThemeSettings"
    ):
        return
    _bump()
    if connection.in_atomic_block:
        # Again once committed: a request between the first bump and the
        # commit reads the old rows and keeps them (page, unit memo) under
        # the new generation.
        schema = connection.schema_name

        def bump_committed():
            with schema_context(schema):
                _bump()

        transaction.on_commit(bump_committed)


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)


# The only query parameter a cached page varies on: listings' paging. A
# request with any other parameter is served fresh and never stored, so
# arbitrary query strings cannot fill the cache with page copies.
CACHED_PAGE_PARAM = "page"
MAX_CACHED_PAGE = 1000


def cacheable_query(request):
    """The canonical query of a cacheable request ("" or "page=N"), or None
    when the query string has anything else."""
    if not request.GET:
        return ""
    if set(request.GET) != {CACHED_PAGE_PARAM}:
        return None
    values = request.GET.getlist(CACHED_PAGE_PARAM)
    if len(values) != 1 or not values[0].isdigit():
        return None
    number = int(values[0])
    return f"page={number}" if 0 < number <= MAX_CACHED_PAGE else None


def cache_key(request):
    raw = "|".join(
        [
            request.get_host(),
            request.path,
            cacheable_query(request) or "",
            translation.get_language() or "",
        ]
    )
    digest = hashlib.sha1(raw.encode()).hexdigest()
    # Every page carries the site-wide emergency banner: a bulletin going
    # live or ending changes the token, so the cached pages retire with it.
    from bulletins.emergency import page_token

    unit = getattr(request, "tenant", None)
    generation = getattr(request, "cms_generation", None) or current_generation()
    return f"cms:page:{generation}:{page_token(unit)}:{digest}"


def is_cacheable_request(request):
    if not settings.CMS_PAGE_CACHE:
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "is_preview", False):
        return False
    if cacheable_query(request) is None:
        return False
    # Staff carry a session cookie; readers do not.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def cached_response(request):
    hit = cache.get(cache_key(request))
    if hit is None:
        return None
    content, content_type = hit
    response = HttpResponse(content, content_type=content_type)
    response["X-Page-Cache"] = "hit"
    # Middleware further in (clickjacking) does not see this response.
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


class PageCacheMiddleware:
    """Answer a reader's GET from the unit's page cache before routing,
    sessions and auth run (pages are stored by ``CachedPageMixin.serve``).
    Sits after the tenant and locale middleware: the key needs both."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "tenant", None) is not None and (
            request.tenant.schema_name != "public"
        ):
            if is_cacheable_request(request):
                response = cached_response(request)
                if response is not None:
                    return response
        return self.get_response(request)


class CachedPageMixin:
    """Serve anonymous GETs from the per-unit cache (set ``cacheable=False``
    on pages that carry per-visitor content such as a CSRF token)."""

    cacheable = True

    def serve(self, request, *args, **kwargs):
        # A private page (privacy on it or above it) is never stored: the
        # middleware would hand it out before Wagtail checks the restriction.
        if not (
            self.cacheable
            and is_cacheable_request(request)
            and not self.get_view_restrictions().exists()
        ):
            return super().serve(request, *args, **kwargs)
        hit = cached_response(request)
        if hit is not None:
            return hit
        key = cache_key(request)
        response = super().serve(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if response.status_code == 200 and not response.cookies:
            cache.set(
                key,
                (response.content, response["Content-Type"]),
                page_cache_timeout(),
            )
            response["X-Page-Cache"] = "miss"
        return response
