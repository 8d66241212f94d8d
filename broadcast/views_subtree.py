"""Officers of a district or the province see the upcoming loudspeaker
schedules of the units below them (issue #13: "upcoming loudspeaker schedules
of the units below for officers").

Read-only, in the unit's own admin: every occurrence of the active schedules
made by a unit of the subtree in the coming days, with the program, its
priority and the clusters it will reach at that time (the same reach rule as
``dispatch_program``: a targeted unit means its active clusters and those of
the units below it; a cluster outside its on/off hours is left out unless
the item is an emergency). Filterable by unit of the subtree; a unit outside
it is a 404. An officer of another district sees only their own subtree:
the unit is the host's, never taken from the request.
"""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from base.admin import unit_permission_required
from base.choices import Priority

from .models import Schedule, SpeakerCluster
from .services import occurrences

DAY_CHOICES = (1, 7, 30)
DEFAULT_DAYS = 7
MAX_ROWS = 500
WEEKDAY_NAMES = [
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ Nhật",
]


def _reach(schedule, clusters_by_path):
    """The active clusters ``schedule`` targets (before the hours rule)."""
    reached = {c.pk: c for c in schedule.target_clusters.all() if c.is_active}
    for target in schedule.target_units.all():
        prefix = target.path + "/"
        for path, clusters in clusters_by_path.items():
            if path == target.path or path.startswith(prefix):
                reached.update((c.pk, c) for c in clusters)
    return sorted(reached.values(), key=lambda c: (c.unit.path, c.hamlet, c.name))


def upcoming(unit, *, only=None, days=DEFAULT_DAYS, now=None):
    """(rows, truncated): occurrences of the subtree's schedules from now
    for ``days`` days, soonest first. ``only`` narrows to one unit of the
    subtree and the units below it."""
    now = now or timezone.now()
    end = now + timedelta(days=days)
    scope = (only or unit).descendants(include_self=only is not None)
    schedules = list(
        Schedule.objects.filter(unit__in=scope, is_active=True, program__isnull=False)
        .select_related("program", "unit")
        .prefetch_related("target_units", "target_clusters__unit")
    )
    # The clusters they may reach: those of the officer's subtree.
    clusters_by_path = {}
    for cluster in SpeakerCluster.objects.filter(
        is_active=True, unit__in=unit.descendants(include_self=True)
    ).select_related("unit"):
        clusters_by_path.setdefault(cluster.unit.path, []).append(cluster)
    rows = []
    for schedule in schedules:
        reach = _reach(schedule, clusters_by_path)
        for at in occurrences(schedule, now, end):
            if schedule.priority == Priority.EMERGENCY:
                playing, off_hours = reach, []
            else:
                playing = [c for c in reach if c.in_hours(at)]
                off_hours = [c for c in reach if not c.in_hours(at)]
            local = timezone.localtime(at)
            rows.append(
                {
                    "at": local,
                    "weekday": WEEKDAY_NAMES[local.weekday()],
                    "schedule": schedule,
                    "program": schedule.program,
                    "unit": schedule.unit,
                    "clusters": playing,
                    "off_hours": off_hours,
                }
            )
    rows.sort(key=lambda r: (r["at"], -Priority.rank_of(r["schedule"].priority)))
    return rows[:MAX_ROWS], len(rows) > MAX_ROWS


@unit_permission_required("broadcast.view_schedule")
def subtree_schedules(request, unit):
    below = list(unit.descendants().order_by("path"))
    code = request.GET.get("don-vi") or ""
    only = None
    if code:
        only = next((u for u in below if u.code == code), None)
        if only is None:
            raise Http404("Đơn vị này không thuộc phạm vi của bạn.")
    try:
        days = int(request.GET.get("so-ngay") or DEFAULT_DAYS)
    except ValueError:
        days = DEFAULT_DAYS
    if days not in DAY_CHOICES:
        days = DEFAULT_DAYS
    rows, truncated = upcoming(unit, only=only, days=days) if below else ([], False)
    return render(
        request,
        "broadcast/admin/subtree_schedules.html",
        {
            "unit": unit,
            "below": below,
            "only": only,
            "days": days,
            "day_choices": DAY_CHOICES,
            "rows": rows,
            "truncated": truncated,
            "max_rows": MAX_ROWS,
        },
    )
