"""docs/mqtt-protocol-v1.md is enough to build a device: its example MACs
are right, and a minimal device written only from the document (paho,
hmac, json, urllib; nothing from the platform's code) is provisioned,
downloads and checks its audio, plays a program, is stopped and reports
what it did."""

import hashlib
import hmac
import json
import re
import threading
import time
from datetime import timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.utils import timezone
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from broadcast import services
from broadcast.devices.mqtt import publish_outbox
from broadcast.models import Delivery, DevicePlan, PlayLog, Program, Schedule
from tests.factories.broadcast import make_cluster
from tests.utils import wait_for

pytestmark = [pytest.mark.slow]

DOC = Path(__file__).resolve().parents[3] / "docs" / "mqtt-protocol-v1.md"


def test_the_documents_example_macs_are_the_hmac_of_the_example_bytes():
    text = DOC.read_text()
    key = re.search(r'"signing_key": "([0-9a-f]{64})"', text).group(1)
    # Every one-line example (commands and device messages, indented in
    # lists or not) is followed by the MAC of exactly its bytes.
    examples = re.findall(
        r"^ *```(?:json)?\n *(\{\"v\":1.*?)\n *```\n((?:.*\n){1,2})", text, re.M
    )
    kinds = set()
    for payload, after in examples:
        body = json.loads(payload)
        kinds.add(body.get("type") or body.get("kind"))
        sig = re.search(r"`sig` = `([0-9a-f]{64})`", after)
        assert sig, f"no MAC given for {payload[:60]}"
        mac = hmac.new(bytes.fromhex(key), payload.encode(), hashlib.sha256)
        assert mac.hexdigest() == sig.group(1), payload[:60]
    assert kinds >= {"ack", "play", "stream", "stop", "config", "plan", "fm"}
    assert "status" in kinds


class DocDevice:
    """A device as docs/mqtt-protocol-v1.md describes it, nothing more."""

    def __init__(self, provisioning):
        self.p = provisioning
        self.key = bytes.fromhex(provisioning["signing_key"])
        self.root = provisioning["topic_root"]
        self.id = provisioning["device_id"]
        self.n = int(time.time() * 1000)
        self.handled = {}
        self.playing = None
        self.plans = {}
        self.files = {}  # sha256 -> audio downloaded and checked
        self.details = {}  # cid -> detail of its failed ack
        self.source, self.frequency = "ip", None
        self.stream_bytes = 0
        self.forged = 0
        self.lock = threading.Lock()
        url = provisioning["broker_url"]
        host, port = url.split("://")[1].rsplit(":", 1)
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.id,
            protocol=mqtt.MQTTv5,
        )
        self.client.username_pw_set(provisioning["username"], provisioning["password"])
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        will, props = self.message("status", {"online": False, "will": True}, True)
        self.client.will_set(
            self.topic("status"), will, qos=1, retain=True, properties=props
        )
        connect = Properties(PacketTypes.CONNECT)
        connect.SessionExpiryInterval = 86400
        self.client.connect(
            host, int(port), keepalive=60, clean_start=False, properties=connect
        )
        self.client.loop_start()

    def topic(self, kind):
        return f"{self.root}/dev/{self.id}/{kind}"

    def message(self, kind, body, will=False):
        with self.lock:
            self.n += 1
            n = self.n
        payload = json.dumps(
            {"v": 1, "kind": kind, "device": self.id, "ts": time.time(), "n": n} | body
        ).encode()
        props = Properties(PacketTypes.WILLMESSAGE if will else PacketTypes.PUBLISH)
        sig = hmac.new(self.key, payload, hashlib.sha256).hexdigest()
        props.UserProperty = [("sig", sig)]
        return payload, props

    def send(self, kind, body, retain=False):
        payload, props = self.message(kind, body)
        self.client.publish(
            self.topic(kind), payload, qos=1, retain=retain, properties=props
        )

    def on_connect(self, client, userdata, flags, reason_code, properties):
        client.subscribe(self.topic("cmd"), qos=1)
        self.status()

    def status(self):
        body = {"online": True, "volume": 70, "firmware": "doc/1"}
        body["source"] = self.source
        if self.source == "fm":
            body["frequency"] = self.frequency
        self.send("status", body, True)

    def on_message(self, client, userdata, message):
        sig = dict(getattr(message.properties, "UserProperty", []) or []).get("sig")
        mac = hmac.new(self.key, message.payload, hashlib.sha256).hexdigest()
        if not sig or not hmac.compare_digest(sig, mac):
            self.forged += 1
            return
        command = json.loads(message.payload)
        if command["device"] != self.id:
            self.forged += 1
            return
        cid = command["cid"]
        if cid in self.handled:
            self.ack(cid, self.handled[cid])
            return
        if command["expires_at"] < time.time():
            self.ack(cid, "expired")
            return
        if command["type"] == "play":
            if "sha256" in command:
                # GET the url, check bytes and sha256; failed on a mismatch.
                threading.Thread(
                    target=self.fetch_then_play, args=(command,), daemon=True
                ).start()
                return
            self.playing = (command, time.time())
            self.ack(cid, "playing")
        elif command["type"] == "stream":
            # GET the mount; "playing" once the first audio bytes came.
            self.playing = (command, time.time())
            threading.Thread(target=self.listen, args=(command,), daemon=True).start()
        elif command["type"] == "stop":
            target = command["target"]
            if self.playing and self.playing[0]["cid"] == target:
                self.end("stopped")
            self.handled.setdefault(target, "stopped")
            self.ack(cid, "done")
        elif command["type"] == "plan":
            held = self.plans.get(command["day"])
            if held is not None and command["version"] <= held["version"]:
                self.ack(cid, "done")
                return
            # Every item's audio, checked like a play's; keep what we have.
            errors, kept = [], []
            for item in command["items"]:
                error = self.download(item) if "sha256" in item else None
                if error:
                    errors.append(f"{item['title']}: {error}")
                else:
                    kept.append(item)
            self.plans[command["day"]] = {**command, "items": kept}
            if errors:
                self.ack(cid, "failed", "; ".join(errors))
            else:
                self.ack(cid, "done")
        elif command["type"] == "fm":
            self.source = command["mode"]
            self.frequency = command.get("frequency")
            self.status()
            self.ack(cid, "done")

    def listen(self, command):
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(command["url"], timeout=15) as response:
                first = response.read(2048)
                if first:
                    self.stream_bytes = len(first)
                    self.ack(command["cid"], "playing")
                while self.playing and self.playing[0]["cid"] == command["cid"]:
                    if not response.read(2048):
                        break
        except urllib.error.HTTPError as exc:
            self.send(
                "ack",
                {
                    "cid": command["cid"],
                    "state": "failed",
                    "detail": f"HTTP {exc.code}",
                },
            )

    def download(self, item):
        """None when the body at ``url`` has ``bytes`` and ``sha256``, else
        the ack's detail."""
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(item["url"], timeout=15) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            return f"HTTP {exc.code}"
        if len(body) != item["bytes"]:
            return "length mismatch"
        if hashlib.sha256(body).hexdigest() != item["sha256"]:
            return "sha256 mismatch"
        self.files[item["sha256"]] = body
        return None

    def fetch_then_play(self, command):
        error = self.download(command)
        if error:
            self.ack(command["cid"], "failed", error)
            return
        self.playing = (command, time.time())
        self.ack(command["cid"], "playing")

    def ack(self, cid, state, detail=None):
        self.handled[cid] = state
        body = {"cid": cid, "state": state}
        if detail:
            body["detail"] = self.details[cid] = detail[:200]
        self.send("ack", body)

    def end(self, result):
        command, started = self.playing
        self.playing = None
        ended = time.time()
        self.ack(command["cid"], {"completed": "done"}.get(result, result))
        self.send(
            "play",
            {
                "cid": command["cid"],
                "program": command["program"],
                "started_at": started,
                "ended_at": ended,
                "seconds": round(ended - started, 2),
                "result": result,
            },
        )

    def close(self):
        self.send("status", {"online": False}, retain=True)
        time.sleep(0.2)
        self.client.loop_stop()
        self.client.disconnect()


def test_a_device_written_from_the_document_plays_and_is_stopped(
    tree, broadcast_rows, listener_factory, committed
):
    unit = tree.commune_a2
    broadcast_rows.units.add(unit)
    cluster, password = make_cluster(
        unit, "Cụm loa theo tài liệu", device_id=f"{broadcast_rows.prefix}-doc"
    )
    provisioning = json.loads(
        json.dumps(services.device_provisioning(cluster, password))
    )
    listener_factory()
    device = wait_for(lambda: _connected(provisioning), 15)
    assert device, "the device written from the document could not connect"
    try:
        assert wait_for(lambda: _refreshed(cluster).online, 15)
        assert _refreshed(cluster).reported_volume == 70
        assert _refreshed(cluster).firmware == "doc/1"

        short = Program.objects.create(unit=unit, title="Ngắn", duration_seconds=1)
        dispatch = services.dispatch_program(short, units=[unit], kick=False)
        publish_outbox()
        delivery = wait_for(
            lambda: Delivery.objects.filter(dispatch=dispatch, state="playing").first(),
            15,
        )
        assert delivery and device.playing
        device.end("completed")
        assert wait_for(
            lambda: Delivery.objects.get(pk=delivery.pk).state == "done", 15
        )
        assert wait_for(lambda: PlayLog.objects.filter(dispatch=dispatch).exists())

        long = Program.objects.create(unit=unit, title="Dài", duration_seconds=600)
        dispatch = services.dispatch_program(long, units=[unit], kick=False)
        publish_outbox()
        assert wait_for(
            lambda: Delivery.objects.filter(
                dispatch=dispatch, state="playing"
            ).exists(),
            15,
        )
        services.stop_program(long)
        publish_outbox()
        assert wait_for(
            lambda: Delivery.objects.filter(
                dispatch=dispatch, state="stopped"
            ).exists(),
            15,
        )
        log = wait_for(lambda: PlayLog.objects.filter(dispatch=dispatch).first(), 10)
        assert log.result == "stopped"

        # The day's plan, acknowledged; an item of it played "offline" is
        # reported with its id and no cid, and counts.
        # (An item a minute old: still in today's plan until its not_after,
        # and a report of it is not from the future.)
        at = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
        schedule = Schedule.objects.create(unit=unit, program=short, start_at=at)
        schedule.target_units.add(unit)
        assert services.send_plans(clusters=[cluster]) >= 1
        publish_outbox()
        plan = DevicePlan.objects.filter(cluster=cluster, day=timezone.localdate(at))
        assert wait_for(lambda: plan.filter(acked_at__isnull=False).exists(), 15)
        [item] = device.plans[timezone.localdate(at).isoformat()]["items"]
        assert item["at"] == at.timestamp() and item["program"] == str(short.uid)
        started = item["at"] + 0.2
        device.send(
            "play",
            {
                "item": item["id"],
                "program": item["program"],
                "started_at": started,
                "ended_at": started + 1.0,
                "seconds": 1.0,
                "result": "completed",
            },
        )
        log = wait_for(
            lambda: PlayLog.objects.filter(cluster=cluster, item=item["id"]).first(), 10
        )
        assert log and log.accepted, log and log.reject_reason

        # FM: switched by the officer, acknowledged, reported.
        services.switch_source(cluster, "fm", "98,5")
        publish_outbox()
        assert wait_for(lambda: _refreshed(cluster).fm_acked_at, 15)
        assert wait_for(lambda: _refreshed(cluster).source == "fm", 15)
        assert str(_refreshed(cluster).reported_frequency) == "98.5"
        assert device.forged == 0
    finally:
        device.close()


def test_a_device_written_from_the_document_plays_a_stream_until_stopped(
    tree, broadcast_rows, listener_factory, committed, icecast, streamer, tmp_path
):
    """A relay (ffmpeg pulls a local "radio" over HTTP) reaches Icecast; the
    document's device gets ``stream``, reads audio from the mount, and is
    stopped."""
    import http.server
    import subprocess

    from broadcast.models import Stream
    from broadcast.services import streams
    from tests.utils import free_port

    unit = tree.commune_a2
    broadcast_rows.units.add(unit)
    cluster, password = make_cluster(
        unit, "Cụm loa luồng", device_id=f"{broadcast_rows.prefix}-docs"
    )
    provisioning = json.loads(
        json.dumps(services.device_provisioning(cluster, password))
    )
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=60"]
        + [str(tmp_path / "dai.mp3")],
        check=True,
    )
    quiet = type(
        "Q", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: 0}
    )
    radio = http.server.ThreadingHTTPServer(
        ("127.0.0.1", free_port()), lambda *a: quiet(*a, directory=str(tmp_path))
    )
    threading.Thread(target=radio.serve_forever, daemon=True).start()
    listener_factory()
    device = wait_for(lambda: _connected(provisioning), 15)
    assert device, "the device written from the document could not connect"
    try:
        assert wait_for(lambda: _refreshed(cluster).online, 15)
        url = f"http://127.0.0.1:{radio.server_port}/dai.mp3"
        stream = streams.start_relay(unit, "Tiếp sóng đài tỉnh", url)
        assert wait_for(lambda: Stream.objects.get(pk=stream.pk).dispatch_id, 30)
        stream.refresh_from_db()
        assert wait_for(
            lambda: Delivery.objects.filter(
                dispatch=stream.dispatch, state="playing"
            ).exists(),
            20,
        )
        assert device.stream_bytes > 0
        streams.stop_stream(stream)
        publish_outbox()
        assert wait_for(
            lambda: Delivery.objects.filter(
                dispatch=stream.dispatch, state="stopped"
            ).exists(),
            15,
        )
        log = wait_for(
            lambda: PlayLog.objects.filter(dispatch=stream.dispatch).first(), 10
        )
        assert log.result == "stopped"
        assert device.forged == 0
    finally:
        device.close()
        radio.shutdown()


def test_a_device_written_from_the_document_checks_the_audio_it_downloads(
    tree, broadcast_rows, listener_factory, committed, live_site, settings
):
    """The document's download rules, nothing else: a play's and a plan
    item's file is fetched from ``url`` and checked against ``bytes`` and
    ``sha256``; a changed file is answered ``failed`` with the detail."""
    from django.core.files.base import ContentFile

    settings.BROADCAST_MEDIA_BASE_URL = f"http://localhost:{live_site.port}"
    unit = tree.commune_a2
    broadcast_rows.units.add(unit)
    cluster, password = make_cluster(
        unit, "Cụm loa tải tệp", device_id=f"{broadcast_rows.prefix}-docf"
    )
    provisioning = json.loads(
        json.dumps(services.device_provisioning(cluster, password))
    )
    body = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 8
    program = Program.objects.create(
        unit=unit,
        title="Tin có tệp",
        duration_seconds=1,
        audio=ContentFile(body, name="tin.mp3"),
    )
    listener_factory()
    device = wait_for(lambda: _connected(provisioning), 15)
    assert device, "the device written from the document could not connect"
    try:
        assert wait_for(lambda: _refreshed(cluster).online, 15)
        dispatch = services.dispatch_program(program, units=[unit], kick=False)
        publish_outbox()
        assert wait_for(
            lambda: Delivery.objects.filter(
                dispatch=dispatch, state="playing"
            ).exists(),
            15,
        )
        assert device.files[hashlib.sha256(body).hexdigest()] == body
        device.end("completed")

        # The plan names the same file: fetched and kept.
        at = timezone.now().replace(microsecond=0) + timedelta(hours=1)
        schedule = Schedule.objects.create(unit=unit, program=program, start_at=at)
        schedule.target_units.add(unit)
        services.send_plans(clusters=[cluster])
        publish_outbox()
        plan = DevicePlan.objects.filter(cluster=cluster, day=timezone.localdate(at))
        assert wait_for(lambda: plan.filter(acked_at__isnull=False).exists(), 15)

        # The stored file changes after the command named its hash.
        dispatch = services.dispatch_program(program, units=[unit], kick=False)
        with open(program.audio.path, "wb") as fh:
            fh.write(body[:-4] + b"\x00\x01\x02\x03")
        publish_outbox()
        delivery = wait_for(
            lambda: Delivery.objects.filter(dispatch=dispatch, state="failed").first(),
            15,
        )
        assert delivery, "the changed file was not refused"
        assert device.details[str(dispatch.cid)] == "sha256 mismatch"
        assert device.forged == 0
    finally:
        device.close()


def _connected(provisioning):
    device = DocDevice(provisioning)
    if wait_for(device.client.is_connected, 3):
        return device
    device.client.loop_stop()
    return None


def _refreshed(cluster):
    cluster.refresh_from_db()
    return cluster
