"""Retries of a command nobody answered: only to devices that are online.
A device offline keeps its one queued copy at the broker (QoS 1, its
session) instead of one more per sweep."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from broadcast import services
from broadcast.models import Delivery, OutboxMessage, Program, SpeakerCluster
from broadcast.pipeline import record_new
from tests.factories.broadcast import make_cluster

pytestmark = pytest.mark.django_db


def test_an_offline_device_gets_no_copy_per_sweep_and_one_when_back(tree):
    program = Program.objects.create(
        unit=tree.commune_b1, title="Thông báo", duration_seconds=30
    )
    here, _ = make_cluster(tree.commune_b1, "Chợ", device_id="retry-here")
    away, _ = make_cluster(tree.commune_b1, "Bến đò", device_id="retry-away")
    SpeakerCluster.objects.filter(pk=here.pk).update(online=True)
    dispatch = services.dispatch_program(program, units=[tree.commune_b1])
    record_new(dispatch.pk, [here.pk, away.pk], "sent")
    OutboxMessage.objects.filter(dispatch=dispatch).update(sent_at=timezone.now())
    timeout = timedelta(seconds=settings.BROADCAST_ACK_TIMEOUT_SECONDS + 1)
    sweeps = [timezone.now() + timeout * (i + 1) for i in range(3)]
    for at in sweeps:
        services.retry_unacknowledged(now=at)
    copies = [
        device
        for row in OutboxMessage.objects.filter(dispatch=dispatch, sent_at=None)
        for device in row.device_ids
    ]
    # The online device is asked again at each sweep; the offline one never.
    assert copies.count("retry-here") == 3 and "retry-away" not in copies
    assert Delivery.objects.get(dispatch=dispatch, cluster=away).attempts == 1
    # Back online: the next sweep repeats the command once.
    SpeakerCluster.objects.filter(pk=away.pk).update(online=True)
    services.retry_unacknowledged(now=sweeps[-1] + timeout)
    copies = [
        device
        for row in OutboxMessage.objects.filter(dispatch=dispatch, sent_at=None)
        for device in row.device_ids
    ]
    assert copies.count("retry-away") == 1
    assert Delivery.objects.get(dispatch=dispatch, cluster=away).attempts == 2
