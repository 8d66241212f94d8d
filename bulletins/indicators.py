"""Indicators owned by bulletins (registered in reports.registry)."""

from collections import defaultdict

from django.db.models import Count, F, Min, Q

from base.choices import Priority
from reports.registry import COUNT, register

from .models import Bulletin, BulletinStatus, Delivery, DeliveryState, OfficerProfile
from .services import OVERDUE_AFTER

SENT_STATUSES = (BulletinStatus.SENT, BulletinStatus.WITHDRAWN)
REACHED = (DeliveryState.RECEIVED, DeliveryState.USED, DeliveryState.DECLINED)


def _sent_in(period):
    return Bulletin.objects.filter(
        status__in=SENT_STATUSES,
        sent_at__gte=period.start_dt,
        sent_at__lt=period.end_dt,
    )


@register(
    "departments_connected",
    label="Sở, ngành kết nối Hệ thống thông tin nguồn (có cán bộ cung cấp tin)",
    group="source",
    measured_on="sở, ngành",
    order=10,
)
def departments_connected(subtree, period):
    connected = set(
        OfficerProfile.objects.filter(unit_id__in=subtree.department_ids).values_list(
            "unit_id", flat=True
        )
    )
    return {pk: (int(pk in connected), 1) for pk in subtree.department_ids}


@register(
    "departments_supplying",
    label="Sở, ngành cung cấp thông tin thiết yếu trong kỳ",
    group="source",
    measured_on="sở, ngành",
    order=20,
)
def departments_supplying(subtree, period):
    supplying = set(
        _sent_in(period)
        .filter(sender_unit_id__in=subtree.department_ids)
        .values_list("sender_unit_id", flat=True)
    )
    return {pk: (int(pk in supplying), 1) for pk in subtree.department_ids}


@register(
    "bulletins_sent",
    label="Số tin thông tin thiết yếu đã cung cấp",
    group="source",
    kind=COUNT,
    measured_on="tin",
    order=30,
)
def bulletins_sent(subtree, period):
    rows = (
        _sent_in(period)
        .filter(sender_unit_id__in=subtree.ids)
        .values("sender_unit_id")
        .annotate(n=Count("pk"))
    )
    return {r["sender_unit_id"]: (r["n"], 0) for r in rows}


def _deliveries(subtree, period):
    return Delivery.objects.filter(
        unit_id__in=subtree.ids,
        bulletin__status__in=SENT_STATUSES,
        bulletin__sent_at__gte=period.start_dt,
        bulletin__sent_at__lt=period.end_dt,
    )


@register(
    "bulletins_received",
    label="Lượt thông tin thiết yếu đến được đơn vị nhận",
    group="source",
    measured_on="lượt chuyển (tin × đơn vị × kênh)",
    order=40,
    help="Đơn vị nhận đã mở (đã nhận, đã sử dụng hoặc từ chối có lý do).",
)
def bulletins_received(subtree, period):
    rows = (
        _deliveries(subtree, period)
        .values("unit_id")
        .annotate(n=Count("pk", filter=Q(state__in=REACHED)), total=Count("pk"))
    )
    return {r["unit_id"]: (r["n"], r["total"]) for r in rows}


@register(
    "bulletins_used",
    label="Lượt thông tin thiết yếu được phổ biến đến người dân",
    group="source",
    measured_on="lượt chuyển",
    order=50,
    help="Đơn vị nhận đã đăng lên trang, bảng tin hoặc phát trên loa.",
)
def bulletins_used(subtree, period):
    rows = (
        _deliveries(subtree, period)
        .values("unit_id")
        .annotate(n=Count("pk", filter=Q(state=DeliveryState.USED)), total=Count("pk"))
    )
    return {r["unit_id"]: (r["n"], r["total"]) for r in rows}


@register(
    "bulletins_on_time",
    label="Lượt thông tin thiết yếu được tiếp nhận đúng hạn",
    group="source",
    measured_on="lượt chuyển",
    order=60,
    help="Mở trong 15 phút (khẩn cấp), 4 giờ (ưu tiên), 24 giờ (thông thường).",
)
def bulletins_on_time(subtree, period):
    rows = (
        _deliveries(subtree, period)
        .annotate(
            first_answer=Min(
                "transitions__at", filter=Q(transitions__from_state=DeliveryState.SENT)
            ),
            sent_at=F("bulletin__sent_at"),
            priority=F("bulletin__priority"),
        )
        .values_list("unit_id", "first_answer", "sent_at", "priority")
    )
    out = defaultdict(lambda: [0, 0])
    for unit_id, answered, sent_at, priority in rows:
        out[unit_id][1] += 1
        if answered and answered <= sent_at + OVERDUE_AFTER[Priority(priority)]:
            out[unit_id][0] += 1
    return {pk: tuple(v) for pk, v in out.items()}
