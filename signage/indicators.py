"""Indicators owned by signage (registered in reports.registry)."""

from reports.registry import register

from .models import Board


def _connected_units(subtree, period):
    """Communes and districts with a board paired (connected to the platform)
    by the period's end: one query shared by the two indicators below."""
    key = ("signage_connected", period)
    if key not in subtree.memo:
        subtree.memo[key] = set(
            Board.objects.filter(
                unit_id__in=subtree.commune_ids + subtree.district_ids,
                paired_at__isnull=False,
                paired_at__lt=period.end_dt,
            )
            # No model ordering: DISTINCT on unit_id alone, not (unit_id, name).
            .order_by()
            .values_list("unit_id", flat=True)
            .distinct()
        )
    return subtree.memo[key]


@register(
    "boards_communes",
    label="Xã, phường, thị trấn có bảng tin điện tử công cộng kết nối",
    group="infrastructure",
    measured_on="xã, phường, thị trấn",
    order=20,
)
def boards_communes(subtree, period):
    connected = _connected_units(subtree, period)
    return {pk: (int(pk in connected), 1) for pk in subtree.commune_ids}


@register(
    "boards_districts",
    label="Huyện, thị xã, thành phố có bảng tin LED/LCD cỡ lớn kết nối "
    "Hệ thống thông tin nguồn",
    group="infrastructure",
    measured_on="huyện, thị xã, thành phố (cấu trúc ba cấp)",
    order=30,
)
def boards_districts(subtree, period):
    connected = _connected_units(subtree, period)
    return {pk: (int(pk in connected), 1) for pk in subtree.district_ids}
