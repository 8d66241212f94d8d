"""Per-unit page cache for anonymous readers.

Pages are cached whole in the default cache, whose keys carry the schema
(django-tenants' ``make_key``), so one unit never serves another's page.
Every stored page also carries the unit's live emergency bulletins
(``bulletins.emergency.page_token``: the banner on every page) and its
*generation*, and is served only while both are still the unit's:
publishing, unpublishing, moving or deleting a page, or changing a setting
or snippet a page shows, bumps the generation and so retires every cached
page of that unit at once (a section lists its children, the home page lists
the latest items, so a single publish can change many pages).
"""

import contextlib
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import translation
from django_tenants.utils import schema_context

from base.middleware import has_bad_input

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


def request_language(request):
    """The language ``LocaleMiddleware`` will activate: the path's prefix
    (/km/, /en/), else Vietnamese (config/urls_tenant.py: ``i18n_patterns``
    without a prefix for the default language, so nothing else counts)."""
    return translation.get_language_from_path(request.path_info) or (
        settings.LANGUAGE_CODE
    )


def page_key(request):
    raw = "|".join(
        [
            request.get_host(),
            request.path,
            cacheable_query(request) or "",
            request_language(request),
        ]
    )
    return f"cms:page:{hashlib.sha1(raw.encode()).hexdigest()}"


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


@contextlib.contextmanager
def _read(keys):
    """{key: value} of ``keys`` in one round trip, kept for the request
    (base.cache.redis) so later reads of them cost nothing."""
    kept = getattr(cache, "kept", None)
    if kept is None:
        yield cache.get_many(keys)
        return
    with kept(keys) as found:
        yield found


# Response headers a stored page does not repeat.
NOT_STORED_HEADERS = {"set-cookie", "x-page-cache"}


class PageCacheMiddleware:
    """Answer a reader's GET from the unit's page cache right after the host
    lookup, with one Redis round trip: the unit's generation, its live
    emergencies and the page are read together. A page is stored as it left
    the whole middleware stack (security, policy and language headers
    included), so a hit skips that stack and is sent byte for byte the same.

    Every key of the unit (``make_key`` adds its schema) holds
    ``(generation, emergency token, status, headers, content)``: a page of
    an older generation or token is a miss, rendered again and stored over
    it. Which pages may be stored is the page's call
    (``CachedPageMixin.serve``); this middleware only stores what it marks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        unit = getattr(request, "tenant", None)
        if unit is None or unit.schema_name == "public":
            return self.get_response(request)
        from bulletins.emergency import KEY as EMERGENCY_KEY
        from bulletins.emergency import page_token

        key = None
        if is_cacheable_request(request) and not has_bad_input(request):
            key = page_key(request)
        with _read([GENERATION_KEY, EMERGENCY_KEY, *([key] if key else [])]) as found:
            # The unit memo (cms.memo) and the templates read these again.
            request.cms_generation = found.get(GENERATION_KEY) or current_generation()
            if key is not None:
                stored = found.get(key)
                if (
                    stored is not None
                    and stored[0] == request.cms_generation
                    and stored[1] == page_token(unit)
                ):
                    return _stored_response(stored)
                request.cms_page_key = key
            response = self.get_response(request)
            if key is not None and getattr(response, "cms_cacheable", None):
                _store(request, response, key, page_token(unit))
            return response


def _stored_response(stored):
    _generation, _token, status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


def _store(request, response, key, token):
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.streaming
        or response.cookies
        # Rendered in another language than the key says (never, while
        # LocaleMiddleware reads the language from the path alone).
        or response.cms_cacheable != request_language(request)
        # A nonce is new on every response: such a policy cannot be stored.
        or isinstance(getattr(request, "_csp_nonce", None), str)
    ):
        return
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in NOT_STORED_HEADERS
    ]
    cache.set(
        key,
        (request.cms_generation, token, 200, headers, response.content),
        page_cache_timeout(),
    )


class CachedPageMixin:
    """Anonymous GETs of these pages are stored in the per-unit cache (set
    ``cacheable=False`` on pages that carry per-visitor content such as a
    CSRF token)."""

    cacheable = True

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # A private page (privacy on it or above it) is never stored: the
        # middleware would hand it out before Wagtail checks the restriction.
        if (
            getattr(request, "cms_page_key", None)
            and self.cacheable
            and is_cacheable_request(request)
            and response.status_code == 200
            and not self.get_view_restrictions().exists()
        ):
            # PageCacheMiddleware stores it on its way out.
            response.cms_cacheable = translation.get_language()
            response["X-Page-Cache"] = "miss"
        return response
