"""What every page of a unit reads and no request changes, kept in the web
process: the unit's Wagtail ``Site``, its locales, its ``ThemeSettings``,
its menu and its home page's lists (``memo_until`` for those that also
change with the clock: the next events).

An uncached page used to read them from the database (and Wagtail's site
root paths from Redis) on every request: a third of its queries. They change
only when an editor saves them, and every such save bumps the unit's page-
cache *generation* (``cms.cache.invalidate_unit_pages``: publish, unpublish,
move, delete, a setting, a snippet, a site or a locale).
``UnitMemoMiddleware`` reads the generation once per request (one Redis GET)
and the memo of the unit is kept only while the generation is the same, at
most ``CMS_UNIT_MEMO_SECONDS``, for the ``CMS_UNIT_MEMO_UNITS`` units served
last. So a save in one process is seen by every other process at its next
request.

Outside a request (tasks, commands, the shell) nothing is memoised. Model
instances are returned as copies: a caller that changes one, such as an
admin form bound to the settings, never changes the memo. Lists (the menu,
the language links, Wagtail's site root paths) are new lists of shared,
read-only items.
"""

import contextvars
import copy
import time
from collections import OrderedDict

from django.conf import settings
from django.db import connection

_generation = contextvars.ContextVar("cms_unit_generation", default=None)
_units = OrderedDict()  # schema -> (generation, expires, {key: value})


def _copy(value):
    # A list (a menu, language links) is the caller's own; its items are
    # shared and read only (templates).
    if isinstance(value, list):
        return list(value)
    return copy.copy(value)


def memo(key, build, *, store_none=True):
    """``build()``, or its value for this unit from an earlier request of
    the same generation (a None is built again each time unless
    ``store_none``)."""
    generation = _generation.get()
    schema = connection.schema_name
    if generation is None or schema == "public":
        return build()
    now = time.monotonic()
    entry = _units.get(schema)
    if entry is None or entry[0] != generation or entry[1] < now:
        entry = (generation, now + settings.CMS_UNIT_MEMO_SECONDS, {})
        _units[schema] = entry
        while len(_units) > settings.CMS_UNIT_MEMO_UNITS:
            _units.popitem(last=False)
    _units.move_to_end(schema)
    values = entry[2]
    if key not in values:
        value = build()
        if value is None and not store_none:
            return None
        values[key] = value
    return _copy(values[key])


def memo_until(key, build):
    """Like ``memo``, for a value that also changes with time by itself:
    ``build()`` returns ``(value, until)``, and the value is built again once
    the clock passes ``until`` (an aware datetime; None: never by itself)."""
    from django.utils import timezone

    key = ("until", *key)
    value, until = memo(key, build)
    if until is not None and timezone.now() >= until:
        _forget(key)
        value, until = memo(key, build)
    return _copy(value)


def _forget(key):
    entry = _units.get(connection.schema_name)
    if entry is not None:
        entry[2].pop(key, None)


def clear():
    _units.clear()


class UnitMemoMiddleware:
    """Turns the memo on for a request to a unit's host, and gives Wagtail
    the unit's ``Site`` from it (``Site.find_for_request`` reads
    ``request._wagtail_site`` first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        unit = getattr(request, "tenant", None)
        if unit is None or unit.schema_name == "public":
            return self.get_response(request)
        from wagtail.models import Site

        from .cache import current_generation

        # Read already with the page cache's one round trip (cms.cache).
        if getattr(request, "cms_generation", None) is None:
            request.cms_generation = current_generation()
        token = _generation.set(request.cms_generation)
        try:
            site = memo(("site", *_host_port(request)), lambda: _site(request))
            if site is not None:
                request._wagtail_site = _fresh(site)
            # Every page link reads Wagtail's site root paths (memoised by
            # install() below).
            request._wagtail_cached_site_root_paths = Site.get_site_root_paths()
            return self.get_response(request)
        finally:
            _generation.reset(token)


def _host_port(request):
    from django.http.request import split_domain_port

    return split_domain_port(request._get_raw_host())[0], request.get_port()


def _site(request):
    """The unit's Site with its root page, specific, as Wagtail's router
    reads it (``site.root_page.localized.specific``)."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is not None and site.root_page is not None:
        site.root_page.specific  # noqa: B018 - cached on the root page
    return site


def _fresh(site):
    """A copy of the memoised site whose root page (and its specific page)
    are this request's own objects."""
    root = site._state.fields_cache.get("root_page")
    if root is not None:
        root = copy.copy(root)
        if "specific" in root.__dict__:
            root.__dict__["specific"] = copy.copy(root.__dict__["specific"])
        site._state.fields_cache["root_page"] = root
    return site


def install():
    """Memoise Wagtail's locale look-ups (``Locale.get_active()`` runs
    several times per page: routing, the menu, the language switcher) and
    its site root paths (every page link reads them, from Redis, once per
    request, or on every call without a request: ``page.full_url``); they
    change with a Site or a home page, which bump the generation."""
    from wagtail.models import Site
    from wagtail.models.i18n import LocaleManager

    if getattr(LocaleManager.get_for_language, "memoised", False):
        return
    original = LocaleManager.get_for_language

    def get_for_language(self, language_code):
        return memo(("locale", language_code), lambda: original(self, language_code))

    get_for_language.memoised = True
    LocaleManager.get_for_language = get_for_language

    root_paths = Site.get_site_root_paths
    clear_root_paths = Site.clear_site_root_paths_cache

    def get_site_root_paths():
        return memo(("root-paths",), root_paths)

    def clear_site_root_paths_cache():
        _forget(("root-paths",))
        clear_root_paths()

    Site.get_site_root_paths = staticmethod(get_site_root_paths)
    Site.clear_site_root_paths_cache = staticmethod(clear_site_root_paths_cache)
