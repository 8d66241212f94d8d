"""Public surface of the central exchange: receive central information as
bulletins, queue figures and delivery states upward, drain the outbox."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from base.choices import Priority

from .backends import ExchangeError, get_backend
from .models import InboundMessage, OutboundMessage

logger = logging.getLogger(__name__)

CENTRAL_NAME = "Trung ương"


class Refused(Exception):
    """An inbound message we will not take: ``fields`` say why, in Vietnamese."""

    def __init__(self, message, fields=None, status=400):
        super().__init__(message)
        self.fields = fields or {}
        self.status = status


def province():
    """The province this platform exchanges for (``CENTRAL_EXCHANGE_PROVINCE``
    or the only province)."""
    from tenants.models import Unit, UnitKind

    units = Unit.objects.filter(kind=UnitKind.PROVINCE)
    code = settings.CENTRAL_EXCHANGE_PROVINCE
    if code:
        units = units.filter(code=code)
    return units.order_by("-structure", "path").first()


def is_central(bulletin):
    return InboundMessage.objects.filter(bulletin=bulletin).exists()


# --- in: central essential information → bulletins ---------------------------------


def _moment(value, field, errors, default=None):
    if value in (None, ""):
        return default
    moment = parse_datetime(str(value)) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        errors[field] = ["Thời điểm không hợp lệ: dùng ISO 8601 có múi giờ."]
        return None
    return moment.astimezone(dt.UTC)


def _targets(root, codes, errors):
    """Areas (unit codes) → the bulletin's targets within the province."""
    from bulletins.models import TargetMode
    from tenants.models import COMMUNE_KINDS

    if not codes:
        return {"target_mode": TargetMode.SUBTREE, "target_root": root}, []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        errors["areas"] = ["Cần một danh sách mã đơn vị hành chính."]
        return {}, []
    subtree = root.descendants(include_self=True)
    found = {u.code: u for u in subtree.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["areas"] = [f"Mã đơn vị không thuộc {root}: {', '.join(unknown[:10])}."]
        return {}, []
    communes = set()
    for unit in found.values():
        if unit.kind in COMMUNE_KINDS:
            communes.add(unit)
        else:
            communes.update(unit.descendants().filter(kind__in=COMMUNE_KINDS))
    if root in found.values():
        return {"target_mode": TargetMode.SUBTREE, "target_root": root}, []
    return {"target_mode": TargetMode.UNITS, "target_root": None}, sorted(
        communes, key=lambda u: u.path
    )


def receive(message_id, envelope):
    """Take one verified inbound message. Bulletins become a draft for the
    province's officers, or are sent at once (``CENTRAL_EXCHANGE_INBOUND_POLICY
    = "send"``). A message id seen before is refused (409), nothing made."""
    from bulletins import services as bulletins
    from bulletins.models import Category

    if not isinstance(envelope, dict):
        raise Refused("Nội dung phải là một đối tượng JSON.")
    if str(envelope.get("id", message_id)) != message_id:
        raise Refused("Mã thông điệp trong nội dung khác mã trong tiêu đề.")
    if envelope.get("type") != "bulletin":
        raise Refused(
            "Chỉ nhận thông điệp loại bulletin (thông tin thiết yếu).",
            {"type": ["Loại không được hỗ trợ."]},
        )
    if InboundMessage.objects.filter(message_id=message_id).exists():
        raise Refused("Thông điệp này đã được nhận trước đó.", status=409)
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise Refused("Thiếu phần data.", {"data": ["Cần một đối tượng."]})
    errors = {}
    title = str(data.get("title") or "").strip()
    body = str(data.get("body") or "").strip()
    if not title:
        errors["title"] = ["Thiếu tiêu đề."]
    elif len(title) > 255:
        errors["title"] = ["Tiêu đề tối đa 255 ký tự."]
    if not body:
        errors["body"] = ["Thiếu nội dung."]
    priority = data.get("priority", Priority.NORMAL)
    if priority not in Priority.values:
        errors["priority"] = ["Mức độ phải là normal, priority hoặc emergency."]
    category = data.get("category") or "other"
    if category not in Category.values:
        category = "other"
    valid_from = _moment(data.get("valid_from"), "valid_from", errors, timezone.now())
    valid_until = _moment(data.get("valid_until"), "valid_until", errors)
    root = province()
    if root is None:
        raise Refused("Nền tảng chưa có đơn vị cấp tỉnh.", status=503)
    targets, target_units = _targets(root, data.get("areas") or [], errors)
    if errors:
        raise Refused("Thông điệp chưa hợp lệ.", errors)
    reference = str(data.get("reference") or "")[:100]
    source = "Nguồn: Hệ thống thông tin nguồn Trung ương" + (
        f", văn bản {reference}" if reference else ""
    )
    emergency = priority == Priority.EMERGENCY
    try:
        with transaction.atomic():
            bulletin = bulletins.create_bulletin(
                user=None,
                scope=root,
                target_units=target_units,
                title=title,
                body=f"{body}\n\n{source}.",
                category=category,
                priority=priority,
                channels=["web", "board", "speaker"] if emergency else ["web", "board"],
                valid_from=valid_from,
                valid_until=valid_until,
                created_by_name=CENTRAL_NAME,
                **targets,
            )
            InboundMessage.objects.create(
                message_id=message_id,
                kind="bulletin",
                sent_at=_moment(envelope.get("created_at"), "created_at", {}),
                reference=reference,
                payload=envelope,
                bulletin=bulletin,
            )
            if settings.CENTRAL_EXCHANGE_INBOUND_POLICY == "send":
                bulletins.send_bulletin(bulletin, approver_name=CENTRAL_NAME)
    except IntegrityError:  # the same id, arriving twice at once
        raise Refused("Thông điệp này đã được nhận trước đó.", status=409) from None
    logger.info("central message %s → bulletin %s", message_id, bulletin.pk)
    return bulletin


# --- out: figures and delivery states → the outbox ----------------------------------


def enqueue(kind, payload):
    """One message for the central system, sent by the outbox task after
    commit (and retried until delivered)."""
    from base.tasks import enqueue_on_commit

    from .tasks import deliver_outbox

    message = OutboundMessage.objects.create(
        kind=kind, payload=payload, next_attempt_at=timezone.now()
    )
    enqueue_on_commit(deliver_outbox)
    return message


def queue_figures(period, unit=None):
    """The province's figures of ``period`` (reports indicators, the same
    the periodic report is pre-filled with)."""
    from reports.services import platform_figures

    unit = unit or province()
    figures = platform_figures(unit, period)
    return enqueue(
        "figures",
        {
            "unit": {"code": unit.code, "name": str(unit)},
            "period": {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
            "indicators": {
                key: {
                    "label": row["label"],
                    "value": float(row["value"]) if row["value"] is not None else None,
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "percent": row["percent"],
                }
                for key, row in figures.items()
            },
        },
    )


def queue_delivery_state(delivery, old, new, at=None):
    """A delivery of central information moved: tell the central system."""
    inbound = InboundMessage.objects.filter(bulletin_id=delivery.bulletin_id).first()
    if inbound is None:
        return None
    return enqueue(
        "delivery_state",
        {
            "message_id": inbound.message_id,
            "reference": inbound.reference,
            "bulletin_id": delivery.bulletin_id,
            "unit": {"code": delivery.unit.code, "name": str(delivery.unit)},
            "channel": delivery.channel,
            "from": old or None,
            "state": new,
            "at": (at or timezone.now()).isoformat(),
        },
    )


def retry_delay(attempts):
    """Seconds before the next try: doubling from the base, capped."""
    base = settings.CENTRAL_EXCHANGE_RETRY_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.CENTRAL_EXCHANGE_RETRY_MAX)


def deliver_due(now=None, limit=200):
    """Send every outbox message that is due, oldest first; returns
    (delivered, failed). A failure leaves the message for a later try."""
    now = now or timezone.now()
    backend = get_backend()
    delivered = failed = 0
    due = OutboundMessage.objects.filter(
        delivered_at__isnull=True, next_attempt_at__lte=now
    ).order_by("created_at", "pk")[:limit]
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            message = (
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, delivered_at__isnull=True)
                .first()
            )
            if message is None:
                continue
            message.attempts += 1
            try:
                backend.send(message)
            except ExchangeError as exc:
                message.last_error = str(exc)[:2000]
                message.next_attempt_at = timezone.now() + dt.timedelta(
                    seconds=retry_delay(message.attempts)
                )
                failed += 1
                logger.warning("central message %s not delivered: %s", pk, exc)
            else:
                message.delivered_at = timezone.now()
                message.last_error = ""
                delivered += 1
            message.save(
                update_fields=[
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "delivered_at",
                ]
            )
    return delivered, failed
