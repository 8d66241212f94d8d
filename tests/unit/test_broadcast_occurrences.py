"""When a schedule fires (broadcast.services.occurrences): a pure function
of the schedule and a window, in Vietnamese local time."""

import datetime as dt
from zoneinfo import ZoneInfo

from broadcast.models import Schedule, ScheduleKind
from broadcast.services import occurrences

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2025, 10, 6)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), VN)


def week(schedule, start=MONDAY, days=7):
    return occurrences(schedule, at(start, 0), at(start + dt.timedelta(days=days), 0))


def test_recurring_schedule_fires_at_its_times_on_its_weekdays_only():
    schedule = Schedule(
        kind=ScheduleKind.RECURRING, times=["06:00", "17:30"], weekdays=[0, 2]
    )
    wednesday = MONDAY + dt.timedelta(days=2)
    assert week(schedule) == [
        at(MONDAY, 6),
        at(MONDAY, 17, 30),
        at(wednesday, 6),
        at(wednesday, 17, 30),
    ]


def test_no_weekdays_means_every_day_and_the_validity_dates_bound_it():
    schedule = Schedule(
        kind=ScheduleKind.RECURRING,
        times=["06:00"],
        valid_from=MONDAY + dt.timedelta(days=1),
        valid_until=MONDAY + dt.timedelta(days=3),
    )
    assert week(schedule) == [at(MONDAY + dt.timedelta(days=n), 6) for n in (1, 2, 3)]


def test_the_window_is_half_open_and_read_in_local_time():
    schedule = Schedule(kind=ScheduleKind.RECURRING, times=["06:00"])
    # 06:00 in Vietnam is 23:00 UTC the day before.
    start = dt.datetime(2025, 10, 5, 23, 0, tzinfo=dt.UTC)
    assert occurrences(schedule, start, start + dt.timedelta(hours=1)) == [
        at(MONDAY, 6)
    ]
    assert (
        occurrences(
            schedule, start + dt.timedelta(seconds=1), start + dt.timedelta(days=1)
        )
        == []
    )


def test_a_one_off_schedule_fires_once_inside_the_window():
    schedule = Schedule(kind=ScheduleKind.ONCE, start_at=at(MONDAY, 9, 15))
    assert week(schedule) == [at(MONDAY, 9, 15)]
    assert week(schedule, start=MONDAY + dt.timedelta(days=1)) == []
    assert week(Schedule(kind=ScheduleKind.ONCE)) == []
