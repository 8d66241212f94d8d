"""Indicators owned by broadcast (registered in reports.registry)."""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Sum

from reports.registry import HOURS, PERCENT, register
from tenants.models import Hamlet

from .models import (
    PlayDay,
    PlayLog,
    PlayMonth,
    Program,
    ProgramKind,
    SpeakerCluster,
)


def _hamlet_coverage(subtree, period):
    """{commune id: (hamlets with an active cluster, hamlets)}, computed once
    for the two coverage indicators."""
    key = ("broadcast_hamlets", period)
    if key not in subtree.memo:
        subtree.memo[key] = _compute_coverage(subtree, period)
    return subtree.memo[key]


def _compute_coverage(subtree, period):
    """Hamlets and covered hamlets counted per commune in one grouped query."""
    covered = Exists(
        SpeakerCluster.objects.filter(
            hamlet_ref=OuterRef("pk"),
            unit_id__in=subtree.commune_ids,
            is_active=True,
            created_at__lt=period.end_dt,
        )
    )
    rows = (
        Hamlet.objects.filter(unit_id__in=subtree.commune_ids, is_active=True)
        .values("unit_id")
        .annotate(total=Count("pk"), covered=Count("pk", filter=covered))
        .order_by()
    )
    counts = {r["unit_id"]: (r["covered"], r["total"]) for r in rows}
    return {pk: counts.get(pk, (0, 0)) for pk in subtree.commune_ids}


@register(
    "speakers_communes",
    label="Xã, phường, thị trấn có truyền thanh ứng dụng CNTT-VT đến mọi ấp, khóm, "
    "tổ dân phố",
    group="radio",
    measured_on="xã, phường, thị trấn",
    order=10,
    help="Mỗi ấp/khóm trong danh mục có ít nhất một cụm loa đang hoạt động; xã "
    "chưa có danh mục ấp/khóm tính là chưa đạt.",
)
def speakers_communes(subtree, period):
    coverage = _hamlet_coverage(subtree, period)
    return {pk: (int(den > 0 and num == den), 1) for pk, (num, den) in coverage.items()}


@register(
    "speakers_hamlets",
    label="Ấp, khóm, tổ dân phố có cụm loa ứng dụng CNTT-VT",
    group="radio",
    measured_on="ấp, khóm, tổ dân phố",
    order=20,
)
def speakers_hamlets(subtree, period):
    return _hamlet_coverage(subtree, period)


def _played(subtree, period):
    """{unit id: [seconds, tts seconds, minority-language seconds]} for the
    units that played in the period, shared by the three indicators below:
    summed from the running totals (``PlayMonth`` for the whole months of the
    period, ``PlayDay`` for the days of a month it only partly covers) in one
    query, rather than from a year of play logs. ``played_from_logs`` is
    what they total; the tests hold the two equal."""
    key = ("broadcast_played", period)
    if key not in subtree.memo:
        first, after = whole_months(period)
        sums = {
            "s": Sum("seconds"),
            "tts": Sum("tts_seconds"),
            "other": Sum("minority_seconds"),
        }
        days = PlayDay.objects.filter(unit_id__in=subtree.ids)
        if first < after:
            months = PlayMonth.objects.filter(
                unit_id__in=subtree.ids, month__gte=first, month__lt=after
            )
            days = days.filter(
                Q(day__gte=period.start, day__lt=first)
                | Q(day__gte=after, day__lte=period.end)
            )
            rows = (
                months.values_list("unit_id")
                .annotate(**sums)
                .order_by()
                .union(
                    days.values_list("unit_id").annotate(**sums).order_by(), all=True
                )
            )
        else:
            days = days.filter(day__gte=period.start, day__lte=period.end)
            rows = days.values_list("unit_id").annotate(**sums).order_by()
        out = {}
        for unit_id, *values in rows:
            item = out.setdefault(unit_id, [0.0, 0.0, 0.0])
            for index, value in enumerate(values):
                item[index] += value
        subtree.memo[key] = out
    return subtree.memo[key]


def whole_months(period):
    """(first day of the period's first whole month, first day after its last
    whole month); equal when the period holds no whole month."""
    first = period.start
    if first.day != 1:
        first = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    after = (period.end + datetime.timedelta(days=1)).replace(day=1)
    return first, max(first, after)


def played_from_logs(subtree, period):
    """The same sums read from the period's play logs themselves."""
    rows = (
        PlayLog.objects.filter(
            unit_id__in=subtree.ids,
            accepted=True,
            started_at__gte=period.start_dt,
            started_at__lt=period.end_dt,
        )
        .values_list("unit_id", "program_id")
        .annotate(s=Sum("seconds"))
        .order_by()
    )
    programs = dict(
        (pk, (kind, language))
        for pk, kind, language in Program.objects.filter(
            pk__in={program for _, program, _ in rows if program}
        ).values_list("pk", "kind", "language")
    )
    out = defaultdict(lambda: [0.0, 0.0, 0.0])
    for unit_id, program, seconds in rows:
        kind, language = programs.get(program, (None, None))
        item = out[unit_id]
        item[0] += seconds
        if kind == ProgramKind.TTS:
            item[1] += seconds
        if language not in (None, "", "vi"):
            item[2] += seconds
    return dict(out)


@register(
    "broadcast_hours",
    label="Số giờ phát thanh",
    group="radio",
    kind=HOURS,
    measured_on="giờ",
    order=50,
)
def broadcast_hours(subtree, period):
    return {
        pk: (round(total / 3600, 2), 0)
        for pk, (total, _, _) in _played(subtree, period).items()
    }


def _share(subtree, period, index):
    return {
        pk: (round(item[index] / 3600, 2), round(item[0] / 3600, 2))
        for pk, item in _played(subtree, period).items()
        if item[0]
    }


@register(
    "broadcast_tts",
    label="Tỷ lệ thời lượng phát bằng chuyển văn bản thành giọng nói",
    group="radio",
    kind=PERCENT,
    measured_on="giờ phát",
    order=60,
)
def broadcast_tts(subtree, period):
    return _share(subtree, period, 1)


@register(
    "broadcast_minority",
    label="Tỷ lệ thời lượng phát bằng tiếng dân tộc thiểu số",
    group="radio",
    kind=PERCENT,
    measured_on="giờ phát",
    order=70,
)
def broadcast_minority(subtree, period):
    return _share(subtree, period, 2)
