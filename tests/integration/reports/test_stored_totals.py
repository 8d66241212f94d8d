"""The running totals the dashboard reads instead of a year of raw rows are
kept equal to those rows whatever writes them: ``broadcast.PlayDay`` (seconds
played per unit and day, from ``PlayLog`` and each log's program) and
``broadcast.PlayMonth`` (the same per calendar month) and
``bulletins.FirstAnswer`` (a delivery's first move out of "sent", from its
``DeliveryTransition`` history). Both are kept by database triggers; each
test fails when a trigger is missing or does not cover a way of writing."""

import datetime
import importlib
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from broadcast.indicators import _played, played_from_logs
from broadcast.models import PlayDay, PlayLog, PlayMonth
from bulletins import pipeline
from bulletins.indicators import delivery_counts
from bulletins.models import Delivery, DeliveryTransition, FirstAnswer
from reports import services
from reports.registry import Period, Subtree
from tests.factories import reports as f

pytestmark = pytest.mark.django_db

PERIOD = Period.report_year(2025)  # 15/12/2024 – 14/12/2025
DAY = datetime.date(2025, 6, 1)


# The report year (whole months plus the first and last months' days), a
# day, a month and a half (one whole month), exactly a month.
PERIODS = (
    PERIOD,
    Period(DAY, DAY),
    Period(datetime.date(2025, 5, 20), datetime.date(2025, 7, 10)),
    Period(datetime.date(2025, 6, 1), datetime.date(2025, 6, 30)),
)


def totals_from_logs(month=False):
    """{(unit id, local day or month): (plays, seconds, tts, minority)} of
    the accepted logs (a report refused by the checks plays no seconds)."""
    out = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for log in PlayLog.objects.filter(accepted=True).select_related("program"):
        day = timezone.localtime(log.started_at).date()
        item = out[(log.unit_id, day.replace(day=1) if month else day)]
        item[0] += 1
        item[1] += log.seconds
        if log.program and log.program.kind == "tts":
            item[2] += log.seconds
        if log.program and log.program.language not in ("", "vi"):
            item[3] += log.seconds
    return {key: tuple(value) for key, value in out.items()}


def stored_totals(month=False):
    rows = PlayMonth.objects.all() if month else PlayDay.objects.all()
    return {
        (d.unit_id, d.month if month else d.day): (
            d.plays,
            d.seconds,
            d.tts_seconds,
            d.minority_seconds,
        )
        for d in rows
    }


def assert_play_totals_match(root):
    for month in (False, True):
        expected, stored = totals_from_logs(month), stored_totals(month)
        assert set(stored) == set(expected)
        for key, (plays, *seconds) in expected.items():
            assert stored[key][0] == plays, key
            assert stored[key][1:] == pytest.approx(tuple(seconds)), key
    for period in PERIODS:
        subtree = Subtree(root)
        from_totals = _played(subtree, period)
        from_logs = played_from_logs(subtree, period)
        assert set(from_totals) == set(from_logs), period
        for unit_id, sums in from_logs.items():
            assert from_totals[unit_id] == pytest.approx(sums), (period, unit_id)


def hours(root):
    rows = services.evaluate(
        root,
        PERIOD,
        keys=["broadcast_hours", "broadcast_tts", "broadcast_minority"],
        plan=False,
    )
    return {r.indicator.key: r.value for r in rows}


def test_play_seconds_per_day_follow_every_way_logs_are_written(tree):
    a1, a2 = tree.commune_a1, tree.commune_a2
    c1, c2 = f.make_cluster(a1), f.make_cluster(a2)
    tts, khmer, plain = (
        f.make_program(a1, "tts"),
        f.make_program(a1, "audio", "km"),
        f.make_program(a1),
    )
    # One at a time (the ORM's create) ...
    f.make_played(c1, tts, f.at(DAY, 6), 1800)
    f.make_played(c1, khmer, f.at(DAY, 7), 900)
    # ... and many in one statement, as the listener records them; the
    # local day starts at midnight in Vietnam (17:00 UTC the day before).
    last_minute = f.at("2025-12-14", 23) + datetime.timedelta(minutes=59)
    PlayLog.objects.bulk_create(
        PlayLog(
            cluster=cluster,
            unit=cluster.unit,
            program=program,
            started_at=started,
            ended_at=started + datetime.timedelta(seconds=seconds),
            seconds=seconds,
            result="done",
        )
        for cluster, program, started, seconds in (
            (c1, plain, f.at(DAY, 8), 600.5),
            (c2, None, f.at(DAY, 8), 300),
            (c1, tts, last_minute, 60),
            (c1, tts, f.at("2025-12-15", 0), 120),  # the next report year
        )
    )
    assert PlayDay.objects.get(unit=a1, day=DAY).plays == 3
    assert PlayDay.objects.get(unit=a1, day=DAY).seconds == pytest.approx(3300.5)
    assert PlayDay.objects.get(unit=a1, day=DAY).tts_seconds == 1800
    assert PlayDay.objects.get(unit=a1, day=DAY).minority_seconds == 900
    assert PlayDay.objects.get(unit=a1, day=datetime.date(2025, 12, 14)).plays == 1
    assert PlayDay.objects.get(unit=a1, day=datetime.date(2025, 12, 15)).plays == 1
    june = PlayMonth.objects.get(unit=a1, month=DAY)
    assert (june.plays, june.seconds) == (3, pytest.approx(3300.5))
    assert PlayMonth.objects.get(unit=a1, month=datetime.date(2025, 12, 1)).plays == 2
    assert_play_totals_match(tree.province)
    # Hours per unit, rounded, then summed: a1 3,360.5 s (0.93 h, of which
    # TTS 1,860 s = 0.52 h and Khmer 900 s = 0.25 h), a2 300 s (0.08 h).
    assert hours(tree.province) == {
        "broadcast_hours": 1.01,
        "broadcast_tts": 51.5,
        "broadcast_minority": 24.8,
    }

    # A log corrected in place: moved to another day and lengthened, and
    # one moved to another month.
    PlayLog.objects.filter(program=khmer).update(
        started_at=f.at("2025-06-02", 7), seconds=1200
    )
    assert_play_totals_match(tree.province)
    PlayLog.objects.filter(program=khmer).update(started_at=f.at("2025-07-01", 0))
    assert PlayMonth.objects.get(unit=a1, month=DAY).minority_seconds == 0
    assert_play_totals_match(tree.province)
    # A log removed: its day keeps the others; a day left empty goes.
    PlayLog.objects.filter(unit=a2).delete()
    assert not PlayDay.objects.filter(unit=a2).exists()
    assert not PlayMonth.objects.filter(unit=a2).exists()
    assert_play_totals_match(tree.province)
    # A program's kind and language changed: its seconds move between totals.
    plain.kind, plain.language = "tts", "km"
    plain.save()
    assert PlayDay.objects.get(unit=a1, day=DAY).tts_seconds == pytest.approx(2400.5)
    assert_play_totals_match(tree.province)
    # A program deleted: its logs stay, counted as neither TTS nor minority.
    tts.delete()
    assert PlayDay.objects.get(unit=a1, day=DAY).tts_seconds == pytest.approx(600.5)
    assert_play_totals_match(tree.province)
    # A cluster deleted takes its logs, and their seconds, with it.
    c1.delete()
    assert not PlayDay.objects.exists()
    assert not PlayMonth.objects.exists()
    assert_play_totals_match(tree.province)


def test_play_seconds_backfill_counts_the_logs_already_recorded(tree):
    a1 = tree.commune_a1
    c = f.make_cluster(a1)
    f.make_played(c, f.make_program(a1, "tts"), f.at(DAY, 6), 1800)
    f.make_played(c, f.make_program(a1, "audio", "km"), f.at(DAY, 9), 600)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM broadcast_playday")
        cursor.execute("DELETE FROM broadcast_playmonth")
        for name in ("0010_playday", "0011_playmonth"):
            migration = importlib.import_module(f"broadcast.migrations.{name}")
            cursor.execute(migration.BACKFILL_SQL)
    day = PlayDay.objects.get(unit=a1, day=DAY)
    assert (day.plays, day.seconds, day.tts_seconds, day.minority_seconds) == (
        2,
        2400,
        1800,
        600,
    )
    assert_play_totals_match(tree.province)


def first_answers_from_history():
    return dict(
        DeliveryTransition.objects.filter(from_state="sent")
        .values("delivery_id")
        .annotate(first=Min("at"))
        .values_list("delivery_id", "first")
    )


def assert_first_answers_match(root):
    stored = dict(FirstAnswer.objects.values_list("delivery_id", "at"))
    assert stored == first_answers_from_history()
    subtree = Subtree(root)
    assert delivery_counts(subtree, PERIOD) == delivery_counts(
        subtree, PERIOD, from_history=True
    )


def test_first_answer_follows_the_delivery_history(tree):
    a1, a2, b1 = tree.commune_a1, tree.commune_a2, tree.commune_b1
    sent = f.at(DAY, 8)
    bulletin = f.make_bulletin(tree.province, sent_at=sent, priority="priority")
    opened, late, silent = (
        Delivery.objects.create(bulletin=bulletin, unit=unit, channel="web")
        for unit in (a1, a2, b1)
    )
    # Through the pipeline, as an official opening it does: the first move
    # out of "sent" is the answer; later moves do not change it.
    pipeline.set_state(opened, "received", actor="Cán bộ xã")
    answered = DeliveryTransition.objects.get(delivery=opened, from_state="sent").at
    assert FirstAnswer.objects.get(delivery=opened).at == answered
    pipeline.set_state(opened, "used", actor="Cán bộ xã")
    assert FirstAnswer.objects.get(delivery=opened).at == answered
    assert not FirstAnswer.objects.filter(delivery=silent).exists()
    # Many in one statement, and a time corrected afterwards.
    DeliveryTransition.objects.bulk_create(
        [
            DeliveryTransition(delivery=late, from_state="sent", to_state="received"),
            DeliveryTransition(delivery=late, from_state="sent", to_state="expired"),
        ]
    )
    assert FirstAnswer.objects.filter(delivery=late).exists()
    DeliveryTransition.objects.filter(delivery=late).update(
        at=sent + datetime.timedelta(hours=5)
    )
    DeliveryTransition.objects.filter(delivery=opened, from_state="sent").update(
        at=sent + datetime.timedelta(hours=1)
    )
    assert FirstAnswer.objects.get(delivery=late).at == sent + datetime.timedelta(
        hours=5
    )
    assert_first_answers_match(tree.province)
    # Priority: 4 hours. Opened after 1 hour is on time, after 5 is late.
    on_time = services.evaluate(
        tree.province, PERIOD, keys=["bulletins_on_time"], plan=False
    )[0]
    assert (on_time.numerator, on_time.denominator) == (1, 3)
    # History removed: the answer goes with it.
    DeliveryTransition.objects.filter(delivery=late).delete()
    assert not FirstAnswer.objects.filter(delivery=late).exists()
    assert_first_answers_match(tree.province)
    bulletin.delete()
    assert not FirstAnswer.objects.exists()


def test_first_answer_backfill_reads_the_history_already_recorded(tree):
    bulletin = f.make_bulletin(tree.province, sent_at=f.at(DAY, 8))
    f.make_delivery(bulletin, tree.commune_a1, "received", answered=f.at(DAY, 9))
    f.make_delivery(bulletin, tree.commune_a2)
    migration = importlib.import_module("bulletins.migrations.0004_first_answer")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bulletins_firstanswer")
        cursor.execute(migration.BACKFILL_SQL)
    assert list(FirstAnswer.objects.values_list("at", flat=True)) == [f.at(DAY, 9)]
    assert_first_answers_match(tree.province)
