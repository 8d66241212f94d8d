"""Bulletins on the speaker channel, with the real bulletins models: the
bulletin becomes a program and the bulletins pipeline records "used"."""

import logging

import pytest

from broadcast.models import Dispatch, Program
from bulletins import services as bulletin_services
from bulletins.models import Delivery as BulletinDelivery
from bulletins.signals import bulletin_for_channel

from ..bulletins.factories import officer, sent

pytestmark = pytest.mark.django_db


def speaker_delivery(item, unit):
    return BulletinDelivery.objects.get(bulletin=item, unit=unit, channel="speaker")


def steps(delivery):
    return list(delivery.transitions.values_list("from_state", "to_state", "actor"))


def test_a_bulletin_passed_to_the_speakers_ends_used_in_the_bulletins_pipeline(
    tree, caplog
):
    caplog.set_level(logging.INFO, logger="broadcast")
    item = sent(
        officer(tree.district_a),
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
    item = sent(
        officer(tree.district_a),
        units=[tree.commune_a2],
        channels=["speaker"],
        title="Lịch thu gom rác",
    )
    bulletin_services.pass_to_devices(item, tree.commune_a2, channels=["speaker"])
    delivery = speaker_delivery(item, tree.commune_a2)
    assert delivery.state == "used"
    assert Program.objects.filter(bulletin_id=item.pk, unit=tree.commune_a2).exists()
    # Only for that commune: nothing for the others.
    assert not Program.objects.filter(bulletin_id=item.pk).exclude(unit=tree.commune_a2)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_an_emergency_bulletin_is_dispatched_at_once_and_ends_used(tree, caplog):
    item = sent(
        officer(tree.district_b),
        units=[tree.commune_b1],
        channels=["speaker"],
        priority="emergency",
        title="Cảnh báo lũ quét",
        body="Nước sông dâng nhanh, bà con vùng trũng di dời ngay.",
    )
    delivery = speaker_delivery(item, tree.commune_b1)
    assert delivery.state == "used" and delivery.immediate
    dispatch = Dispatch.objects.get(program__bulletin_id=item.pk)
    assert dispatch.priority == "emergency" and dispatch.unit_id == tree.commune_b1.pk
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
