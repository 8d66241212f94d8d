"""Indicators owned by reports' own registries."""

from collections import defaultdict

from django.db.models import Count, Q

from tenants.models import Hamlet

from .models import CommunicationCentre, LegacyStation, Propagandist, TrainingRecord
from .registry import register


def _stations(subtree, year):
    return LegacyStation.objects.filter(unit_id__in=subtree.ids).filter(
        Q(year_installed__isnull=True) | Q(year_installed__lte=year)
    )


@register(
    "stations_converted",
    label="Đài truyền thanh có dây/FM đã chuyển đổi sang truyền thanh CNTT-VT",
    group="radio",
    measured_on="đài truyền thanh có dây/FM",
    order=30,
    help="Luỹ kế đến năm của kỳ báo cáo.",
)
def stations_converted(subtree, period):
    rows = (
        _stations(subtree, period.year)
        .values("unit_id")
        .annotate(
            n=Count("pk", filter=Q(converted_year__lte=period.year)), total=Count("pk")
        )
    )
    return {r["unit_id"]: (r["n"], r["total"]) for r in rows}


@register(
    "stations_converted_year",
    label="Đài truyền thanh có dây/FM chuyển đổi trong năm",
    group="radio",
    measured_on="đài truyền thanh có dây/FM",
    order=40,
    help="Kế hoạch: mỗi năm 15–25 % số đài, ưu tiên đài hư hỏng, trên 5 năm.",
)
def stations_converted_year(subtree, period):
    rows = (
        _stations(subtree, period.year)
        .values("unit_id")
        .annotate(
            n=Count("pk", filter=Q(converted_year=period.year)), total=Count("pk")
        )
    )
    return {r["unit_id"]: (r["n"], r["total"]) for r in rows}


def conversion_by_year(subtree, years):
    """{year: (converted that year, converted by then, stations)} for the chart."""
    rows = list(
        LegacyStation.objects.filter(unit_id__in=subtree.ids).values_list(
            "year_installed", "converted_year"
        )
    )
    out = {}
    for year in years:
        total = sum(1 for inst, _ in rows if inst is None or inst <= year)
        done = sum(1 for _, conv in rows if conv is not None and conv <= year)
        that_year = sum(1 for _, conv in rows if conv == year)
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
    hamlets = defaultdict(set)
    for pk, unit_id in Hamlet.objects.filter(
        unit_id__in=subtree.ids, is_active=True
    ).values_list("pk", "unit_id"):
        hamlets[unit_id].add(pk)
    staffed = set(
        Propagandist.objects.filter(
            hamlet__unit_id__in=subtree.ids, is_active=True
        ).values_list("hamlet_id", flat=True)
    )
    return {pk: (len(h & staffed), len(h)) for pk, h in hamlets.items()}


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
