"""Against a Mosquitto of our own: per-device ACLs, and a broker killed
and restarted in the middle of a dispatch."""

import signal
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest

from broadcast import services
from broadcast.devices import protocol
from broadcast.devices.mqtt import (
    Publisher,
    connect_properties,
    publish_outbox,
    publish_properties,
)
from broadcast.models import Delivery, Program, SpeakerCluster
from broadcast.services import dispatch as dispatch_service
from tests.utils import wait_for

pytestmark = [pytest.mark.slow]


def client_for(
    port, username=None, password=None, client_id=None, on_message=None, **connect
):
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id or f"acl-{uuid.uuid4().hex[:8]}",
        protocol=mqtt.MQTTv5,
    )
    if username:
        client.username_pw_set(username, password)
    result = {"disconnects": []}
    ready = threading.Event()

    def on_connect(c, u, flags, reason_code, props):
        result["connect"] = reason_code
        ready.set()

    client.on_connect = on_connect
    if on_message:
        client.on_message = on_message
    client.on_disconnect = lambda c, u, f, rc, p: result["disconnects"].append(rc)
    client.connect("127.0.0.1", port, **connect)
    client.loop_start()
    ready.wait(10)
    return client, result


def test_broker_refuses_anonymous_foreign_credentials_and_foreign_topics(
    tree, project_broker, make_clusters
):
    a, b = make_clusters(tree.commune_a1, 2)
    broker = project_broker
    # The clusters just registered are in the broker's files (rewritten and
    # reloaded on commit); anonymous clients are refused on both listeners.
    text = (broker.conf_dir / "passwd").read_text()
    assert a["device_id"] in text and b["device_id"] in text
    for port in (broker.device_port, broker.server_port):
        anonymous, result = client_for(port)
        assert result["connect"].is_failure
        anonymous.loop_stop()
    # A device using another device's credentials is refused, and device
    # accounts cannot use the platform's listener.
    intruder, result = client_for(broker.device_port, a["username"], b["password"])
    assert result["connect"].is_failure
    intruder.loop_stop()
    intruder, result = client_for(broker.server_port, a["username"], a["password"])
    assert result["connect"].is_failure
    intruder.loop_stop()

    # The platform sees what devices publish on their own topics only.
    server, result = client_for(broker.server_port, broker.user, broker.password)
    assert not result["connect"].is_failure
    received = []
    server.on_message = lambda c, u, m: received.append(m.topic)
    server.subscribe(f"{protocol.root()}/dev/#", qos=1)
    time.sleep(0.3)

    device, result = client_for(broker.device_port, a["username"], a["password"])
    assert not result["connect"].is_failure
    own = device.publish(protocol.device_topic(a["device_id"], "ack"), b"{}", qos=1)
    foreign = device.publish(protocol.device_topic(b["device_id"], "ack"), b"{}", qos=1)
    forged = device.publish(protocol.device_cmd(b["device_id"]), b"{}", qos=1)
    # A kind the protocol does not have, on the device's own branch
    # (speakers.md M9): refused by the broker, never reaches the platform.
    telemetry = device.publish(
        f"{protocol.root()}/dev/{a['device_id']}/telemetry", b"{}", qos=1
    )
    for info in (own, foreign, forged, telemetry):
        info.wait_for_publish(5)
    assert wait_for(lambda: received, 5)
    # Reading another device's or another unit's commands is refused too
    # (Mosquitto grants the subscription but never delivers what the ACL
    # forbids).
    got = []
    device.on_message = lambda c, u, m: got.append(m.topic)
    subscribed = threading.Event()
    device.on_subscribe = lambda *args: subscribed.set()
    own_group = protocol.device_cmd(a["device_id"])
    foreign = [
        protocol.device_cmd(b["device_id"]),
        f"{protocol.root()}/grp/all/cmd",
    ]
    device.subscribe([(topic, 1) for topic in [own_group, *foreign]])
    assert subscribed.wait(5)
    for topic in [*foreign, own_group]:
        server.publish(topic, b"{}", qos=1).wait_for_publish(5)
    assert wait_for(lambda: got, 5)
    time.sleep(0.5)
    assert got == [own_group]
    ours = (f"/{a['device_id']}/", f"/{b['device_id']}/")
    device_reports = [
        t for t in received if not t.endswith("/cmd") and any(o in t for o in ours)
    ]
    assert device_reports == [protocol.device_topic(a["device_id"], "ack")]

    # Device a's credentials with device b's client id do not take over b's
    # session: the broker uses the username as client id, so b stays on.
    victim, result = client_for(
        broker.device_port, b["username"], b["password"], client_id=b["device_id"]
    )
    assert not result["connect"].is_failure
    thief, result = client_for(
        broker.device_port, a["username"], a["password"], client_id=b["device_id"]
    )
    assert not result["connect"].is_failure
    time.sleep(0.5)
    assert victim.is_connected()
    for client in (server, device, victim, thief):
        client.loop_stop()
        client.disconnect()

    # A cluster taken out of service can no longer connect.
    SpeakerCluster.objects.filter(device_id=b["device_id"]).update(is_active=False)
    broker.sync()
    refused, result = client_for(broker.device_port, b["username"], b["password"])
    assert result["connect"].is_failure
    refused.loop_stop()


def test_a_queued_command_survives_a_broker_restart(tree, own_broker, make_clusters):
    """The broker keeps what it holds (persistence written by its own user):
    a QoS 1 command queued for an offline device is delivered after the
    broker restarted."""
    broker = own_broker()
    (spec,) = make_clusters(tree.commune_a2, 1)
    # The broker runs as its own user and writes its persistence file.
    device, result = client_for(
        broker.device_port,
        spec["username"],
        spec["password"],
        client_id=spec["device_id"],
        clean_start=False,
        properties=connect_properties(24 * 3600),
    )
    assert not result["connect"].is_failure
    subscribed = threading.Event()
    device.on_subscribe = lambda *args: subscribed.set()
    device.subscribe(protocol.device_cmd(spec["device_id"]), qos=1)
    assert subscribed.wait(5)
    device.loop_stop()
    device.disconnect()
    time.sleep(0.3)

    server, result = client_for(broker.server_port, broker.user, broker.password)
    payload = b'{"v":1,"type":"play","cid":"restart-test"}'
    server.publish(
        protocol.device_cmd(spec["device_id"]),
        payload,
        qos=1,
        properties=publish_properties(time.time() + 600),
    ).wait_for_publish(5)
    server.loop_stop()
    server.disconnect()
    broker.stop()  # SIGTERM: the broker saves its database
    assert "Permission denied" not in broker.log(), broker.log()
    assert any(broker.data_dir.glob("*.db"))
    broker.start()

    got = []
    device, result = client_for(
        broker.device_port,
        spec["username"],
        spec["password"],
        client_id=spec["device_id"],
        clean_start=False,
        properties=connect_properties(24 * 3600),
        on_message=lambda c, u, m: got.append(m.payload),
    )
    assert not result["connect"].is_failure
    assert wait_for(lambda: got, 10), broker.log()
    assert got == [payload]
    device.loop_stop()
    device.disconnect()


def test_broker_killed_mid_dispatch_loses_nothing(
    tree,
    own_broker,
    make_clusters,
    fleet_factory,
    listener_factory,
    settings,
    monkeypatch,
):
    broker = own_broker()
    settings.BROADCAST_ACK_TIMEOUT_SECONDS = 2
    Publisher.reset()
    # No Celery here: this test plays the worker, calling the same function.
    monkeypatch.setattr(dispatch_service, "kick_publisher", lambda: None)
    specs = make_clusters(tree.commune_a2, 10)
    listener_factory(url=broker.url)
    fleet = fleet_factory(specs, url=broker.device_url, play_seconds=0.05)

    programs = [
        Program.objects.create(
            unit=tree.commune_a2, title=f"Bản tin {i}", duration_seconds=1
        )
        for i in range(6)
    ]
    dispatches = []
    for index, program in enumerate(programs):
        # Every other program goes to single clusters (per-device topics).
        clusters = [] if index % 2 else list(program.unit.speaker_clusters.all()[:5])
        units = [tree.commune_a2] if index % 2 else []
        dispatches.append(
            services.dispatch_program(program, units=units, clusters=clusters)
        )
        if index == 2:
            publish_outbox()
            broker.process.send_signal(signal.SIGKILL)  # no chance to save
            broker.process.wait()
    # Publishing while the broker is down fails and leaves the rows unsent.
    with pytest.raises((OSError, ConnectionError)):
        Publisher.reset()
        publish_outbox()
    time.sleep(1)
    broker.start()
    assert wait_for(lambda: fleet.online_count() == len(specs), 30)

    def all_done():
        try:
            publish_outbox()
        except (OSError, ConnectionError):
            pass
        return (
            not Delivery.objects.filter(dispatch__in=dispatches)
            .exclude(state="done")
            .exists()
        )

    ok = wait_for(all_done, 60, every=0.5)
    assert ok, list(
        Delivery.objects.filter(dispatch__in=dispatches)
        .exclude(state="done")
        .values_list("cluster__device_id", "state")
    )
    total = sum(d.deliveries.count() for d in dispatches)
    assert total == 5 * 3 + 10 * 3
    for dispatch in dispatches:
        for delivery in dispatch.deliveries.select_related("cluster"):
            assert fleet.events_for(
                "completed", str(dispatch.cid), delivery.cluster.device_id
            )
    Publisher.reset()
