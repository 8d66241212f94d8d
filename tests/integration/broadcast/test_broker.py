"""Against a Mosquitto of our own: per-device ACLs, and a broker killed
and restarted in the middle of a dispatch."""

import signal
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest

from broadcast import broker_config, protocol, services
from broadcast.models import Delivery, Program
from broadcast.mqtt import Publisher, publish_outbox
from tests.utils import wait_for

pytestmark = [pytest.mark.slow]


def client_for(broker, username, password):
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=f"acl-{uuid.uuid4().hex[:8]}",
        protocol=mqtt.MQTTv5,
    )
    client.username_pw_set(username, password)
    result = {}
    ready = threading.Event()

    def on_connect(c, u, flags, reason_code, props):
        result["connect"] = reason_code
        ready.set()

    client.on_connect = on_connect
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    ready.wait(10)
    return client, result


def test_broker_refuses_foreign_credentials_and_foreign_topics(
    tree, tmp_path, own_broker, make_clusters
):
    a, b = make_clusters(tree.commune_a1, 2)
    passwd, acl = broker_config.write_files(tmp_path / "conf", "ttcs-server", "bi-mat")
    broker = own_broker(passwd=passwd, acl=acl)

    # A device using another device's credentials is refused.
    intruder, result = client_for(broker, a["username"], b["password"])
    assert result["connect"].is_failure
    intruder.loop_stop()

    # The platform sees what devices publish on their own topics only.
    server, result = client_for(broker, "ttcs-server", "bi-mat")
    assert not result["connect"].is_failure
    received = []
    server.on_message = lambda c, u, m: received.append(m.topic)
    server.subscribe(f"{protocol.root()}/dev/#", qos=1)
    time.sleep(0.3)

    device, result = client_for(broker, a["username"], a["password"])
    assert not result["connect"].is_failure
    own = device.publish(protocol.device_topic(a["device_id"], "ack"), b"{}", qos=1)
    foreign = device.publish(protocol.device_topic(b["device_id"], "ack"), b"{}", qos=1)
    own.wait_for_publish(5)
    foreign.wait_for_publish(5)
    assert wait_for(lambda: received, 5)
    # Reading another device's or another unit's commands is refused too
    # (Mosquitto grants the subscription but never delivers what the ACL
    # forbids).
    got = []
    device.on_message = lambda c, u, m: got.append(m.topic)
    subscribed = threading.Event()
    device.on_subscribe = lambda *args: subscribed.set()
    own_group = protocol.unit_cmd(tree.commune_a1.schema_name)
    foreign = [
        protocol.device_cmd(b["device_id"]),
        protocol.unit_cmd(tree.commune_b1.schema_name),
    ]
    device.subscribe([(topic, 1) for topic in [own_group, *foreign]])
    assert subscribed.wait(5)
    for topic in [*foreign, own_group]:
        server.publish(topic, b"{}", qos=1).wait_for_publish(5)
    assert wait_for(lambda: got, 5)
    time.sleep(0.5)
    assert got == [own_group]
    device_reports = [t for t in received if not t.endswith("/cmd")]
    assert device_reports == [protocol.device_topic(a["device_id"], "ack")]
    for client in (server, device):
        client.loop_stop()
        client.disconnect()


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
    settings.MQTT_URL = broker.url
    settings.BROADCAST_ACK_TIMEOUT_SECONDS = 2
    Publisher.reset()
    # No Celery here: this test plays the worker, calling the same function.
    monkeypatch.setattr(services, "_kick_publisher", lambda: None)
    specs = make_clusters(tree.commune_a2, 10)
    listener_factory(url=broker.url)
    fleet = fleet_factory(specs, url=broker.url, play_seconds=0.05)

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
