"""Indicators owned by reports' own registries."""

from django.db.models import Count, Exists, OuterRef

from tenants.models import Hamlet

from .models import CommunicationCentre, LegacyStation, Propagandist, TrainingRecord
from .registry import register


def _station_rows(subtree):
    """[(unit id, year installed, year converted, stations)]: the subtree's
    legacy stations counted per combination in one query, shared by the two
    station indicators and the conversion chart (a few rows per unit)."""
    key = "reports_stations"
    if key not in subtree.memo:
        subtree.memo[key] = list(
            LegacyStation.objects.filter(unit_id__in=subtree.ids)
            .values_list("unit_id", "year_installed", "converted_year")
            .annotate(n=Count("pk"))
            .order_by()
        )
    return subtree.memo[key]


def _station_counts(subtree, year):
    """{unit id: (converted by ``year``, converted in ``year``, stations)} for
    the units with a station installed by ``year`` (or of unknown year)."""
    out = {}
    for unit_id, installed, converted, n in _station_rows(subtree):
        if installed is not None and installed > year:
            continue
        done, that_year, total = out.get(unit_id, (0, 0, 0))
        out[unit_id] = (
            done + (n if converted is not None and converted <= year else 0),
            that_year + (n if converted == year else 0),
            total + n,
        )
    return out


@register(
    "stations_converted",
    label="Đài truyền thanh có dây/FM đã chuyển đổi sang truyền thanh CNTT-VT",
    group="radio",
    measured_on="đài truyền thanh có dây/FM",
    order=30,
    help="Luỹ kế đến năm của kỳ báo cáo.",
)
def stations_converted(subtree, period):
    return {
        pk: (done, total)
        for pk, (done, _, total) in _station_counts(subtree, period.year).items()
    }


@register(
    "stations_converted_year",
    label="Đài truyền thanh có dây/FM chuyển đổi trong năm",
    group="radio",
    measured_on="đài truyền thanh có dây/FM",
    order=40,
    help="Kế hoạch: mỗi năm 15–25 % số đài, ưu tiên đài hư hỏng, trên 5 năm.",
)
def stations_converted_year(subtree, period):
    return {
        pk: (that_year, total)
        for pk, (_, that_year, total) in _station_counts(subtree, period.year).items()
    }


def conversion_by_year(subtree, years):
    """{year: (converted that year, converted by then, stations)} for the chart,
    from the same counted rows as the station indicators."""
    rows = _station_rows(subtree)
    out = {}
    for year in years:
        total = sum(n for _, inst, _, n in rows if inst is None or inst <= year)
        done = sum(n for _, _, conv, n in rows if conv is not None and conv <= year)
        that_year = sum(n for _, _, conv, n in rows if conv == year)
        out[year] = (that_year, done, total)
    return out


@register(
    "communication_centres",
    label="Huyện, thị xã, thành phố có cơ sở truyền thông cấp huyện",
    group="infrastructure",
    measured_on="huyện, thị xã, thành phố",
    order=40,
)
def communication_centres(subtree, period):
    with_centre = set(
        CommunicationCentre.objects.filter(
            unit_id__in=subtree.district_ids, is_operating=True
        ).values_list("unit_id", flat=True)
    )
    return {pk: (int(pk in with_centre), 1) for pk in subtree.district_ids}


@register(
    "propagandists_hamlets",
    label="Ấp, khóm, tổ dân phố có ít nhất một tuyên truyền viên cơ sở",
    group="people",
    measured_on="ấp, khóm, tổ dân phố",
    order=20,
)
def propagandists_hamlets(subtree, period):
    staffed = Exists(Propagandist.objects.filter(hamlet=OuterRef("pk"), is_active=True))
    rows = (
        Hamlet.objects.filter(unit_id__in=subtree.ids, is_active=True)
        .values("unit_id")
        .annotate(total=Count("pk"), staffed=Count("pk", filter=staffed))
        .order_by()
    )
    return {r["unit_id"]: (r["staffed"], r["total"]) for r in rows}


@register(
    "officials_trained",
    label="Cán bộ làm công tác thông tin cơ sở được bồi dưỡng, tập huấn",
    group="people",
    measured_on="cán bộ (số liệu đơn vị nhập)",
    order=10,
)
def officials_trained(subtree, period):
    return {
        r.unit_id: (r.trained, r.officials)
        for r in TrainingRecord.objects.filter(
            unit_id__in=subtree.ids, year=period.year
        )
    }
