"""Indicators owned by syndication (registered in reports.registry)."""

import datetime

from reports.registry import register

from .models import SyndicatedItem

ACTIVE_DAYS = 30


@register(
    "websites_active",
    label="Xã, phường, thị trấn có trang thông tin điện tử hoạt động",
    group="infrastructure",
    measured_on="xã, phường, thị trấn",
    order=10,
    help=f"Có bài đăng trong {ACTIVE_DAYS} ngày cuối kỳ.",
)
def websites_active(subtree, period):
    since = period.end_dt - datetime.timedelta(days=ACTIVE_DAYS)
    active = set(
        SyndicatedItem.objects.filter(
            unit_id__in=subtree.commune_ids,
            published_at__gte=since,
            published_at__lt=period.end_dt,
        )
        # No model ordering: DISTINCT on unit_id alone, not on every article.
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return {pk: (int(pk in active), 1) for pk in subtree.commune_ids}
