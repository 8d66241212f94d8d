"""What was aired: hours per unit and month, programs to listen to again."""

from django.db.models import Sum

from ..choices import DeliveryState
from ..models import PlayLog, Program


def hours_aired(unit, year, month):
    """Hours of audio the unit's clusters reported played in a month (the
    reports ``services.plays.check_report`` accepted)."""
    seconds = PlayLog.objects.filter(
        unit=unit, accepted=True, started_at__year=year, started_at__month=month
    ).aggregate(total=Sum("seconds"))["total"]
    return (seconds or 0) / 3600


def hours_aired_by_unit(units, year, month):
    rows = (
        PlayLog.objects.filter(
            unit__in=units,
            accepted=True,
            started_at__year=year,
            started_at__month=month,
        )
        .values("unit")
        .annotate(total=Sum("seconds"))
    )
    return {row["unit"]: row["total"] / 3600 for row in rows}


def listen_back(unit, subtree=False):
    """Programs of ``unit`` that were played and may be listened to again;
    with ``subtree``, of the units below it too (a district or provincial
    portal)."""
    units = unit.descendants(include_self=True) if subtree else [unit]
    return (
        Program.objects.filter(
            unit__in=units,
            public=True,
            dispatch__deliveries__state__in=[
                DeliveryState.PLAYING,
                DeliveryState.DONE,
                DeliveryState.PREEMPTED,
            ],
        )
        .exclude(audio="")
        .distinct()
        .order_by("-created_at")
    )
