"""Simulated speaker clusters speaking protocol v1.1 like real devices.

Each simulated device is its own MQTT client with its own credentials,
client id, persistent session, last will and subscriptions: the protocol
gives every device its own identity and ACL, so devices are never
multiplexed over a shared connection. To reach thousands of devices the
clients share one event loop (a ``selectors`` loop driving paho's
``loop_read``/``loop_write``/``loop_misc``) instead of one thread each;
``run_fleet_processes`` spreads them over several processes.

A device acknowledges (``received``), queues by priority (emergency
pre-empts what plays, priority goes before normal, equal priority keeps the
commune's order), reports ``playing`` and ``done``, publishes a play report,
keeps retained presence with a last will and a heartbeat, and refuses
commands that expired (MQTT 5 expiry on the broker, ``expires_at`` on the
device). Every message it sends carries the MAC of its payload bytes
(user property ``sig``) and a counter ``n`` that only grows; every command
it receives is checked the same way with its key, and a forged one is
dropped (and recorded). With ``fetch_audio`` it downloads each play's file
and checks its length and SHA-256 (``failed`` with a detail otherwise),
downloads every item of a ``plan`` the same way before acknowledging it
(items whose audio it could not get are dropped, the plan acked ``failed``
with the reason) and plays planned items from those local copies, and
plays a ``stream`` by reading its Icecast mount ("playing" at the first
bytes) until a stop names it or the mount closes.
"""

import gc
import hashlib
import heapq
import itertools
import json
import logging
import multiprocessing
import selectors
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from . import credentials, protocol

logger = logging.getLogger(__name__)

RANK = {"normal": 0, "priority": 1, "emergency": 2}
FIRMWARE = "ttcs-sim/1.1"
# A device keeps a small window: the broker sends it at most this many QoS 1
# commands before its PUBACKs (the broker-wide max_inflight_messages is large
# for the platform's listener).
DEVICE_RECEIVE_MAXIMUM = 10
# Seconds a stream's reader waits for a stop after the mount closed before
# reporting the stream completed (the document allows up to 30).
STREAM_END_GRACE = 5


class SimDevice:
    def __init__(self, fleet, spec):
        self.fleet = fleet
        self.device_id = spec["device_id"]
        self.key = spec["signing_key"]
        self.volume = spec.get("volume", 80)
        # A device without storage for its counter starts from its clock in
        # milliseconds (docs/mqtt-protocol-v1.md, "Counter").
        self.counter = int(time.time() * 1000)
        self.seen = set()
        self.last_ack = {}  # cid -> last state acknowledged
        self.reports = {}  # cid -> play report body
        self.queue = []  # heap of (-rank, position, issued_at, seq, command)
        self.current = None  # (command, started_at, timer id)
        self.plans = {}  # day -> {"version", "items": {id: item}, "timers"}
        self.items_done = {}  # plan item id -> its play report (or None)
        self.pending = []  # play reports made while offline, sent on reconnect
        # Local copies of the plan's audio (sha256 -> body): a planned item
        # plays from here, and a play command naming the same sha256 needs
        # no second download.
        self.audio = {}
        self.source, self.frequency = "ip", None
        self.wanted_online = True
        self.last_attempt = 0.0
        client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.device_id,
            protocol=mqtt.MQTTv5,
        )
        client.username_pw_set(spec["username"], spec["password"])
        client.on_connect = self.on_connect
        client.on_message = self.on_message
        client.on_socket_open = fleet.socket_open
        client.on_socket_close = fleet.socket_close
        client.on_socket_register_write = fleet.register_write
        client.on_socket_unregister_write = fleet.unregister_write
        client.user_data_set(self)
        self.client = client

    # --- protocol -----------------------------------------------------------
    def next_counter(self):
        self.counter += 1
        return self.counter

    def encode(self, kind, body):
        return protocol.device_message(kind, self.device_id, self.next_counter(), body)

    def send(self, kind, body, retain=False, qos=1):
        if kind == protocol.PLAY and not self.client.is_connected():
            # Made offline: kept, and sent as a new message (fresh ts and n)
            # once the device is back (docs: "Plays made offline").
            self.pending.append(body)
            return
        payload = self.encode(kind, body)
        self.client.publish(
            protocol.device_topic(self.device_id, kind),
            payload,
            qos=qos,
            retain=retain,
            properties=protocol.signed_properties(payload, self.key),
        )

    def set_will(self):
        """The will is signed now, with a counter of its own (docs: Last
        will): the broker publishes it when the connection dies."""
        payload = self.encode(protocol.STATUS, {"online": False, "will": True})
        self.client.will_set(
            protocol.device_topic(self.device_id, protocol.STATUS),
            payload,
            qos=1,
            retain=True,
            properties=protocol.signed_properties(
                payload, self.key, PacketTypes.WILLMESSAGE
            ),
        )

    def connect(self):
        self.last_attempt = time.monotonic()
        self.set_will()
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 24 * 3600
        props.ReceiveMaximum = DEVICE_RECEIVE_MAXIMUM
        try:
            self.client.connect(
                self.fleet.host,
                self.fleet.port,
                keepalive=self.fleet.keepalive,
                clean_start=False,
                properties=props,
            )
        except OSError:
            pass

    def on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            self.fleet.record(self.device_id, "refused", str(reason_code))
            return
        client.subscribe(protocol.device_cmd(self.device_id), qos=1)
        self.send_status()
        self.fleet.record(self.device_id, "online", None)
        pending, self.pending = self.pending, []
        for body in pending:
            self.send(protocol.PLAY, body)
            self.fleet.record(self.device_id, "reported_late", body.get("item"))

    def send_status(self):
        body = {
            "online": True,
            "volume": self.volume,
            "firmware": FIRMWARE,
            "source": self.source,
        }
        if self.source == "fm":
            body["frequency"] = self.frequency
        self.send(protocol.STATUS, body, retain=True)

    def on_message(self, client, userdata, message):
        sig = credentials.sig_of(message.properties)
        if not credentials.check(message.payload, sig, self.key):
            self.fleet.record(self.device_id, "forged", None)
            return
        try:
            command = json.loads(message.payload)
        except ValueError:
            return
        if command.get("v") != protocol.SCHEMA:
            return
        if command.get("device") != self.device_id:
            self.fleet.record(self.device_id, "forged", command.get("cid"))
            return
        issued = command.get("issued_at")
        if isinstance(issued, int | float) and issued > time.time() + (
            protocol.CLOCK_WINDOW
        ):
            self.fleet.record(self.device_id, "forged", command.get("cid"))
            return
        handler = {
            "stop": self.on_stop,
            "config": self.on_config,
            "plan": self.on_plan,
            "fm": self.on_fm,
        }.get(command.get("type"))
        if handler is not None:
            handler(command)
            return
        if command.get("type") not in protocol.PROGRAM_COMMANDS:
            return
        cid = command.get("cid")
        if cid in self.seen:
            # QoS 1 is at least once, and the platform repeats a command
            # whose ack it never got: answer again, never play twice.
            if cid in self.last_ack:
                self.ack(cid, self.last_ack[cid])
            if cid in self.reports:
                self.send(protocol.PLAY, self.reports[cid])
            return
        self.seen.add(cid)
        item = command.get("item")
        if item and item in self.items_done:
            # Already played from the plan (offline): the same item is not
            # played again; the command is answered with what happened.
            report = self.items_done[item]
            self.ack(cid, "done")
            if report is not None:
                self.send(protocol.PLAY, {**report, "cid": cid})
            self.fleet.record(self.device_id, "already_played", cid)
            return
        if item:
            self.items_done[item] = None
        if time.time() > float(command.get("expires_at", 0)):
            self.ack(cid, "expired")
            self.fleet.record(self.device_id, "expired", cid)
            return
        if (
            self.fleet.fetch_audio
            and command.get("url")
            and command.get("type") == "play"
        ):
            if command.get("sha256") in self.audio:
                # Already held (downloaded for the plan): no second download.
                self.fleet.record(self.device_id, "local_copy", cid)
                self.fetched(command, None)
                return
            # Download and check the audio before it counts as received
            # (docs: check the length and the SHA-256; mismatch = failed).
            self.fleet.fetch(self, command)
            return
        self.enqueue(command)

    def fetched(self, command, error):
        """Back on the loop after the download (``Fleet.fetch``)."""
        cid = command["cid"]
        if error:
            self.fleet.record(self.device_id, "failed", cid)
            self.ack(cid, "failed", detail=error)
            return
        self.fleet.record(self.device_id, "verified", cid)
        self.enqueue(command)

    def enqueue(self, command):
        cid = command.get("cid")
        self.fleet.record(self.device_id, "received", cid)
        rank = RANK.get(command.get("priority"), 0)
        if (
            rank == RANK["emergency"]
            and self.current
            and self.current[0].get("priority") != "emergency"
        ):
            # An emergency cuts anything but another emergency.
            self.finish("preempted")
        issued = command.get("issued_at")
        heapq.heappush(
            self.queue,
            (
                -rank,
                command.get("position", 0),
                issued if isinstance(issued, int | float) else 0,
                next(self.fleet.seq),
                command,
            ),
        )
        if self.current:
            # It waits in the queue: say so. A command played at once is
            # acknowledged by its "playing" alone (protocol v1).
            self.ack(cid, "received")
        else:
            self.play_next()

    def ack(self, cid, state, detail=None):
        if cid is None:
            return  # a plan item played offline has no command to answer
        self.last_ack[cid] = state
        body = {"cid": cid, "state": state}
        if detail:
            body["detail"] = detail[:200]
        self.send(protocol.ACK, body)

    def play_next(self):
        now = time.time()
        while self.queue:
            *_, command = heapq.heappop(self.queue)
            if now > float(command.get("expires_at", 0)):
                self.ack(command["cid"], "expired")
                continue
            if command.get("type") == "stream":
                # Plays until a stop names it or the stream ends; "playing"
                # once the first audio bytes came from the mount.
                self.current = (command, now, None)
                if self.fleet.fetch_audio:
                    self.fleet.listen(self, command)
                else:
                    self.stream_started(command, 0)
                return
            seconds = self.fleet.play_seconds
            if seconds is None:
                seconds = float(command.get("duration") or 1)
            timer = self.fleet.call_later(seconds, self.finish, "completed")
            self.current = (command, now, timer)
            self.ack(command["cid"], "playing")
            self.fleet.record(
                self.device_id, "playing", command["cid"] or command.get("item")
            )
            return

    def current_is(self, command):
        return self.current is not None and self.current[0]["cid"] == command["cid"]

    def stream_started(self, command, received):
        if self.current_is(command):
            self.ack(command["cid"], "playing")
            self.fleet.record(self.device_id, "playing", command["cid"])
            if received:
                self.fleet.record(self.device_id, "stream_bytes", command["cid"])

    def stream_failed(self, command, detail):
        if self.current_is(command):
            self.current = None
            self.fleet.record(self.device_id, "failed", command["cid"])
            self.ack(command["cid"], "failed", detail=detail)
            self.play_next()

    def stream_ended(self, command):
        """The mount closed (the source ended): a completed play."""
        if self.current_is(command):
            self.finish("completed")

    def finish(self, result):
        if not self.current:
            return
        command, started, timer = self.current
        if timer is not None:
            self.fleet.cancel(timer)
        self.fleet.stop_listening(command["cid"])
        self.current = None
        ended = time.time()
        state = {"completed": "done"}.get(result, result)
        self.ack(command["cid"], state)
        report = {
            "program": command.get("program"),
            "started_at": started,
            "ended_at": ended,
            "seconds": round(ended - started, 2),
            "result": result,
        }
        if command["cid"] is not None:
            report["cid"] = command["cid"]
            self.reports[command["cid"]] = report
        if command.get("item"):
            report["item"] = command["item"]
            self.items_done[command["item"]] = report
        self.send(protocol.PLAY, report)
        self.fleet.record(self.device_id, result, command["cid"] or command.get("item"))
        if result != "preempted":
            self.play_next()

    def on_config(self, command):
        """Volume and on/off hours, applied at once; the new volume is
        reported in a retained status, the command acknowledged done."""
        cid = command.get("cid")
        if cid not in self.seen:
            self.seen.add(cid)
            if isinstance(command.get("volume"), int):
                self.volume = command["volume"]
            self.hours = (command.get("on_time"), command.get("off_time"))
            self.fleet.record(self.device_id, "config", cid)
            self.send_status()
        self.ack(cid, "done")

    def on_fm(self, command):
        """Switch to the FM frequency (or back to IP); acknowledged done, the
        new source told in a retained status."""
        cid = command.get("cid")
        if cid not in self.seen:
            self.seen.add(cid)
            if command.get("mode") == "fm":
                self.source, self.frequency = "fm", command.get("frequency")
            else:
                self.source, self.frequency = "ip", None
            self.fleet.record(self.device_id, "fm", command.get("mode"))
            self.send_status()
        self.ack(cid, "done")

    def on_plan(self, command):
        """The day's plan: kept per day, replaced only by a higher version.
        With ``fetch_audio``, every item's audio is downloaded and checked
        first (docs: "On receipt, download every item's audio … then ack").
        Each item is timed on the device's own clock (docs: "plan")."""
        cid = command.get("cid")
        if cid in self.seen:
            if cid in self.last_ack:
                self.ack(cid, self.last_ack[cid])
            return  # else still downloading: the ack comes when done
        self.seen.add(cid)
        held = self.plans.get(command.get("day"))
        if held is not None and command.get("version") <= held["version"]:
            self.ack(cid, "done")  # not newer: acknowledged and ignored
            return
        wanted = {}
        if self.fleet.fetch_audio:
            for item in command.get("items", []):
                if item.get("url") and item.get("sha256") not in self.audio:
                    wanted.setdefault(item.get("sha256"), item)
        if wanted:
            self.fleet.fetch_plan(self, command, list(wanted.values()))
            return
        self.plan_fetched(command, {})

    def plan_fetched(self, command, results):
        """Back on the loop with ``{sha256: (body, error)}`` of the plan's
        downloads: keep the audio, drop the items without it, store the plan
        (if still the newest for its day), ack ``done`` or ``failed``."""
        cid = command.get("cid")
        errors = []
        for sha256, (body, error) in results.items():
            if body is not None:
                self.audio[sha256] = body
            else:
                errors.append(error)
        day, version = command.get("day"), command.get("version")
        held = self.plans.get(day)
        if held is None or version > held["version"]:
            if held is not None:
                for timer in held["timers"]:
                    self.fleet.cancel(timer)
            items = {
                item["id"]: item
                for item in command.get("items", [])
                if not self.fleet.fetch_audio
                or not item.get("url")
                or item.get("sha256") in self.audio
            }
            now = time.time()
            timers = [
                self.fleet.call_later(max(0.0, item["at"] - now), self.plan_due, item)
                for item in items.values()
                if item["id"] not in self.items_done and item["not_after"] > now
            ]
            self.plans[day] = {"version": version, "items": items, "timers": timers}
            self.fleet.record(self.device_id, "plan", version)
        if errors:
            self.fleet.record(self.device_id, "plan_failed", cid)
            self.ack(cid, "failed", detail="; ".join(sorted(set(errors))))
        else:
            self.ack(cid, "done")

    def plan_due(self, item):
        """An item's time: online, the play command that airs it is due
        within the grace period; offline (or still nothing after it), the
        device plays it from its plan."""
        if item["id"] in self.items_done:
            return
        if self.client.is_connected():
            self.fleet.call_later(self.fleet.plan_grace, self.play_planned, item)
        else:
            self.play_planned(item)

    def play_planned(self, item):
        if item["id"] in self.items_done or time.time() > item["not_after"]:
            return
        if self.fleet.fetch_audio and item.get("url"):
            # Offline, the only audio is the local copy checked at receipt.
            body = self.audio.get(item.get("sha256"))
            if body is None or hashlib.sha256(body).hexdigest() != item["sha256"]:
                self.fleet.record(self.device_id, "plan_no_audio", item["id"])
                return
            self.fleet.record(self.device_id, "plan_local_copy", item["id"])
        self.items_done[item["id"]] = None
        command = {
            "cid": None,
            "item": item["id"],
            "program": item.get("program"),
            "duration": item.get("duration"),
            "priority": item.get("priority", "normal"),
            "position": item.get("position", 0),
            "issued_at": item["at"],
            "expires_at": item["not_after"],
        }
        self.fleet.record(self.device_id, "plan_play", item["id"])
        rank = RANK.get(command["priority"], 0)
        heapq.heappush(
            self.queue,
            (-rank, command["position"], item["at"], next(self.fleet.seq), command),
        )
        if not self.current:
            self.play_next()

    def on_stop(self, command):
        """A stop has its own cid (acknowledged ``done`` once handled) and
        names the play it stops in ``target``."""
        cid, target = command.get("cid"), command.get("target")
        if cid in self.seen:
            self.ack(cid, self.last_ack.get(cid, "done"))
            return
        self.seen.add(cid)
        self.seen.add(target)  # a late copy of the play must not start it
        queued = [item for item in self.queue if item[-1].get("cid") == target]
        if queued:
            self.queue = [item for item in self.queue if item[-1].get("cid") != target]
            heapq.heapify(self.queue)
            self.ack(target, "stopped")
        elif self.current and self.current[0].get("cid") == target:
            self.finish("stopped")
        self.fleet.record(self.device_id, "stop", target)
        self.ack(cid, "done")

    def heartbeat(self):
        if self.client.is_connected():
            # A plan item played from the plan has no cid: its id instead.
            playing = None
            if self.current:
                playing = self.current[0]["cid"] or self.current[0].get("item")
            self.send(
                protocol.HEARTBEAT, {"playing": playing, "source": self.source}, qos=0
            )


def download(command, timeout=30):
    """``(body, None)`` when the body at ``url`` has the command's (or plan
    item's) length and SHA-256, else ``(None, detail)`` for the ack
    (``HTTP 404``, ``sha256 mismatch``...)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(command["url"], timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        return None, f"HTTP {exc.code}"
    except OSError as exc:
        return None, f"download: {exc}"[:200]
    if "bytes" in command and len(body) != command["bytes"]:
        return None, "length mismatch"
    if hashlib.sha256(body).hexdigest() != command.get("sha256"):
        return None, "sha256 mismatch"
    return body, None


class Fleet:
    """Many simulated devices on one selectors loop in one thread."""

    def __init__(
        self,
        specs,
        url=None,
        heartbeat=60,
        play_seconds=None,
        keepalive=60,
        connect_batch=200,
        plan_grace=60,
        fetch_audio=False,
    ):
        from django.conf import settings

        from .mqtt import broker_address

        self.host, self.port, _ = broker_address(
            url or settings.BROADCAST_DEVICE_MQTT_URL
        )
        self.heartbeat_every = heartbeat
        self.play_seconds = play_seconds
        self.keepalive = keepalive
        self.plan_grace = plan_grace
        self.connect_batch = connect_batch
        # Download each play's and each plan item's audio and check its
        # length and SHA-256 (off for the big benches: thousands of devices
        # fetching one file); planned items then play from the local copy.
        self.fetch_audio = fetch_audio
        self.downloads = None
        self.listening = {}  # stream cid -> Event that ends its reader
        self.stream_bytes = {}  # stream cid -> bytes read from the mount
        self.selector = selectors.DefaultSelector()
        self.wants_write = set()  # clients with packets paho queued
        self.seq = itertools.count()
        self.timers = []
        self.cancelled = set()
        self.calls = []
        self.calls_lock = threading.Lock()
        self.events = []
        self.events_lock = threading.Lock()
        self.stopping = threading.Event()
        self.devices = {}
        for spec in specs:
            self.devices[spec["device_id"]] = SimDevice(self, spec)
        self.thread = None

    # --- selector glue for paho -------------------------------------------------
    def socket_open(self, client, userdata, sock):
        try:
            self.selector.register(sock, selectors.EVENT_READ, client)
        except (KeyError, ValueError):
            # A reused file descriptor whose old socket paho closed quietly.
            self.selector.unregister(sock.fileno())
            self.selector.register(sock, selectors.EVENT_READ, client)

    def socket_close(self, client, userdata, sock):
        self.wants_write.discard(client)
        try:
            self.selector.unregister(sock)
        except (KeyError, ValueError, OSError):
            pass

    def register_write(self, client, userdata, sock):
        # Written by the loop before its next select: no epoll_ctl per
        # message, twice (bench/mqtt_floor.py's devices do the same).
        self.wants_write.add(client)

    def unregister_write(self, client, userdata, sock):
        self.wants_write.discard(client)

    def write_pending(self):
        """What paho queued for each client; a socket that cannot take all
        of it now (send buffer full) stays in ``wants_write``."""
        for client in list(self.wants_write):
            try:
                client.loop_write()
            except (OSError, ValueError):
                self.wants_write.discard(client)
                sock = client.socket()
                if sock is not None:
                    self.socket_close(client, None, sock)

    # --- timers and cross-thread calls ----------------------------------------------
    def call_later(self, delay, fn, *args):
        timer = next(self.seq)
        heapq.heappush(self.timers, (time.monotonic() + delay, timer, fn, args))
        return timer

    def cancel(self, timer):
        self.cancelled.add(timer)

    def call_soon_threadsafe(self, fn, *args):
        with self.calls_lock:
            self.calls.append((fn, args))

    def _pool(self):
        if self.downloads is None:
            from concurrent.futures import ThreadPoolExecutor

            self.downloads = ThreadPoolExecutor(4, thread_name_prefix="sim-fetch")
        return self.downloads

    def fetch(self, device, command):
        """GET the command's ``url`` on a worker thread, check ``bytes`` and
        ``sha256``, then hand the result back to the loop."""

        def run():
            _body, error = download(command)
            self.call_soon_threadsafe(device.fetched, command, error)

        self._pool().submit(run)

    def fetch_plan(self, device, command, items):
        """Download every item of a plan (one per distinct audio file) on a
        worker thread, then hand ``{sha256: (body, error)}`` to the loop."""

        def run():
            results = {}
            for item in items:
                body, error = download(item)
                if error:
                    error = f"{item.get('title') or item['id']}: {error}"[:200]
                results[item["sha256"]] = (body, error)
            self.call_soon_threadsafe(device.plan_fetched, command, results)

        self._pool().submit(run)

    def listen(self, device, command):
        """Play a stream: GET its URL (the Icecast mount) on a thread of its
        own, report the first bytes, keep reading until stopped or closed."""
        stop = threading.Event()
        self.listening[command["cid"]] = stop

        def run():
            import urllib.error
            import urllib.request

            total = 0
            try:
                with urllib.request.urlopen(command["url"], timeout=15) as response:
                    while not stop.is_set():
                        data = response.read(4096)
                        if not data:
                            break
                        if not total:
                            self.call_soon_threadsafe(
                                device.stream_started, command, len(data)
                            )
                        total += len(data)
                        with self.events_lock:
                            self.stream_bytes[command["cid"]] = self.stream_bytes.get(
                                command["cid"], 0
                            ) + len(data)
            except urllib.error.HTTPError as exc:
                self.call_soon_threadsafe(
                    device.stream_failed, command, f"HTTP {exc.code}"
                )
                return
            except OSError as exc:
                if not stop.is_set():
                    self.call_soon_threadsafe(
                        device.stream_failed, command, f"stream: {exc}"[:200]
                    )
                return
            # The mount closed: the platform's stop usually follows at once
            # (it ends the encoder and tells the devices together), so wait
            # a little for it before calling the stream ended.
            if not stop.wait(STREAM_END_GRACE):
                self.call_soon_threadsafe(device.stream_ended, command)

        threading.Thread(target=run, daemon=True, name="sim-stream").start()

    def stop_listening(self, cid):
        stop = self.listening.pop(cid, None)
        if stop is not None:
            stop.set()

    def record(self, device_id, event, cid):
        with self.events_lock:
            self.events.append((time.time(), device_id, event, cid))

    def events_for(self, event=None, cid=None, device_id=None):
        with self.events_lock:
            return [
                e
                for e in self.events
                if (event is None or e[2] == event)
                and (cid is None or e[3] == cid)
                and (device_id is None or e[1] == device_id)
            ]

    # --- control (thread-safe) -------------------------------------------------------
    def set_online(self, device_id, online):
        device = self.devices[device_id]

        def apply():
            device.wanted_online = online
            if online:
                device.connect()
            else:
                # Like a device losing power or its 4G link: the broker
                # publishes its last will (retained ``online: false``), and
                # keeps its persistent session; commands published meanwhile
                # wait there (until their MQTT 5 expiry).
                device.client.disconnect(
                    reasoncode=ReasonCode(
                        PacketTypes.DISCONNECT, "Disconnect with will message"
                    )
                )

        self.call_soon_threadsafe(apply)

    def online_count(self):
        return sum(1 for d in self.devices.values() if d.client.is_connected())

    def wait_online(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.online_count() == len(self.devices):
                return True
            time.sleep(0.05)
        return False

    def start(self):
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self.thread:
            self.thread.join(timeout=10)
        if self.downloads is not None:
            self.downloads.shutdown(wait=False, cancel_futures=True)
        for stop in list(self.listening.values()):
            stop.set()

    # --- the loop -----------------------------------------------------------------
    def run(self):
        while not self.stopping.is_set():
            try:
                self._run()
                return
            except Exception:  # noqa: BLE001 - a simulator keeps going
                logger.exception("simulator loop error; continuing")

    def _run(self):
        pending = list(self.devices.values())
        last_misc = 0.0
        hb = self.heartbeat_every
        # Spread heartbeats over the interval.
        for index, device in enumerate(pending):
            self.call_later(hb * (index + 1) / (len(pending) + 1), self._beat, device)
        while not self.stopping.is_set():
            if pending:
                batch, pending = (
                    pending[: self.connect_batch],
                    pending[self.connect_batch :],
                )
                for device in batch:
                    device.connect()
            with self.calls_lock:
                calls, self.calls = self.calls, []
            for fn, args in calls:
                fn(*args)
            self.write_pending()
            # A send buffer that was full is tried again soon.
            timeout = 0.005 if self.wants_write else 0.05
            if self.timers:
                timeout = max(0.0, min(timeout, self.timers[0][0] - time.monotonic()))
            try:
                ready = self.selector.select(timeout)
            except OSError:
                ready = []
            for key, _mask in ready:
                client = key.data
                try:
                    client.loop_read()
                except (OSError, ValueError):
                    self.socket_close(client, None, key.fileobj)
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, timer, fn, args = heapq.heappop(self.timers)
                if timer in self.cancelled:
                    self.cancelled.discard(timer)
                    continue
                try:
                    fn(*args)
                except Exception:  # noqa: BLE001
                    logger.exception("simulated device timer failed")
            if now - last_misc >= 1.0:
                last_misc = now
                for device in self.devices.values():
                    client = device.client
                    if client.is_connected():
                        try:
                            client.loop_misc()
                        except (OSError, ValueError):
                            pass
                    elif (
                        device.wanted_online
                        and now - device.last_attempt > 1.0
                        and device not in pending
                    ):
                        # Broker restarted or dropped us: reconnect, same session.
                        sock = client.socket()
                        if sock is not None:
                            self.socket_close(client, None, sock)
                        device.connect()
        for device in self.devices.values():
            if device.client.is_connected():
                # A clean shutdown says so (the will is only for a lost link).
                device.send(
                    protocol.STATUS,
                    {"online": False, "source": device.source},
                    retain=True,
                )
            device.client.disconnect()
            try:
                device.client.loop_write()
            except Exception:  # noqa: BLE001 - closing down anyway
                pass

    def _beat(self, device):
        device.heartbeat()
        self.call_later(self.heartbeat_every, self._beat, device)


def _fleet_process(specs, url, heartbeat, play_seconds, ready, stop):
    fleet = Fleet(specs, url=url, heartbeat=heartbeat, play_seconds=play_seconds)
    # Thousands of devices and their paho clients live as long as the
    # process: out of the collector's reach (real devices do not share the
    # platform's cores; the simulated ones should take as little of them).
    gc.freeze()
    fleet.start()
    fleet.wait_online(timeout=300)
    ready.set()
    stop.wait()
    fleet.stop()


def run_fleet_processes(specs, processes, url=None, heartbeat=60, play_seconds=None):
    """Split ``specs`` over ``processes`` processes; returns (procs, ready, stop)."""
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    procs, readies = [], []
    for index in range(processes):
        part = specs[index::processes]
        ready = ctx.Event()
        proc = ctx.Process(
            target=_fleet_process,
            args=(part, url, heartbeat, play_seconds, ready, stop),
            daemon=True,
        )
        proc.start()
        procs.append(proc)
        readies.append(ready)
    return procs, readies, stop
