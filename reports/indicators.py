"""Indicators owned by reports' own registries."""

from django.db.models import Count, Exists, OuterRef, Q

from tenants.models import Hamlet

from .models import CommunicationCentre, LegacyStation, Propagandist, TrainingRecord
from .registry import register


def _stations(subtree, year):
    return LegacyStation.objects.filter(unit_id__in=subtree.ids).filter(
        Q(year_installed__isnull=True) | Q(year_installed__lte=year)
    )


def _station_counts(subtree, year):
    """{unit id: (converted by ``year``, converted in ``year``, stations)}: one
    grouped query shared by the two station indicators."""
    key = ("reports_stations", year)
    if key not in subtree.memo:
        rows = (
            _stations(subtree, year)
            .values("unit_id")
            .annotate(
                done=Count("pk", filter=Q(converted_year__lte=year)),
                that_year=Count("pk", filter=Q(converted_year=year)),
                total=Count("pk"),
            )
            .order_by()
        )
        subtree.memo[key] = {
            r["unit_id"]: (r["done"], r["that_year"], r["total"]) for r in rows
        }
    return subtree.memo[key]


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
    """{year: (converted that year, converted by then, stations)} for the chart:
    the stations counted per (year installed, year converted) in SQL, the few
    combinations summed per year."""
    rows = list(
        LegacyStation.objects.filter(unit_id__in=subtree.ids)
        .values_list("year_installed", "converted_year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = {}
    for year in years:
        total = sum(n for inst, _, n in rows if inst is None or inst <= year)
        done = sum(n for _, conv, n in rows if conv is not None and conv <= year)
        that_year = sum(n for _, conv, n in rows if conv == year)
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
