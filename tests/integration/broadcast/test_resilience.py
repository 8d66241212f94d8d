"""What devices and failures cannot do: bad device messages never stop the
listener, and a worker killed in the middle of a dispatch loses nothing."""

import logging
import signal
import socket
import subprocess
import time
import uuid
from datetime import timedelta

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from broadcast import services
from broadcast.devices import credentials, protocol
from broadcast.models import (
    Delivery,
    ListenerCounter,
    OutboxMessage,
    Program,
    SpeakerCluster,
)
from tests.utils import start_celery_worker, wait_for

pytestmark = [pytest.mark.slow]


def publisher(spec):
    """A device that sends whatever it likes on its own topics (the broker
    lets a device write only there)."""
    url = settings.BROADCAST_DEVICE_MQTT_URL
    host, port = "127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=spec["device_id"],
        protocol=mqtt.MQTTv5,
    )
    client.username_pw_set(spec["username"], spec["password"])
    client.connect(host, port)
    client.loop_start()
    return client


_counter = [int(time.time() * 1000)]


def signed(spec, kind, body, key=None, n=None, ts=None, device=None):
    """(payload, properties) of a device message as protocol v1.1 has it."""
    if n is None:
        _counter[0] += 1
        n = _counter[0]
    payload = protocol.device_message(kind, device or spec["device_id"], n, body, ts=ts)
    return payload, protocol.signed_properties(payload, key or spec["signing_key"])


def test_listener_drops_counts_and_logs_bad_replayed_and_forged_messages(
    tree, make_clusters, listener_factory, caplog
):
    caplog.set_level(logging.WARNING, logger="broadcast.devices.listener")
    a, b = make_clusters(tree.commune_a1, 2)
    listener = listener_factory()
    reasons = (
        "malformed_json",
        "bad_schema",
        "bad_signature",
        "wrong_topic",
        "wrong_kind",
        "replay",
        "clock",
    )
    # Retained statuses of earlier tests' devices (gone) reach the new
    # listener as unknown devices: counted before this test counts its own.
    time.sleep(0.5)
    assert wait_for(listener.idle, 10)
    before = {r: ListenerCounter.value(f"dropped:{r}") for r in reasons}
    rogue = publisher(a)
    ack = protocol.device_topic(a["device_id"], protocol.ACK)
    status = protocol.device_topic(a["device_id"], protocol.STATUS)
    heartbeat = protocol.device_topic(a["device_id"], protocol.HEARTBEAT)
    genuine, genuine_props = signed(a, protocol.HEARTBEAT, {"playing": None})
    unsigned, _ = signed(a, protocol.STATUS, {"online": True})
    schema_2 = protocol.encode(
        {"v": 2, "kind": "ack", "device": a["device_id"], "ts": time.time(), "n": 1}
    )
    no_counter = protocol.encode(
        {"v": 1, "kind": "ack", "device": a["device_id"], "ts": time.time()}
    )
    messages = [
        (ack, b"{not json", None),
        (ack, b"\xff\xfe", None),
        # Another schema version, and no counter (signed: the MAC is fine).
        (ack, schema_2, protocol.signed_properties(schema_2, a["signing_key"])),
        (ack, no_counter, protocol.signed_properties(no_counter, a["signing_key"])),
        # Signed with another device's key, or not signed at all.
        (status, *signed(a, protocol.STATUS, {"online": True}, key=b["signing_key"])),
        (status, unsigned, None),
        # Device b's genuine message, replayed on device a's topic.
        (status, *signed(b, protocol.STATUS, {"online": True})),
        # A status offered as a heartbeat: the kind is inside the signed body.
        (heartbeat, *signed(a, protocol.STATUS, {"online": False})),
        # A genuine message, then the same bytes again (a replay).
        (heartbeat, genuine, genuine_props),
        (heartbeat, genuine, genuine_props),
        # A fresh counter but a timestamp ten minutes old.
        (heartbeat, *signed(a, protocol.HEARTBEAT, {}, ts=time.time() - 600)),
    ]
    for topic, payload, props in messages:
        rogue.publish(topic, payload, qos=1, properties=props).wait_for_publish(5)

    def counted():
        return {r: ListenerCounter.value(f"dropped:{r}") - before[r] for r in reasons}

    expected = {
        "malformed_json": 2,
        "bad_schema": 2,
        "bad_signature": 2,
        "wrong_topic": 1,
        "wrong_kind": 1,
        "replay": 1,
        "clock": 1,
    }
    assert wait_for(lambda: counted() == expected, 15), counted()
    # A cluster taken out of service (revoked) whose device still talks:
    # its messages are an unknown device's, not a bad signature.
    SpeakerCluster.objects.filter(device_id=a["device_id"]).update(is_active=False)
    # (Counted among others: retained statuses of clusters earlier tests
    # deleted are unknown devices too; so the log line of this one is read.)
    payload, props = signed(a, protocol.HEARTBEAT, {"playing": None})
    rogue.publish(heartbeat, payload, qos=1, properties=props).wait_for_publish(5)
    line = f"dropped device message (unknown_device) on {heartbeat}"
    assert wait_for(lambda: any(line in r.getMessage() for r in caplog.records), 15), (
        "a revoked cluster's message was not dropped as unknown_device"
    )
    assert counted() == expected
    SpeakerCluster.objects.filter(device_id=a["device_id"]).update(is_active=True)
    logged = " ".join(r.getMessage() for r in caplog.records)
    for reason in reasons:
        assert reason in logged
    assert a["device_id"] in logged
    # Still running: a good message afterwards is recorded.
    assert listener.db_thread.is_alive()
    SpeakerCluster.objects.filter(device_id=a["device_id"]).update(online=False)
    payload, props = signed(a, protocol.STATUS, {"online": True, "volume": 65})
    rogue.publish(status, payload, qos=1, properties=props)
    cluster = SpeakerCluster.objects.get(device_id=a["device_id"])
    assert wait_for(
        lambda: SpeakerCluster.objects.get(pk=cluster.pk).reported_volume == 65, 15
    )
    assert SpeakerCluster.objects.get(pk=cluster.pk).online
    rogue.loop_stop()
    rogue.disconnect()


def test_a_forged_command_is_dropped_by_the_device(
    tree, make_clusters, fleet_factory, project_broker
):
    """Anyone able to publish on a device's topic (here the platform's own
    account, as a compromised broker would) still cannot make it play: the
    command's MAC is checked with the device's key."""
    (spec,) = make_clusters(tree.commune_a1, 1)
    fleet = fleet_factory([spec], play_seconds=0.1)
    server = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=f"forger-{uuid.uuid4().hex[:8]}",
        protocol=mqtt.MQTTv5,
    )
    server.username_pw_set(project_broker.user, project_broker.password)
    server.connect("127.0.0.1", project_broker.server_port)
    server.loop_start()
    command = protocol.play_command(
        cid=uuid.uuid4(),
        program_uid=uuid.uuid4(),
        title="giả mạo",
        url="http://attacker.example/x.mp3",
        duration=1,
        priority="emergency",
        expires_at=time.time() + 60,
    )
    payload = protocol.command_payload(command, spec["device_id"])
    topic = protocol.device_cmd(spec["device_id"])
    wrong_key = credentials.new_signing_key()
    for props in (None, protocol.signed_properties(payload, wrong_key)):
        server.publish(topic, payload, qos=1, properties=props).wait_for_publish(5)
    # The same command for another device, signed with that device's key.
    other_key = credentials.new_signing_key()
    moved = protocol.command_payload(command, "another-device")
    server.publish(
        topic, moved, qos=1, properties=protocol.signed_properties(moved, other_key)
    ).wait_for_publish(5)
    assert wait_for(lambda: len(fleet.events_for("forged")) == 3, 10)
    assert not fleet.events_for("playing") and not fleet.events_for("received")
    server.loop_stop()
    server.disconnect()


class Worker:
    """A Celery worker process of our own (to kill), on its own queue."""

    def __init__(self, queue):
        self.queue = queue
        self.node = f"{queue}-{uuid.uuid4().hex[:4]}@{socket.gethostname()}"
        self.process = start_celery_worker(
            queue,
            self.node,
            loglevel="WARNING",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def outbox_locked_by_someone_else(dispatch_ids):
    """True while a publisher holds the rows of these dispatches (it is in
    the middle of publishing them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM broadcast_outboxmessage WHERE dispatch_id = ANY(%s)"
            " AND sent_at IS NULL",
            [dispatch_ids],
        )
        unsent = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT id FROM broadcast_outboxmessage "
            "WHERE dispatch_id = ANY(%s) AND sent_at IS NULL "
            "FOR UPDATE SKIP LOCKED) AS free",
            [dispatch_ids],
        )
        free = cursor.fetchone()[0]
    return unsent > free


# Enough device copies that the worker is caught in the middle of publishing
# (each dispatch is one outbox row fanned out to 59 devices).
DISPATCHES = 12


def test_worker_killed_mid_dispatch_loses_nothing(
    tree, make_clusters, fleet_factory, listener_factory
):
    from broadcast import tasks
    from config.celery import app

    queue = f"ttcs-kill-{uuid.uuid4().hex[:8]}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    workers = []
    try:
        specs = make_clusters(tree.commune_b1, 60)
        listener_factory()
        fleet = fleet_factory(specs, play_seconds=0.2)
        clusters = list(
            SpeakerCluster.objects.filter(device_id__in=[s["device_id"] for s in specs])
        )
        # Many device copies: a long publish. Queued
        # while no worker runs, so the first worker starts on all of it.
        dispatches = []
        for index in range(DISPATCHES):
            program = Program.objects.create(
                unit=tree.commune_b1, title=f"Bản tin {index}", duration_seconds=1
            )
            dispatches.append(
                services.dispatch_program(program, clusters=clusters[:59])
            )
        ids = [d.pk for d in dispatches]
        first = Worker(queue)
        workers.append(first)
        caught = wait_for(lambda: outbox_locked_by_someone_else(ids), 60, every=0.002)
        first.kill()
        assert caught, "the worker never started publishing"
        # Its transaction died with it: what it published is not marked sent,
        # and no delivery rows were written for it.
        assert OutboxMessage.objects.filter(
            dispatch__in=dispatches, sent_at__isnull=True
        ).exists()

        second = Worker(queue)
        workers.append(second)
        tasks.sweep.delay()  # what beat runs every 15 s

        last_sweep = [time.monotonic()]

        def all_played():
            if time.monotonic() - last_sweep[0] > 5:
                last_sweep[0] = time.monotonic()
                tasks.sweep.delay()
            return (
                Delivery.objects.filter(
                    dispatch__in=dispatches, state="done", acknowledged_at__isnull=False
                ).count()
                == DISPATCHES * 59
            )

        assert wait_for(all_played, 90, every=0.5), list(
            Delivery.objects.filter(dispatch__in=dispatches)
            .values_list("state")
            .distinct()
        )
        assert not OutboxMessage.objects.filter(
            dispatch__in=dispatches, sent_at__isnull=True
        ).exists()
        # Each device played each program once, however often it was sent.
        for dispatch in dispatches:
            cid = str(dispatch.cid)
            played = [e[1] for e in fleet.events_for("playing", cid)]
            assert sorted(played) == sorted(c.device_id for c in clusters[:59])
    finally:
        for worker in workers:
            worker.stop()
        app.conf.task_default_queue = previous_queue


def test_a_clean_shutdown_is_offline_at_once_silence_after_three_heartbeats(
    tree, make_clusters, fleet_factory, listener_factory
):
    """docs, Presence (speakers.md M7): a device that shuts down cleanly says
    so (retained online: false before DISCONNECT) and is offline at once; one
    that leaves a retained online: true is offline after 3 heartbeats."""
    unit = tree.commune_a1
    [spec] = make_clusters(unit, 1)
    listener_factory()
    fleet = fleet_factory([spec])
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    assert wait_for(lambda: SpeakerCluster.objects.get(pk=cluster.pk).online, 15)
    fleet.stop()
    assert wait_for(lambda: not SpeakerCluster.objects.get(pk=cluster.pk).online, 10)

    beats = settings.BROADCAST_HEARTBEAT_SECONDS
    for silent, offline in ((beats * 3 - 10, False), (beats * 3 + 10, True)):
        SpeakerCluster.objects.filter(pk=cluster.pk).update(
            online=True, last_seen=timezone.now() - timedelta(seconds=silent)
        )
        assert (cluster in services.offline_clusters(unit)) is offline
        assert SpeakerCluster.objects.get(pk=cluster.pk).is_stale is offline
