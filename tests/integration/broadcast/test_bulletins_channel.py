"""Bulletins on the speaker channel, with the real bulletins models: the
bulletin becomes a program and the bulletins pipeline records "used"."""

import logging

import pytest

from broadcast import services
from broadcast.models import BulletinRequest, Dispatch, Program
from bulletins import services as bulletin_services
from bulletins.models import Delivery as BulletinDelivery
from bulletins.signals import bulletin_for_channel
from tests.factories.bulletins import make_officer, make_sent_bulletin

pytestmark = pytest.mark.django_db


def speaker_delivery(item, unit):
    return BulletinDelivery.objects.get(bulletin=item, unit=unit, channel="speaker")


def steps(delivery):
    return list(delivery.transitions.values_list("from_state", "to_state", "actor"))


def test_a_bulletin_passed_to_the_speakers_ends_used_in_the_bulletins_pipeline(
    tree, caplog
):
    caplog.set_level(logging.INFO, logger="broadcast")
    item = make_sent_bulletin(
        make_officer(tree.district_a),
        units=[tree.commune_a1],
        channels=["web", "speaker"],
        title="Thông báo lịch tiêm chủng",
        body="Sáng thứ Hai ngày 15/3, trạm y tế xã tiêm chủng cho trẻ.",
    )
    # The speakers themselves announce what they did (e.g. a signal sent
    # before the commune acted): sent -> received -> used, by the speakers.
    bulletin_for_channel.send(
        sender=type(item),
        bulletin=item,
        unit=tree.commune_a1,
        channel="speaker",
        emergency=False,
    )
    # The receiver only wrote a request; the task makes the program.
    assert not Program.objects.filter(bulletin_id=item.pk).exists()
    assert services.process_bulletin_requests() == 1
    delivery = speaker_delivery(item, tree.commune_a1)
    assert delivery.state == "used"
    assert steps(delivery) == [
        ("", "sent", "Hệ thống"),
        ("sent", "received", "Hệ thống truyền thanh"),
        ("received", "used", "Hệ thống truyền thanh"),
    ]
    program = Program.objects.get(bulletin_id=item.pk)
    assert program.unit_id == tree.commune_a1.pk and program.duration_seconds > 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_commune_passing_a_bulletin_to_its_speakers_makes_a_program(tree, caplog):
    item = make_sent_bulletin(
        make_officer(tree.district_a),
        units=[tree.commune_a2],
        channels=["speaker"],
        title="Lịch thu gom rác",
    )
    bulletin_services.pass_to_devices(item, tree.commune_a2, channels=["speaker"])
    services.process_bulletin_requests()
    delivery = speaker_delivery(item, tree.commune_a2)
    assert delivery.state == "used"
    assert Program.objects.filter(bulletin_id=item.pk, unit=tree.commune_a2).exists()
    # Only for that commune: nothing for the others.
    assert not Program.objects.filter(bulletin_id=item.pk).exclude(unit=tree.commune_a2)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_an_emergency_bulletin_is_dispatched_at_once_and_ends_used(tree, caplog):
    item = make_sent_bulletin(
        make_officer(tree.district_b),
        units=[tree.commune_b1],
        channels=["speaker"],
        priority="emergency",
        title="Cảnh báo lũ quét",
        body="Nước sông dâng nhanh, bà con vùng trũng di dời ngay.",
    )
    [request] = BulletinRequest.objects.filter(bulletin_id=item.pk)
    assert request.emergency and request.processed_at is None
    services.process_bulletin_requests()
    delivery = speaker_delivery(item, tree.commune_b1)
    assert delivery.state == "used" and delivery.immediate
    dispatch = Dispatch.objects.get(program__bulletin_id=item.pk)
    assert dispatch.priority == "emergency" and dispatch.unit_id == tree.commune_b1.pk
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_one_emergency_to_many_communes_is_synthesized_once(tree):
    item = make_sent_bulletin(
        make_officer(tree.province),
        root=tree.province,
        channels=["speaker"],
        priority="emergency",
        title="Cảnh báo bão số 3",
        body="Bão đổ bộ lúc 7h30 ngày 12/9. Bà con chằng chống nhà cửa.",
    )
    assert BulletinRequest.objects.filter(bulletin_id=item.pk).count() == 3
    assert services.process_bulletin_requests() == 3
    programs = list(Program.objects.filter(bulletin_id=item.pk))
    assert {p.unit.code for p in programs} == {"90101", "90102", "90201"}
    assert len({p.audio.name for p in programs}) == 1
    dispatches = Dispatch.objects.filter(program__bulletin_id=item.pk)
    assert {d.unit.code for d in dispatches} == {"90101", "90102", "90201"}
    assert all(d.priority == "emergency" for d in dispatches)
    # Each commune's dispatch goes to its own clusters only.
    for dispatch in dispatches:
        assert all(
            dispatch.unit.schema_name in m.topic or "/dev/" in m.topic
            for m in dispatch.outbox.all()
        )
    assert services.process_bulletin_requests() == 0


def test_a_request_with_text_too_long_is_closed_with_the_reason(tree, settings):
    settings.BROADCAST_TTS_MAX_CHARS = 20
    request = BulletinRequest.objects.create(
        bulletin_id=424242,
        unit=tree.commune_a1,
        title="Quá dài",
        text="Một đoạn văn bản rất dài vượt quá giới hạn cho phép.",
    )
    services.process_bulletin_requests()
    request.refresh_from_db()
    assert request.processed_at and "20" in request.last_error
    assert request.program is None


def test_an_expired_bulletin_stops_its_speakers_once(tree):
    """speakers.md M4: the bulletins' expiry job runs every few minutes and
    used to send the same stop each time; once the device answered
    "stopped" nothing more is sent, and the delivery is not left playing."""
    from datetime import timedelta

    from django.utils import timezone

    from broadcast.models import OutboxMessage
    from broadcast.pipeline import record_new, set_state
    from bulletins.models import Bulletin
    from tests.factories.broadcast import make_cluster

    item = make_sent_bulletin(
        make_officer(tree.district_a),
        units=[tree.commune_a1],
        channels=["speaker"],
        title="Cắt điện khu vực chợ",
        body="Chiều nay cắt điện từ 14 giờ đến 16 giờ.",
        valid_until=timezone.now() + timedelta(hours=1),
    )
    bulletin_for_channel.send(
        sender=type(item),
        bulletin=item,
        unit=tree.commune_a1,
        channel="speaker",
        emergency=False,
    )
    services.process_bulletin_requests()
    program = Program.objects.get(bulletin_id=item.pk)
    cluster, _ = make_cluster(tree.commune_a1, "Cụm loa chợ", device_id="m4-stop")
    dispatch = services.dispatch_program(
        program, clusters=[cluster], expires_in=timedelta(hours=1), kick=False
    )
    record_new(dispatch.pk, [cluster.pk], "sent")
    delivery = dispatch.deliveries.get()
    set_state(delivery, "playing")

    def stops():
        return OutboxMessage.objects.filter(
            dispatch=dispatch, payload__type="stop"
        ).count()

    Bulletin.objects.filter(pk=item.pk).update(
        valid_until=timezone.now() - timedelta(minutes=1)
    )
    bulletin_services.expire_deliveries()
    assert stops() == 1
    # The device answers the stop ("stopped"): later runs send nothing.
    delivery.refresh_from_db()
    set_state(delivery, "stopped")
    for _ in range(3):
        bulletin_services.expire_deliveries()
    assert stops() == 1
    assert dispatch.deliveries.get().state == "stopped"
