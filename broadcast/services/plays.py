"""Play reports: checked before they count toward hours aired.

A device says what it played (protocol ``play`` message). The report counts
only if its ``result`` is one of the protocol's, it answers a command sent
to that device, its times are within the command's window and its seconds
are at most the program's length plus a margin. Everything else is kept
with the reason (``PlayReject``), shown in the cluster's play log, and not
counted.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings

from ..devices import protocol
from ..models import PlayReject, PlayResult


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
