"""The citizen app's public surface for other apps: subscribing a phone to a
unit's alerts, and pushing a bulletin or an announcement to the phones that
asked for it.

Nothing is pushed without the citizen's choice: only subscriptions made by
the "Nhận cảnh báo" button exist, and only emergency and priority bulletins
(``PUSHED_PRIORITIES``) and announcements a unit marked for push are sent.
"""

import base64
import binascii
import ipaddress
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from base.choices import Priority
from tenants.models import Unit

from . import vapid, webpush
from .models import PushMessage, PushSubscription

logger = logging.getLogger(__name__)

PUSHED_PRIORITIES = (Priority.EMERGENCY, Priority.PRIORITY)
URGENCY = {Priority.EMERGENCY: "high", Priority.PRIORITY: "normal"}
# The notification's first line, in the language the citizen subscribed in
# (the unit's name stays Vietnamese, as on the site).
HEADINGS = {
    "vi": {
        Priority.EMERGENCY: "Thông báo khẩn",
        Priority.PRIORITY: "Thông tin ưu tiên",
        "announcement": "Thông báo",
    },
    "km": {
        Priority.EMERGENCY: "សេចក្តីជូនដំណឹងបន្ទាន់",
        Priority.PRIORITY: "ព័ត៌មានអាទិភាព",
        "announcement": "សេចក្តីជូនដំណឹង",
    },
}
BODY_CHARS = 160
# How long a push service keeps a message for a phone that is off.
DEFAULT_TTL = int(timedelta(hours=24).total_seconds())
MAX_TTL = int(timedelta(days=7).total_seconds())
PROGRESS_EVERY = 500


class NotReady(Exception):
    """The bulletin's deliveries are still being created: try again soon."""


class SubscriptionRefused(ValueError):
    """Bad subscription data; ``fields`` maps field names to Vietnamese
    messages."""

    def __init__(self, fields):
        super().__init__("; ".join(fields.values()))
        self.fields = fields


# --- subscribing -------------------------------------------------------------------


def _b64url(value):
    value = str(value or "").strip()
    if not value or len(value) > 200:
        raise ValueError
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _endpoint_allowed(endpoint):
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return any(
                host == allowed or host.endswith("." + allowed)
                for allowed in settings.WEBPUSH_ENDPOINT_HOSTS
            )
        return False  # a push service has a name, never a bare address
    # Plain http only to the hosts a test or a bench runs its endpoint on.
    return parts.scheme == "http" and host in settings.WEBPUSH_INSECURE_HOSTS


def clean_subscription(data):
    """The endpoint and keys of a browser's ``PushSubscription.toJSON()``;
    raises SubscriptionRefused (Vietnamese messages per field)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    errors = {}
    subscription = data.get("subscription") if isinstance(data, dict) else None
    if not isinstance(subscription, dict):
        raise SubscriptionRefused(
            {"subscription": "Thiếu thông tin đăng ký của trình duyệt."}
        )
    endpoint = subscription.get("endpoint")
    keys = (
        subscription.get("keys") if isinstance(subscription.get("keys"), dict) else {}
    )
    if not isinstance(endpoint, str) or len(endpoint) > 1000:
        errors["endpoint"] = "Địa chỉ nhận thông báo không hợp lệ."
    elif not _endpoint_allowed(endpoint):
        errors["endpoint"] = (
            "Địa chỉ nhận thông báo không thuộc dịch vụ thông báo nào được hỗ trợ."
        )
    try:
        point = _b64url(keys.get("p256dh"))
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65:
            raise ValueError
    except (ValueError, binascii.Error, TypeError):
        errors["p256dh"] = "Khoá mã hoá của trình duyệt không hợp lệ."
    try:
        if len(_b64url(keys.get("auth"))) != 16:
            raise ValueError
    except (ValueError, binascii.Error, TypeError):
        errors["auth"] = "Khoá xác thực của trình duyệt không hợp lệ."
    if errors:
        raise SubscriptionRefused(errors)
    return endpoint, keys["p256dh"].strip(), keys["auth"].strip()


def followable_units(unit):
    """The units a citizen can follow from ``unit``'s app: the unit itself
    and the units above it (district, province)."""
    return [u for u in [*unit.ancestors(), unit] if u.kind not in ("platform",)]


def resolve_unit(unit, code):
    """The followable unit of ``unit``'s app with ``code`` (default: itself)."""
    if not code:
        return unit
    for candidate in followable_units(unit):
        if candidate.code == str(code):
            return candidate
    raise SubscriptionRefused(
        {"unit": "Chỉ theo dõi được đơn vị này và các đơn vị cấp trên của nó."}
    )


def subscribe(unit, data, language="vi"):
    """Store (or refresh) a phone's subscription to ``unit``'s alerts."""
    endpoint, p256dh, auth = clean_subscription(data)
    if language not in dict(settings.LANGUAGES):
        language = "vi"
    subscription, _ = PushSubscription.objects.update_or_create(
        unit=unit,
        endpoint=endpoint,
        defaults={"p256dh": p256dh, "auth": auth, "language": language},
    )
    # The same phone's other units: same keys (the browser may rotate them).
    PushSubscription.objects.filter(endpoint=endpoint).exclude(
        pk=subscription.pk
    ).update(p256dh=p256dh, auth=auth)
    return subscription


def unsubscribe(unit, endpoint):
    """Forget a phone's subscription to ``unit``; True when there was one."""
    deleted, _ = PushSubscription.objects.filter(
        unit=unit, endpoint=str(endpoint or "")[:1000]
    ).delete()
    return bool(deleted)


# --- what reaches whom -------------------------------------------------------------


def bulletin_units(bulletin):
    """The units whose followers a bulletin is for: the units it is
    delivered to and, when sent to a subtree, every unit of that subtree
    (a district's emergency is for the district's followers too)."""
    from bulletins.services import target_units_of

    units = {u.pk: u for u in target_units_of(bulletin)}
    if bulletin.target_mode == "subtree" and bulletin.target_root_id:
        root = bulletin.target_root
        for unit in root.descendants(include_self=True).exclude(
            kind__in=("platform", "department")
        ):
            units.setdefault(unit.pk, unit)
    return units


def recipients(unit_ids, prefer=()):
    """One subscription per phone (endpoint) among the followers of
    ``unit_ids``; where a phone follows several, the one of a unit in
    ``prefer`` (where the item is readable) wins."""
    chosen = {}
    prefer = set(prefer)
    rows = PushSubscription.objects.filter(unit_id__in=unit_ids).order_by("pk")
    for subscription in rows.iterator(chunk_size=2000):
        held = chosen.get(subscription.endpoint)
        if held is None or (
            subscription.unit_id in prefer and held.unit_id not in prefer
        ):
            chosen[subscription.endpoint] = subscription
    return list(chosen.values())


def _public_url(unit, path):
    from bulletins.sso import public_root

    if path.startswith(("http://", "https://")):
        return path
    return f"{public_root(unit.primary_hostname)}{path}"


def _excerpt(text):
    text = " ".join(str(text or "").split())
    return text if len(text) <= BODY_CHARS else text[: BODY_CHARS - 1] + "…"


def _ttl(valid_until):
    if not valid_until:
        return DEFAULT_TTL
    seconds = int((valid_until - timezone.now()).total_seconds())
    return max(60, min(seconds, MAX_TTL))


# --- sending -------------------------------------------------------------------------


def push_bulletin(bulletin_id):
    """Push a sent emergency or priority bulletin to its units' followers
    (run by ``tasks.push_bulletin``). Returns the PushMessage, or None when
    the bulletin is not for phones or was already pushed."""
    from bulletins.models import Bulletin
    from bulletins.services import fan_out, target_units_of

    bulletin = (
        Bulletin.objects.filter(pk=bulletin_id, status="sent")
        .select_related("sender_unit", "target_root")
        .first()
    )
    if bulletin is None or bulletin.priority not in PUSHED_PRIORITIES:
        return None
    # The link opens the bulletin on the follower's unit host, where it is
    # readable once its deliveries exist: the fan-out first (idempotent;
    # another worker may hold it, then the task retries).
    waiting = bulletin.outbox.filter(processed_at__isnull=True)
    for outbox_id in list(waiting.values_list("pk", flat=True)):
        fan_out(outbox_id)
    if waiting.exists():
        raise NotReady(f"bulletin {bulletin.pk} is still being fanned out")
    with transaction.atomic():
        message, created = PushMessage.objects.get_or_create(
            bulletin=bulletin,
            defaults={
                "title": bulletin.title[:255],
                "urgency": URGENCY[bulletin.priority],
            },
        )
    if not created:
        return None  # pushed once; a retried task never pushes twice
    units = bulletin_units(bulletin)
    # Where its public page opens: the sender's host and every recipient's
    # (bulletins.views.public_bulletin; the fan-out may still be running).
    readable = {u.pk for u in target_units_of(bulletin)} | {bulletin.sender_unit_id}
    subscriptions = recipients(units, prefer=readable)
    hosts = Unit.objects.in_bulk(
        {s.unit_id for s in subscriptions} | {bulletin.sender_unit_id}
    )
    path = f"/thong-tin-nguon/{bulletin.pk}/"
    # Every link made here: the payloads are built on the sending threads,
    # which must not query the database.
    links = {
        pk: _public_url(unit if pk in readable else bulletin.sender_unit, path)
        for pk, unit in hosts.items()
    }
    body = _excerpt(f"{bulletin.title}. {bulletin.body}")

    def payload(subscription):
        unit = hosts[subscription.unit_id]
        headings = HEADINGS.get(subscription.language, HEADINGS["vi"])
        return {
            "title": f"{headings[bulletin.priority]} – {bulletin.sender_unit}",
            "body": body,
            "url": links[unit.pk],
            "tag": f"bulletin-{bulletin.pk}",
            "lang": subscription.language,
            "urgency": message.urgency,
            "unit": unit.code,
        }

    deliver(message, subscriptions, payload, ttl=_ttl(bulletin.valid_until))
    return message


def push_page(unit_id, page_id):
    """Push an announcement its unit marked for push to the unit's
    followers, once. Runs in the unit's schema (``tasks.push_page``)."""
    from cms.models import AnnouncementPage

    page = AnnouncementPage.objects.live().filter(pk=page_id).first()
    if page is None or not page.push_to_phones:
        return None
    unit = Unit.objects.get(pk=unit_id)
    with transaction.atomic():
        message, created = PushMessage.objects.get_or_create(
            unit=unit,
            page_id=page.pk,
            defaults={
                "title": page.title[:255],
                "urgency": URGENCY.get(page.priority, "normal"),
            },
        )
    if not created:
        return None
    url = _public_url(unit, page.get_url())
    body = _excerpt(f"{page.title}. {page.summary}" if page.summary else page.title)

    def payload(subscription):
        headings = HEADINGS.get(subscription.language, HEADINGS["vi"])
        return {
            "title": f"{headings['announcement']} – {unit}",
            "body": body,
            "url": url,
            "tag": f"page-{unit.code}-{page.pk}",
            "lang": subscription.language,
            "urgency": message.urgency,
            "unit": unit.code,
        }

    valid_until = None
    if page.valid_until:
        valid_until = timezone.make_aware(
            timezone.datetime.combine(page.valid_until, timezone.datetime.max.time())
        )
    deliver(message, recipients([unit.pk]), payload, ttl=_ttl(valid_until))
    return message


def deliver(message, subscriptions, payload_for, *, ttl, workers=None):
    """Encrypt and send one payload per subscription, counting on ``message``.

    ``payload_for(subscription)`` runs on the sending threads: it must not
    touch the database (each thread would open a connection of its own).

    Gone endpoints (404/410) and subscriptions whose keys do not encrypt
    are removed. The counters are written every ``PROGRESS_EVERY`` sends,
    so an officer watching a large fan-out sees it move.
    """
    workers = workers or settings.WEBPUSH_WORKERS
    PushMessage.objects.filter(pk=message.pk).update(recipients=len(subscriptions))
    signed = {}

    def one(subscription):
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(subscription.endpoint))
        if origin not in signed:
            signed[origin] = vapid.headers_for(subscription.endpoint)
        body = json.dumps(payload_for(subscription), ensure_ascii=False).encode()
        return subscription, webpush.send(
            subscription.info,
            body,
            headers=signed[origin],
            ttl=ttl,
            urgency=message.urgency,
            http=http,
            timeout=settings.WEBPUSH_TIMEOUT,
        )

    counts = {"sent": 0, "failed": 0, "removed": 0}
    done_endpoints, gone_endpoints = [], set()

    def flush():
        PushMessage.objects.filter(pk=message.pk).update(
            sent=F("sent") + counts["sent"],
            failed=F("failed") + counts["failed"],
            removed=F("removed") + counts["removed"],
        )
        if gone_endpoints:
            PushSubscription.objects.filter(endpoint__in=gone_endpoints).delete()
        if done_endpoints:
            PushSubscription.objects.filter(endpoint__in=done_endpoints).update(
                last_success_at=timezone.now()
            )
        for key in counts:
            counts[key] = 0
        gone_endpoints.clear()
        done_endpoints.clear()

    with webpush.session(pool=workers) as http, ThreadPoolExecutor(workers) as pool:
        for index, (subscription, outcome) in enumerate(
            pool.map(one, subscriptions), start=1
        ):
            if outcome.result == webpush.SENT:
                counts["sent"] += 1
                done_endpoints.append(subscription.endpoint)
            elif outcome.result in (webpush.GONE, webpush.BAD_KEYS):
                counts["removed"] += 1
                gone_endpoints.add(subscription.endpoint)
                logger.info(
                    "push subscription removed (%s %s): %s",
                    outcome.result,
                    outcome.status or "",
                    outcome.reason,
                )
            else:
                counts["failed"] += 1
                logger.warning(
                    "push to %s failed: %s %s",
                    subscription.endpoint[:80],
                    outcome.status or "",
                    outcome.reason,
                )
            if index % PROGRESS_EVERY == 0:
                flush()
    flush()
    PushMessage.objects.filter(pk=message.pk).update(finished_at=timezone.now())
    message.refresh_from_db()
    return message


# --- the app shell --------------------------------------------------------------------


def latest_items(limit=None):
    """The latest live articles and announcements of the current unit, for
    the service worker to keep offline: [{url, title, kind, date}]."""
    from cms.models import AnnouncementPage, ArticlePage

    limit = limit or settings.PWA_OFFLINE_ITEMS
    items = []
    for model, kind in ((AnnouncementPage, "announcement"), (ArticlePage, "article")):
        pages = (
            model.objects.live()
            .public()
            .annotate(day=Coalesce("date", TruncDate("first_published_at")))
            .order_by(F("day").desc(nulls_last=True), "-first_published_at")[:limit]
        )
        for page in pages:
            date = page.display_date
            items.append(
                {
                    "url": page.get_url(),
                    "title": page.title,
                    "kind": kind,
                    "date": date.isoformat() if date else "",
                }
            )
    items.sort(key=lambda item: item["date"], reverse=True)
    return items[: limit * 2]
