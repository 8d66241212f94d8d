"""System checks of the tenant set-up (``manage.py check``), Wagtail style."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

MAKE_KEY = "django_tenants.cache.make_key"


def _is_make_key(value):
    if value is None:
        return False
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError:
            return False
    return value is import_string(MAKE_KEY)


@register(Tags.caches)
def check_cache_keys_carry_the_schema(app_configs=None, **kwargs):
    """tenants.E001: without django-tenants' make_key a cached page, rendition
    or site root of one unit is served on another unit's host."""
    return [
        Error(
            f"The cache alias {alias!r} does not use django-tenants' make_key.",
            hint=f'Set CACHES[{alias!r}]["KEY_FUNCTION"] = "{MAKE_KEY}".',
            obj=f"CACHES[{alias!r}]",
            id="tenants.E001",
        )
        for alias, options in settings.CACHES.items()
        if not _is_make_key(options.get("KEY_FUNCTION"))
    ]


@register(Tags.security)
def check_cookies_stay_on_one_host(app_configs=None, **kwargs):
    """tenants.E002: users live in each unit's schema; a cookie shared by
    sibling hosts would carry one unit's session to another."""
    return [
        Error(
            f"{name} is {getattr(settings, name)!r}: a login would reach every "
            "unit under that domain.",
            hint=f"Leave {name} = None (host-only cookies).",
            obj=name,
            id="tenants.E002",
        )
        for name in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN")
        if getattr(settings, name)
    ]
