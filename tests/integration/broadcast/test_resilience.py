"""What devices and failures cannot do: bad device messages never stop the
listener, and a worker killed in the middle of a dispatch loses nothing."""

import logging
import signal
import socket
import subprocess
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.db import connection

from broadcast import credentials, protocol, services
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


def signed(device_id, body, key=None):
    body = {"v": 1, "device": device_id, "ts": time.time(), **body}
    body["sig"] = credentials.sign(body, key or credentials.signing_key(device_id))
    return protocol.encode(body)


def test_listener_drops_counts_and_logs_bad_messages_and_keeps_running(
    tree, make_clusters, listener_factory, caplog
):
    caplog.set_level(logging.WARNING, logger="broadcast.listener")
    a, b = make_clusters(tree.commune_a1, 2)
    listener = listener_factory()
    before = {
        reason: ListenerCounter.value(f"dropped:{reason}")
        for reason in ("malformed_json", "bad_signature", "wrong_topic")
    }
    rogue = publisher(a)
    ack = protocol.device_topic(a["device_id"], protocol.ACK)
    status = protocol.device_topic(a["device_id"], protocol.STATUS)
    infos = [
        rogue.publish(ack, b"{not json", qos=1),
        rogue.publish(ack, b"\xff\xfe", qos=1),
        # Signed with another device's key.
        rogue.publish(
            status, signed(a["device_id"], {"online": True}, b["signing_key"]), qos=1
        ),
        # Device b's genuine message, replayed on device a's topic.
        rogue.publish(status, signed(b["device_id"], {"online": True}), qos=1),
    ]
    for info in infos:
        info.wait_for_publish(5)

    def counted():
        return {
            reason: ListenerCounter.value(f"dropped:{reason}") - before[reason]
            for reason in before
        }

    expected = {"malformed_json": 2, "bad_signature": 1, "wrong_topic": 1}
    assert wait_for(lambda: counted() == expected, 15), counted()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "malformed_json" in logged and "bad_signature" in logged
    assert "wrong_topic" in logged and a["device_id"] in logged
    # Still running: a good message afterwards is recorded.
    assert listener.db_thread.is_alive()
    rogue.publish(status, signed(a["device_id"], {"online": True}), qos=1)
    cluster = SpeakerCluster.objects.get(device_id=a["device_id"])
    assert wait_for(lambda: SpeakerCluster.objects.get(pk=cluster.pk).online, 15)
    rogue.loop_stop()
    rogue.disconnect()


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
        # Single clusters (one publish per device): a long dispatch. Queued
        # while no worker runs, so the first worker starts on all of it.
        dispatches = []
        for index in range(4):
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
                == 4 * 59
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
