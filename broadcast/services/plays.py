"""Play reports: checked before they count toward hours aired, and what
they prove about deliveries.

A device says what it played (protocol ``play`` message). The report counts
only if its ``result`` is one of the protocol's, it answers a command sent
to that device, its times are within the command's window and its seconds
are at most the program's length plus a margin. Everything else is kept
with the reason (``PlayReject``), shown in the cluster's play log, and not
counted.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from ..choices import DeliveryState
from ..devices import protocol
from ..models import Delivery, PlayLog, PlayReject, PlayResult


def _when(value):
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def margin(duration):
    """How much longer than the program a report may claim (device clocks,
    the player's start-up)."""
    return settings.BROADCAST_PLAY_MARGIN_SECONDS + 0.05 * max(0.0, duration)


def check_report(data, window, duration, now):
    """``(started_at, ended_at, seconds, reject)`` of a report.

    ``window`` is ``(not_before, not_after)`` of the command the report
    answers (``None`` when no command of this device has its cid),
    ``duration`` the program's seconds. ``reject`` is a ``PlayReject`` or
    ``""``; times fall back to ``now`` when the report has none (the row is
    rejected then).
    """
    started, ended = _when(data.get("started_at")), _when(data.get("ended_at"))
    seconds = data.get("seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        seconds = None
    stored = (started or now, ended or started or now, max(0.0, seconds or 0.0))
    if data.get("result") not in PlayResult.values:
        return (*stored, PlayReject.RESULT)
    if window is None:
        return (*stored, PlayReject.UNKNOWN)
    if started is None or ended is None or seconds is None or seconds < 0:
        return (*stored, PlayReject.TIMES)
    skew = timedelta(seconds=protocol.CLOCK_WINDOW)
    if ended < started or ended > now + skew:
        return (*stored, PlayReject.TIMES)
    not_before, not_after = window
    if started < not_before - skew or started > not_after + skew:
        return (*stored, PlayReject.WINDOW)
    elapsed = (ended - started).total_seconds()
    if seconds > duration + margin(duration) or seconds > elapsed + 2:
        return (*stored, PlayReject.DURATION)
    return (*stored, "")


# Deliveries a play report can settle: the device never acknowledged the
# command (it was offline and played the same item from its plan), or its
# final ack was lost. A report older than this is not looked at again.
SETTLED_FROM = [
    DeliveryState.SENT,
    DeliveryState.ACKNOWLEDGED,
    DeliveryState.PLAYING,
    DeliveryState.EXPIRED,
]
SETTLED_BY = {
    PlayResult.COMPLETED: DeliveryState.DONE,
    PlayResult.PREEMPTED: DeliveryState.PREEMPTED,
}
SETTLE_LOOKBACK = timedelta(days=2)


def settle_reported_plays(now=None):
    """Deliveries a device proved it aired: an accepted play report for the
    same cluster names the dispatch's ``cid`` or its plan ``item``, but the
    delivery was never acknowledged that far. The typical case is a device
    offline at the item's time: it plays the item from its plan, the
    platform's command waits on the broker, expires ("Hết hạn"), and the
    report comes on reconnect. The delivery then shows as played, with when
    and how (``detail``). Run by the sweep; returns how many moved."""
    from ..pipeline import set_state

    now = now or timezone.now()
    since = now - SETTLE_LOOKBACK
    accepted = PlayLog.objects.filter(
        cluster=OuterRef("cluster"),
        accepted=True,
        result__in=list(SETTLED_BY),
        received_at__gte=since,
    )
    # Two cheap tests (PlayLog's dispatch index; the cluster's few reports
    # for the item) before the details of the survivors are read.
    by_cid = accepted.filter(dispatch=OuterRef("dispatch"))
    by_item = accepted.filter(item=OuterRef("dispatch__item"))
    reports = accepted.filter(
        Q(dispatch=OuterRef("dispatch")) | Q(item=OuterRef("dispatch__item"))
    ).order_by("started_at")
    rows = (
        Delivery.objects.filter(state__in=SETTLED_FROM, updated_at__gte=since)
        .filter(Exists(by_cid) | (Exists(by_item) & Q(dispatch__item__isnull=False)))
        .annotate(
            played_at=Subquery(reports.values("started_at")[:1]),
            played=Subquery(reports.values("result")[:1]),
            # A report made offline from the plan has an item and no cid.
            played_cid=Subquery(reports.values("report__cid")[:1]),
        )
    )
    moved = 0
    for delivery in rows:
        new = SETTLED_BY[delivery.played]
        when = timezone.localtime(delivery.played_at)
        how = "theo lệnh" if delivery.played_cid else "từ lịch lưu trên thiết bị"
        detail = f"Đã phát {how} lúc {when:%H:%M:%S %d/%m/%Y} (theo báo cáo phát)"
        if set_state(delivery, new, detail=detail, when=now, strict=False):
            moved += 1
    return moved
