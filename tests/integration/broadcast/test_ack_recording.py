"""How the listener records what devices answer, in batches: every ack once
even when two listeners take the same acks, with the rows written with the
dispatch and when the acks beat their rows (an older version's dispatch,
rows written after publishing), the detail a device gives with a
failure kept for officers, and everything a batch says about presence.
Real project broker (ACL), simulated devices, the listener."""

import uuid
from collections import Counter

import pytest
from django.conf import settings
from django.urls import reverse
from django_tenants.utils import tenant_context

from broadcast import services
from broadcast.devices import credentials, protocol
from broadcast.devices.listener import Listener
from broadcast.devices.mqtt import publish_outbox
from broadcast.models import (
    Delivery,
    DeliveryTransition,
    ListenerCounter,
    Program,
    SpeakerCluster,
)
from tests.integration.broadcast.test_resilience import publisher, signed
from tests.utils import admin_client, wait_for

pytestmark = [pytest.mark.slow]


@pytest.mark.parametrize("rows", ["with_the_dispatch", "after_publishing"])
def test_every_ack_is_recorded_once_by_two_listeners_before_and_after_its_row(
    tree, make_clusters, fleet_factory, listener_factory, rows
):
    """Two listeners (a second one for availability) both receive every ack.
    Rows are written with the dispatch, so acks find them at once; a
    dispatch of an older version has its rows written by the publisher
    after publishing, and its acks come before the rows exist. Either way
    each delivery moves to each state at most once, ends done, and no ack
    is lost."""
    specs = make_clusters(tree.commune_a1, 12)
    listener_factory()
    listener_factory()
    fleet_factory(specs, play_seconds=0.5)
    program = Program.objects.create(
        unit=tree.commune_a1, title="Cảnh báo lũ", duration_seconds=5
    )
    dispatch = services.dispatch_program(
        program, units=[tree.commune_a1], priority="emergency", kick=False
    )
    deliveries = Delivery.objects.filter(dispatch=dispatch)
    assert deliveries.filter(state="queued").count() == 12
    if rows == "after_publishing":
        deliveries.delete()
    published, failed = publish_outbox()
    assert (published, failed) == (12, 0)
    assert wait_for(
        lambda: list(deliveries.values_list("state", flat=True)) == ["done"] * 12, 30
    ), Counter(deliveries.values_list("state", flat=True))
    moves = Counter()
    for row in DeliveryTransition.objects.filter(dispatch=dispatch):
        for delivery_id in row.delivery_ids:
            moves[(delivery_id, row.to_state)] += 1
    # Once each: done when the device said so (a "playing" taken by one
    # listener after the other recorded "done" is refused by the pipeline,
    # never recorded twice); sent when the broker took it, if the device's
    # answer did not come first.
    assert all(n == 1 for n in moves.values()), moves
    for delivery in deliveries:
        assert moves[(delivery.pk, "done")] == 1
        if rows == "after_publishing":
            assert moves[(delivery.pk, "sent")] == 1
    assert deliveries.filter(acknowledged_at__isnull=True).count() == 0
    assert deliveries.filter(sent_at__isnull=True).count() == 0
    assert ListenerCounter.value("ack_without_delivery") == 0


def test_the_detail_of_a_failed_ack_is_kept_and_shown_to_officers(
    tree, make_clusters, listener_factory
):
    (spec,) = make_clusters(tree.commune_a1, 1)
    listener_factory()
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    program = Program.objects.create(
        unit=tree.commune_a1, title="Thông báo họp dân", duration_seconds=5
    )
    dispatch = services.dispatch_program(program, clusters=[cluster], kick=False)
    publish_outbox()
    delivery = Delivery.objects.get(dispatch=dispatch)
    device = publisher(spec)
    body = {"cid": str(dispatch.cid), "state": "failed", "detail": "HTTP 404"}
    payload, props = signed(spec, protocol.ACK, body)
    device.publish(
        protocol.device_topic(spec["device_id"], protocol.ACK),
        payload,
        qos=1,
        properties=props,
    ).wait_for_publish(5)
    assert wait_for(lambda: Delivery.objects.get(pk=delivery.pk).state == "failed", 15)
    delivery.refresh_from_db()
    assert delivery.detail == "Thiết bị báo: HTTP 404"
    # A later ack of the same delivery (a repeat) does not erase it.
    handled = ListenerCounter.value("handled")
    payload, props = signed(spec, protocol.ACK, {**body, "detail": ""})
    device.publish(
        protocol.device_topic(spec["device_id"], protocol.ACK),
        payload,
        qos=1,
        properties=props,
    ).wait_for_publish(5)
    assert wait_for(lambda: ListenerCounter.value("handled") > handled, 15)
    device.loop_stop()
    device.disconnect()

    name = f"qt{uuid.uuid4().hex[:8]}"
    admin = admin_client(tree.commune_a1, username=name)
    try:
        page = admin.get(reverse("broadcast_admin_dispatch", args=[dispatch.pk]))
        assert page.status_code == 200
        assert "Thiết bị báo: HTTP 404" in page.content.decode()
        listing = admin.get(reverse("trang-thai-phat:index"))
        assert listing.status_code == 200
        assert "Thiết bị báo: HTTP 404" in listing.content.decode()
    finally:
        from django.contrib.auth import get_user_model

        with tenant_context(tree.commune_a1):
            get_user_model().objects.filter(username=name).delete()
    assert Delivery.objects.get(pk=delivery.pk).detail == "Thiết bị báo: HTTP 404"


def test_a_status_and_a_heartbeat_of_one_device_in_one_batch_both_count(
    tree, make_clusters
):
    """A device that reconnects sends its status and, at once, a heartbeat:
    in one batch both are recorded (volume and firmware from the status,
    what plays from the heartbeat), and the batch's drops are counted."""
    (spec,) = make_clusters(tree.commune_a1, 1)
    topic = protocol.device_topic
    status, status_props = signed(
        spec,
        protocol.STATUS,
        {"online": True, "volume": 42, "firmware": "acme-loa/3.0", "source": "ip"},
    )
    beat, beat_props = signed(spec, protocol.HEARTBEAT, {"playing": "tin-sang"})
    sig = credentials.sig_of
    before = ListenerCounter.value("dropped:replay")
    listener = Listener(url="mqtt://127.0.0.1:1")  # never started: process only
    listener.process(
        [
            (topic(spec["device_id"], "status"), status, False, sig(status_props)),
            (topic(spec["device_id"], "heartbeat"), beat, False, sig(beat_props)),
            # The same heartbeat twice more: two replays, one count update.
            (topic(spec["device_id"], "heartbeat"), beat, False, sig(beat_props)),
            (topic(spec["device_id"], "heartbeat"), beat, False, sig(beat_props)),
        ]
    )
    listener.flush_counts()
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    assert cluster.online
    assert (cluster.reported_volume, cluster.firmware) == (42, "acme-loa/3.0")
    assert (cluster.source, cluster.now_playing) == ("ip", "tin-sang")
    assert ListenerCounter.value("dropped:replay") - before == 2


def test_a_second_listener_with_the_same_client_id_refuses_to_start(
    committed, listener_factory, own_broker
):
    """The listener's persistent session is its client id: a second process
    with the same id would take the session over (and be taken over back),
    so it refuses, naming the way out; the id is free once the first
    stops."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from broadcast.devices.listener import ListenerRunning

    first = listener_factory()
    second = Listener(url=settings.MQTT_URL, client_id=first.client_id)
    with pytest.raises(ListenerRunning, match="--client-id"):
        second.start()
    assert second.client is None  # it never reached the broker
    with pytest.raises(CommandError, match=first.client_id):
        call_command("broadcast_listener", "--client-id", first.client_id)
    # The same id at another broker is another session (a second checkout
    # with a broker of its own): allowed.
    other = own_broker()
    elsewhere = Listener(url=other.url, client_id=first.client_id).start()
    try:
        assert elsewhere.connected.wait(15)
    finally:
        elsewhere.stop()
    first.stop()
    again = Listener(url=settings.MQTT_URL, client_id=first.client_id).start()
    try:
        assert again.connected.wait(15)
    finally:
        again.stop()
