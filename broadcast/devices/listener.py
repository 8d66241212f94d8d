"""The listener: records presence, acknowledgements and play reports.

One MQTT connection subscribes to every device's status, heartbeat, ack
and play topics (QoS 1, persistent session, so reports sent while the
listener restarts are kept by the broker). The network thread only queues
raw messages; a database thread takes them in batches, so 5,000 acks
arriving within a second cost a handful of queries, not 5,000.

A message that is not valid protocol v1 (malformed JSON, wrong schema,
wrong topic, bad signature, unknown device) is dropped, counted in
``ListenerCounter`` under its reason and logged; nothing a device sends can
stop the listener.
"""

import logging
import queue
import threading
import time
from datetime import UTC, datetime

from django.db import close_old_connections
from django.utils import timezone

from ..models import (
    Delivery,
    ListenerCounter,
    OutboxMessage,
    PlayLog,
    SpeakerCluster,
)
from ..pipeline import DeliveryState, bulk_set_state
from . import credentials, protocol
from .mqtt import broker_address, connect_properties, new_client

logger = logging.getLogger(__name__)

ACK_TO_STATE = {
    "received": DeliveryState.ACKNOWLEDGED,
    "playing": DeliveryState.PLAYING,
    "done": DeliveryState.DONE,
    "failed": DeliveryState.FAILED,
    "expired": DeliveryState.EXPIRED,
    "preempted": DeliveryState.PREEMPTED,
    "stopped": DeliveryState.STOPPED,
}
# Later states first: a batch holding "received" and "done" for one device
# ends at done.
STATE_ORDER = [
    "received",
    "playing",
    "done",
    "failed",
    "expired",
    "preempted",
    "stopped",
]


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def _ts(value):
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


class Listener:
    ACK_DEFER_SECONDS = 30

    def __init__(self, url=None, client_id="ttcs-listener", batch_interval=0.1):
        self.url = url
        self.client_id = client_id
        self.batch_interval = batch_interval
        self.inbox = queue.Queue()
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.handled = 0
        self.client = None
        self._devices = {}
        self._last_sweep = 0.0
        self._deferred = []
        self._last_retry = 0.0

    # --- network side ------------------------------------------------------
    def start(self, username=None, password=None):
        from django.conf import settings

        host, port, tls = broker_address(self.url)
        self.client = new_client(
            self.client_id,
            username or settings.BROADCAST_MQTT_USERNAME,
            password or settings.BROADCAST_MQTT_PASSWORD,
        )
        if tls:
            self.client.tls_set()
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_disconnect = lambda *a: self.connected.clear()
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.connect_async(
            host,
            port,
            keepalive=30,
            clean_start=False,
            properties=connect_properties(7 * 24 * 3600),
        )
        self.client.loop_start()
        self.db_thread = threading.Thread(target=self.run_db, daemon=True)
        self.db_thread.start()
        return self

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.error("listener refused by broker: %s", reason_code)
            return
        client.subscribe([(t, 1) for t in protocol.subscriptions_for_listener()])
        self.connected.set()
        logger.info("listener connected, subscribed to device topics")

    def _on_message(self, client, userdata, message):
        self.inbox.put(
            (
                message.topic,
                message.payload,
                message.retain,
                credentials.sig_of(message.properties),
            )
        )

    def stop(self):
        self.stopping.set()
        if self.client is not None:
            self.client.loop_stop()
            self.client.disconnect()
        if hasattr(self, "db_thread"):
            self.db_thread.join(timeout=10)

    # --- database side -----------------------------------------------------
    def run_db(self):
        while not self.stopping.is_set() or not self.inbox.empty():
            batch = []
            try:
                batch.append(self.inbox.get(timeout=self.batch_interval))
            except queue.Empty:
                pass
            while len(batch) < 10000:
                try:
                    batch.append(self.inbox.get_nowait())
                except queue.Empty:
                    break
            try:
                close_old_connections()
                if batch:
                    self.process(batch)
                self.retry_deferred()
                self.maybe_sweep()
            except Exception:  # noqa: BLE001 - the listener never dies
                logger.exception("listener batch failed; continuing")
                time.sleep(0.5)

    def maybe_sweep(self, every=5.0):
        if time.monotonic() - self._last_sweep < every:
            return
        self._last_sweep = time.monotonic()
        from ..services import expire_overdue, retry_unacknowledged

        expire_overdue()
        retry_unacknowledged()

    def drop(self, reason, topic, detail=""):
        logger.warning("dropped device message (%s) on %s %s", reason, topic, detail)
        ListenerCounter.bump(f"dropped:{reason}")

    def process(self, batch):
        """Validate a batch of raw messages and record what they say.

        Protocol v1.1: the ``sig`` user property is the HMAC-SHA256 of the
        payload bytes with the device's key; ``kind`` equals the topic's;
        ``ts`` is within ``protocol.CLOCK_WINDOW`` of our clock; ``n`` is
        higher than every counter accepted from the device before (the
        last will has a counter of its own: it is signed at connect time).
        """
        parsed_batch = []
        device_ids = set()
        for topic, payload, retain, sig in batch:
            parsed = protocol.parse_device_topic(topic)
            if parsed is None:
                self.drop("wrong_topic", topic)
                continue
            device_id, kind = parsed
            if kind == "cmd":
                continue  # the platform's own commands
            if kind not in protocol.DEVICE_KINDS:
                self.drop("wrong_topic", topic, "unknown message kind")
                continue
            try:
                data = protocol.decode(payload)
            except protocol.BadMessage as exc:
                self.drop(exc.reason, topic, str(exc))
                continue
            if data.get("device") != device_id:
                self.drop("wrong_topic", topic, "device id differs from topic")
                continue
            if data.get("kind") != kind:
                self.drop("wrong_kind", topic, f"kind {data.get('kind')!r}")
                continue
            parsed_batch.append((topic, device_id, kind, data, retain, sig, payload))
            device_ids.add(device_id)
        if not parsed_batch:
            return
        known = {
            device_id: [pk, key, last, last_will]
            for device_id, pk, key, last, last_will in SpeakerCluster.objects.filter(
                device_id__in=device_ids, is_active=True
            ).values_list(
                "device_id", "pk", "signing_key", "last_counter", "last_will_counter"
            )
        }
        now = time.time()
        valid = []
        counters, will_counters = {}, {}
        for topic, device_id, kind, data, retain, sig, payload in parsed_batch:
            entry = known.get(device_id)
            if entry is None:
                self.drop("unknown_device", topic)
                continue
            pk, key, last, last_will = entry
            if not credentials.check(payload, sig, key):
                self.drop("bad_signature", topic)
                continue
            counter = data.get("n")
            if not isinstance(counter, int) or isinstance(counter, bool):
                self.drop("bad_schema", topic, "no counter n")
                continue
            is_will = kind == protocol.STATUS and data.get("will") is True
            if is_will:
                # Signed when the device connected: older than what it sent
                # since, but newer than any earlier will.
                if counter <= last_will:
                    self.drop("replay", topic, f"will n={counter}")
                    continue
                entry[3] = counter
                will_counters[pk] = counter
            else:
                if counter <= last:
                    if retain:
                        # The retained status we already have, given again
                        # on (re)subscribe: not an attack.
                        ListenerCounter.bump("stale_retained")
                    else:
                        self.drop("replay", topic, f"n={counter} <= {last}")
                    continue
                ts = data.get("ts")
                if not isinstance(ts, int | float) or abs(now - ts) > (
                    protocol.CLOCK_WINDOW
                ):
                    self.drop("clock", topic, f"ts={ts!r}")
                    continue
                entry[2] = counter
                counters[pk] = counter
            valid.append((device_id, kind, data, retain))
        self.save_counters(counters, "last_counter")
        self.save_counters(will_counters, "last_will_counter")
        if not valid:
            return
        known = {device_id: entry[0] for device_id, entry in known.items()}
        acks, plays, presence = [], [], {}
        for device_id, kind, data, _retain in valid:
            if kind in (protocol.STATUS, protocol.HEARTBEAT):
                presence[device_id] = (kind, data)
            elif kind == protocol.ACK:
                acks.append((device_id, data, time.monotonic()))
                presence.setdefault(device_id, (protocol.HEARTBEAT, {}))
            elif kind == protocol.PLAY:
                plays.append((device_id, data))
        self.record_presence(presence, known)
        self.record_acks(acks)
        self.record_plays(plays, known)
        ListenerCounter.bump("handled", len(valid))
        self.handled += len(valid)

    def save_counters(self, counters, column):
        """One UPDATE for the batch; never moves a counter back (another
        listener may have gone further)."""
        if not counters:
            return
        from django.db import connection

        table = SpeakerCluster._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS c SET {column} = v.n "
                f"FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, n) "
                f"WHERE c.id = v.id AND c.{column} < v.n",
                [list(counters), list(counters.values())],
            )

    def record_presence(self, presence, known):
        now = timezone.now()
        online_ids, offline_ids = [], []
        for device_id, (kind, data) in presence.items():
            is_online = bool(data.get("online", True))
            (online_ids if is_online else offline_ids).append(known[device_id])
            # What the device says it does (shown to officers).
            fields = {}
            if kind == protocol.STATUS and is_online:
                volume = data.get("volume")
                if isinstance(volume, int) and 0 <= volume <= 100:
                    fields["reported_volume"] = volume
                if isinstance(data.get("firmware"), str):
                    fields["firmware"] = data["firmware"][:100]
            if kind == protocol.HEARTBEAT and "playing" in data:
                playing = data.get("playing")
                fields["now_playing"] = playing[:64] if isinstance(playing, str) else ""
            if fields:
                SpeakerCluster.objects.filter(pk=known[device_id]).update(**fields)
        if online_ids:
            SpeakerCluster.objects.filter(pk__in=online_ids).update(
                online=True, last_seen=now
            )
        if offline_ids:
            SpeakerCluster.objects.filter(pk__in=offline_ids).update(
                online=False, now_playing=""
            )

    def record_acks(self, acks):
        """``acks``: [(device_id, data, first_seen)]. An ack can arrive before
        the publisher wrote the delivery rows (it publishes first); such acks
        of a known dispatch wait in ``_deferred`` and are tried again every
        ``batch_interval`` for up to ``ACK_DEFER_SECONDS``."""
        if not acks:
            return
        wanted = {}
        for device_id, data, seen in acks:
            state = data.get("state")
            cid = data.get("cid")
            if state not in ACK_TO_STATE or _uuid(cid) is None:
                self.drop("bad_ack", device_id, repr(state))
                continue
            states, items = wanted.setdefault((cid, device_id), ([], []))
            states.append(state)
            items.append((device_id, data, seen))
        if not wanted:
            return
        cids = {cid for cid, _ in wanted}
        devices = {device for _, device in wanted}
        rows = Delivery.objects.filter(
            dispatch__cid__in=cids, cluster__device_id__in=devices
        ).values_list(
            "pk",
            "state",
            "acknowledged_at",
            "dispatch_id",
            "dispatch__cid",
            "cluster__device_id",
        )
        deliveries = {
            (str(cid), device): Delivery(
                pk=pk, state=state, acknowledged_at=acked, dispatch_id=dispatch_id
            )
            for pk, state, acked, dispatch_id, cid, device in rows
        }
        # Apply in pipeline order, grouped by target state: one UPDATE each.
        for state in STATE_ORDER:
            group = [
                deliveries[key]
                for key, (states, _items) in wanted.items()
                if state in states and key in deliveries
            ]
            if group:
                bulk_set_state(group, ACK_TO_STATE[state], source="device")
        unknown = [key for key in wanted if key not in deliveries]
        if not unknown:
            return
        from ..models import Dispatch

        live = {
            str(cid)
            for cid in Dispatch.objects.filter(
                cid__in={cid for cid, _ in unknown}, expires_at__gt=timezone.now()
            ).values_list("cid", flat=True)
        }
        # A config command's ack: the cluster took its volume and hours.
        configs = dict(
            SpeakerCluster.objects.filter(
                config_cid__in=[cid for cid, _ in unknown if cid not in live],
            ).values_list("config_cid", "device_id")
        )
        acked = [
            (cid, device)
            for cid, device in unknown
            if configs.get(_uuid(cid)) == device and "done" in wanted[(cid, device)][0]
        ]
        for cid, device in acked:
            SpeakerCluster.objects.filter(device_id=device, config_cid=cid).update(
                config_acked_at=timezone.now()
            )
        unknown = [key for key in unknown if _uuid(key[0]) not in configs]
        # A stop's own cid (v1.1) has no delivery: its "done" is expected.
        stops = {
            cid
            for cid in OutboxMessage.objects.filter(
                payload__type="stop",
                payload__cid__in=[cid for cid, _ in unknown if cid not in live],
            ).values_list("payload__cid", flat=True)
        }
        if stops:
            ListenerCounter.bump("stop_acked", len(stops))
            unknown = [key for key in unknown if key[0] not in stops]
        now = time.monotonic()
        lost = 0
        for key in unknown:
            items = wanted[key][1]
            if key[0] in live and now - items[0][2] < self.ACK_DEFER_SECONDS:
                self._deferred.extend(items)
            else:
                lost += 1
        if lost:
            ListenerCounter.bump("ack_without_delivery", lost)

    def retry_deferred(self):
        if not self._deferred:
            return
        if time.monotonic() - self._last_retry < self.batch_interval:
            return
        self._last_retry = time.monotonic()
        items, self._deferred = self._deferred, []
        self.record_acks(items)

    def record_plays(self, plays, known):
        if not plays:
            return
        from ..models import Dispatch

        cids = {
            data.get("cid") for _, data in plays if isinstance(data.get("cid"), str)
        }
        dispatches = {
            str(d.cid): d
            for d in Dispatch.objects.filter(cid__in=cids).select_related("program")
        }
        rows = []
        for device_id, data in plays:
            dispatch = dispatches.get(data.get("cid"))
            try:
                seconds = max(0.0, float(data.get("seconds", 0)))
            except (TypeError, ValueError):
                self.drop("bad_play", device_id)
                continue
            unit_id = (
                dispatch.unit_id
                if dispatch
                else SpeakerCluster.objects.get(pk=known[device_id]).unit_id
            )
            rows.append(
                PlayLog(
                    cluster_id=known[device_id],
                    unit_id=unit_id,
                    dispatch=dispatch,
                    program=dispatch.program if dispatch else None,
                    started_at=_ts(data.get("started_at")),
                    ended_at=_ts(data.get("ended_at")),
                    seconds=seconds,
                    result=str(data.get("result", ""))[:20],
                )
            )
        # A report repeated (QoS 1, or answering a repeated command) is
        # recorded once: same cluster, dispatch and start.
        seen = set(
            PlayLog.objects.filter(
                dispatch__in=[r.dispatch for r in rows if r.dispatch],
                cluster_id__in=[r.cluster_id for r in rows],
            ).values_list("cluster_id", "dispatch_id", "started_at")
        )
        fresh = []
        for row in rows:
            key = (row.cluster_id, row.dispatch_id, row.started_at)
            if key not in seen:
                seen.add(key)
                fresh.append(row)
        PlayLog.objects.bulk_create(fresh)
