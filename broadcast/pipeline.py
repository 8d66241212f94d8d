"""The per-device delivery pipeline, as data, checked in one place.

    queued -> sent -> acknowledged -> playing -> done
    any live state -> failed | expired;  playing/acknowledged -> preempted

``set_state`` is the only code that changes ``Delivery.state``: it refuses
transitions the pipeline does not allow, stamps the row and sends
``signals.delivery_state_changed`` after each change (after commit).
Device messages can arrive out of order (a ``done`` before its ``playing``)
and twice (QoS 1 is at least once), so a jump forward along the pipeline is
allowed and a repeat is a no-op.
"""

from django.db import models, transaction
from django.utils import timezone


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    ACKNOWLEDGED = "acknowledged", "Đã xác nhận"
    PLAYING = "playing", "Đang phát"
    DONE = "done", "Đã phát xong"
    FAILED = "failed", "Lỗi"
    EXPIRED = "expired", "Hết hạn"
    PREEMPTED = "preempted", "Bị ngắt (phát khẩn cấp)"


S = DeliveryState
DELIVERY_PIPELINE = {
    S.QUEUED: [S.SENT, S.ACKNOWLEDGED, S.PLAYING, S.DONE, S.FAILED, S.EXPIRED],
    S.SENT: [S.ACKNOWLEDGED, S.PLAYING, S.DONE, S.FAILED, S.EXPIRED],
    S.ACKNOWLEDGED: [S.PLAYING, S.DONE, S.FAILED, S.EXPIRED, S.PREEMPTED],
    S.PLAYING: [S.DONE, S.FAILED, S.PREEMPTED],
    S.DONE: [],
    S.FAILED: [],
    S.EXPIRED: [],
    S.PREEMPTED: [],
}
TERMINAL = {state for state, nxt in DELIVERY_PIPELINE.items() if not nxt}
LIVE = set(DELIVERY_PIPELINE) - TERMINAL


class InvalidTransition(Exception):
    pass


def can_move(current, new):
    return new in DELIVERY_PIPELINE[DeliveryState(current)]


def set_state(delivery, new, detail="", when=None, strict=True):
    """Move one delivery to ``new``; returns True when it changed.

    ``strict=False`` (device messages) ignores repeats and stale messages
    instead of raising.
    """
    from .signals import delivery_state_changed

    new = DeliveryState(new)
    old = delivery.state
    if old == new:
        return False
    if not can_move(old, new):
        if strict:
            raise InvalidTransition(f"{old} -> {new}")
        return False
    when = when or timezone.now()
    changes = {"state": new, "updated_at": when}
    if detail:
        changes["detail"] = detail[:255]
    if new == S.SENT:
        changes["sent_at"] = when
    if new in (S.ACKNOWLEDGED, S.PLAYING, S.DONE) and not delivery.acknowledged_at:
        changes["acknowledged_at"] = when
    # Conditional on the state we read: a concurrent writer (the listener
    # beside the publisher) never sees its newer state overwritten.
    updated = type(delivery).objects.filter(pk=delivery.pk, state=old).update(**changes)
    if not updated:
        delivery.refresh_from_db()
        return set_state(delivery, new, detail, when, strict) if strict else False
    for field, value in changes.items():
        setattr(delivery, field, value)
    transaction.on_commit(
        lambda: delivery_state_changed.send(
            sender=type(delivery), delivery=delivery, old=old, new=new
        )
    )
    return True


def bulk_set_state(deliveries, new, detail="", when=None):
    """``set_state`` for many rows, one UPDATE per (old state) group.

    Used by the listener and the publisher where thousands of devices move
    at once; same rules, same signal per delivery.
    """
    from .models import Delivery
    from .signals import delivery_state_changed

    new = DeliveryState(new)
    when = when or timezone.now()
    moved = [d for d in deliveries if d.state != new and can_move(d.state, new)]
    if not moved:
        return []
    changes = {"state": new, "updated_at": when}
    if detail:
        changes["detail"] = detail[:255]
    if new == S.SENT:
        changes["sent_at"] = when
    ids = [d.pk for d in moved]
    allowed_from = [s for s, nxt in DELIVERY_PIPELINE.items() if new in nxt]
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update()
            .filter(pk__in=ids, state__in=allowed_from)
            .values_list("pk", flat=True)
        )
        qs = Delivery.objects.filter(pk__in=ids)
        if new in (S.ACKNOWLEDGED, S.PLAYING, S.DONE):
            qs.filter(acknowledged_at__isnull=True).update(acknowledged_at=when)
        qs.update(**changes)
    ids = set(ids)
    moved = [d for d in moved if d.pk in ids]
    olds = {d.pk: d.state for d in moved}
    for d in moved:
        d.state = new
        d.updated_at = when

    def notify():
        for d in moved:
            delivery_state_changed.send(
                sender=Delivery, delivery=d, old=olds[d.pk], new=new
            )

    transaction.on_commit(notify)
    return moved
