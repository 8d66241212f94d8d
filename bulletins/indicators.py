"""Indicators owned by bulletins (registered in reports.registry)."""

from django.db import connection
from django.db.models import Count

from base.choices import Priority
from reports.registry import COUNT, register

from .models import (
    Bulletin,
    BulletinStatus,
    Delivery,
    DeliveryState,
    DeliveryTransition,
    FirstAnswer,
    OfficerProfile,
)
from .services import overdue_after

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
    supplying = _sent_by(subtree, period)
    return {pk: (int(pk in supplying), 1) for pk in subtree.department_ids}


def _sent_by(subtree, period):
    """{sender unit id: bulletins sent in the period} for the subtree's units
    (departments included): one grouped query for the two indicators."""
    key = ("bulletins_sent", period)
    if key not in subtree.memo:
        rows = (
            _sent_in(period)
            .filter(sender_unit_id__in=subtree.ids)
            .values_list("sender_unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        subtree.memo[key] = dict(rows)
    return subtree.memo[key]


@register(
    "bulletins_sent",
    label="Số tin thông tin thiết yếu đã cung cấp",
    group="source",
    kind=COUNT,
    measured_on="tin",
    order=30,
)
def bulletins_sent(subtree, period):
    return {pk: (n, 0) for pk, n in _sent_by(subtree, period).items()}


DELIVERY_COUNTS_SQL = """
SELECT d.unit_id,
       count(*),
       count(*) FILTER (WHERE d.state = ANY(%(reached)s)),
       count(*) FILTER (WHERE d.state = %(used)s),
       count(*) FILTER (WHERE f.at <= b.due)
FROM {delivery} d
JOIN (
    SELECT id, sent_at + make_interval(secs => CASE priority {cases} END) AS due
    FROM {bulletin}
    WHERE status = ANY(%(statuses)s) AND sent_at >= %(start)s AND sent_at < %(end)s
) b ON b.id = d.bulletin_id
{first_answer}
WHERE d.unit_id = ANY(%(units)s::bigint[])
GROUP BY d.unit_id
"""
# The unit ids are cast: psycopg sends small ints as smallint[], and
# bigint = ANY(smallint[]) is not hashed (10x slower over a year's rows).
# Where a delivery's first answer (f.at) comes from: the stored one, or its
# history (one index lookup per delivery; what FirstAnswer keeps).
STORED_FIRST_ANSWER = "LEFT JOIN {first} f ON f.delivery_id = d.id"
FIRST_ANSWER_FROM_HISTORY = """LEFT JOIN LATERAL (
    SELECT min(tr.at) AS at FROM {transition} tr
    WHERE tr.delivery_id = d.id AND tr.from_state = %(sent)s
) f ON true"""


def delivery_counts(subtree, period, *, from_history=False):
    """{unit id: (deliveries, reached, used, on time)} in one query. On time:
    the first answer (the transition out of "sent", stored in FirstAnswer) by
    sent_at plus the priority's delay, compared in SQL. ``from_history``
    reads the first answers from the transitions instead (the tests hold
    the two equal)."""
    params = {
        "reached": list(REACHED),
        "used": DeliveryState.USED,
        "sent": DeliveryState.SENT,
        "units": subtree.ids,
        "statuses": list(SENT_STATUSES),
        "start": period.start_dt,
        "end": period.end_dt,
    }
    cases = []
    for index, priority in enumerate(Priority):
        delay = overdue_after(priority)
        params[f"p{index}"], params[f"s{index}"] = str(priority), delay.total_seconds()
        cases.append(f"WHEN %(p{index})s THEN %(s{index})s")
    first_answer = (
        FIRST_ANSWER_FROM_HISTORY if from_history else STORED_FIRST_ANSWER
    ).format(
        first=FirstAnswer._meta.db_table,
        transition=DeliveryTransition._meta.db_table,
    )
    sql = DELIVERY_COUNTS_SQL.format(
        cases=" ".join(cases),
        delivery=Delivery._meta.db_table,
        bulletin=Bulletin._meta.db_table,
        first_answer=first_answer,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _delivery_counts(subtree, period):
    """``delivery_counts`` once per dashboard, shared by the four delivery
    indicators."""
    key = ("bulletin_deliveries", period)
    if key not in subtree.memo:
        subtree.memo[key] = delivery_counts(subtree, period)
    return subtree.memo[key]


@register(
    "bulletins_received",
    label="Lượt thông tin thiết yếu đến được đơn vị nhận",
    group="source",
    measured_on="lượt chuyển (tin × đơn vị × kênh)",
    order=40,
    help="Đơn vị nhận đã mở (đã nhận, đã sử dụng hoặc từ chối có lý do).",
)
def bulletins_received(subtree, period):
    return {pk: (c[1], c[0]) for pk, c in _delivery_counts(subtree, period).items()}


@register(
    "bulletins_used",
    label="Lượt thông tin thiết yếu được phổ biến đến người dân",
    group="source",
    measured_on="lượt chuyển",
    order=50,
    help="Đơn vị nhận đã đăng lên trang, bảng tin hoặc phát trên loa.",
)
def bulletins_used(subtree, period):
    return {pk: (c[2], c[0]) for pk, c in _delivery_counts(subtree, period).items()}


@register(
    "bulletins_on_time",
    label="Lượt thông tin thiết yếu được tiếp nhận đúng hạn",
    group="source",
    measured_on="lượt chuyển",
    order=60,
    help="Mở trong 15 phút (khẩn cấp), 4 giờ (ưu tiên), 24 giờ (thông thường).",
)
def bulletins_on_time(subtree, period):
    return {pk: (c[3], c[0]) for pk, c in _delivery_counts(subtree, period).items()}
