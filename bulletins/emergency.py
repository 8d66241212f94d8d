"""Which emergency bulletins are live for a unit, cheaply and cache-safely.

The site-wide "Thông báo khẩn" banner of a unit's pages shows every sent,
not withdrawn emergency bulletin the unit sent or received whose validity
window holds now. The answer is kept in the unit's cache until the next
moment it can change by itself (a ``valid_from`` or ``valid_until``
reached) and forgotten at once when a bulletin is sent to the unit or
withdrawn (receivers below). ``cms.cache`` puts the answer's token in
every page-cache key, so cached pages retire when an emergency starts or
ends, without a query per cached hit.
"""

import time

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from base.choices import Priority

from .choices import BulletinStatus

KEY = "bulletins:emergency:live"
LONGEST = 300  # seconds an answer is kept when nothing is due to change


def _compute(unit):
    from .models import Bulletin

    now = timezone.now()
    rows = (
        Bulletin.objects.filter(priority=Priority.EMERGENCY, status=BulletinStatus.SENT)
        .filter(Q(sender_unit=unit) | Q(deliveries__unit=unit))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values_list("pk", "valid_from", "valid_until")
        .distinct()
    )
    live, changes = [], []
    for pk, valid_from, valid_until in rows:
        if valid_from and valid_from > now:
            changes.append(valid_from)
            continue
        live.append(pk)
        if valid_until:
            changes.append(valid_until)
    timeout = LONGEST
    if changes:
        timeout = max(1, min(LONGEST, int((min(changes) - now).total_seconds()) + 1))
    return sorted(live), timeout


def live_ids(unit):
    """Primary keys of the emergency bulletins live for ``unit`` now."""
    if unit is None or getattr(unit, "schema_name", "public") == "public":
        return []
    hit = cache.get(KEY)
    if hit is not None and hit["until"] > time.time():
        return hit["ids"]
    ids, timeout = _compute(unit)
    cache.set(KEY, {"ids": ids, "until": time.time() + timeout}, timeout)
    return ids


def page_token(unit):
    """A short string that changes whenever the unit's live emergencies do."""
    ids = live_ids(unit)
    return "e" + "-".join(str(pk) for pk in ids) if ids else "e0"


def live_bulletins(unit):
    from .models import Bulletin

    ids = live_ids(unit)
    if not ids:
        return []
    return list(Bulletin.objects.filter(pk__in=ids).order_by("-valid_from"))


def forget(units):
    """Drop the kept answer of each unit (its pages' cache keys change)."""
    for unit in units:
        if unit is None or unit.schema_name == "public":
            continue
        with schema_context(unit.schema_name):
            cache.delete(KEY)


def delivery_changed(sender, delivery, new_status, **kwargs):
    # No query here (fan-out sends one per delivery): a non-emergency
    # delivery only costs the unit one recomputation, with the same token.
    if new_status == "sent":
        forget([delivery.unit])


def status_changed(sender, bulletin, **kwargs):
    if not bulletin.is_emergency:
        return
    from tenants.models import Unit

    units = Unit.objects.filter(
        Q(pk=bulletin.sender_unit_id) | Q(bulletin_deliveries__bulletin=bulletin)
    ).distinct()
    forget(units)
