"""Host → unit routing with the lookup kept in memory for a short while.

django-tenants' middleware reads Domain and Unit from the database on every
request; with the page cache answering a cached page in a few milliseconds
that query is a large share of the time. The mapping changes only when a
unit is provisioned or renamed, so each process keeps it (with the unit
above it, which every page names) for ``UNIT_LOOKUP_SECONDS`` (default 30)
and drops it at once on its own saves.
"""

import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tenants.middleware.main import TenantMainMiddleware

from .models import Domain, Unit

_lookup = {}


def clear_lookup(**kwargs):
    _lookup.clear()


for _model in (Domain, Unit):
    receiver(post_save, sender=_model, dispatch_uid=f"unit-lookup-{_model.__name__}-s")(
        clear_lookup
    )
    receiver(
        post_delete, sender=_model, dispatch_uid=f"unit-lookup-{_model.__name__}-d"
    )(clear_lookup)


class UnitMainMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model, hostname):
        ttl = settings.UNIT_LOOKUP_SECONDS
        now = time.monotonic()
        cached = _lookup.get(hostname)
        if cached is not None and cached[0] > now:
            # A fresh copy: the middleware sets attributes on it per request.
            return _copy(cached[1])
        tenant = super().get_tenant(domain_model, hostname)
        # Every page shows the unit above (footer, identity): read with it.
        tenant.parent  # noqa: B018 - cached on the unit
        if ttl > 0:
            _lookup[hostname] = (now + ttl, tenant)
        return tenant


def _copy(unit):
    fresh = unit.__class__.from_db(
        "default",
        [f.attname for f in unit._meta.concrete_fields],
        [getattr(unit, f.attname) for f in unit._meta.concrete_fields],
    )
    parent = unit._state.fields_cache.get("parent")
    if parent is not None:
        fresh._state.fields_cache["parent"] = _copy(parent)
    return fresh
