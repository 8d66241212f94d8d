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
from collections import Counter
from datetime import timedelta

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from ..models import (
    Delivery,
    ListenerCounter,
    OutboxMessage,
    PlayLog,
    SpeakerCluster,
)
from ..pipeline import PAIRS, DeliveryState, advance_pairs
from . import credentials, protocol
from .mqtt import broker_address, connect_properties, new_client
from .sql import select_any

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


def reported_fields(kind, data):
    """What an online status or heartbeat says the device does (shown to
    officers): volume and firmware (status), source and FM frequency,
    what plays (heartbeat)."""
    fields = {}
    if kind == protocol.STATUS:
        volume = data.get("volume")
        if isinstance(volume, int) and not isinstance(volume, bool):
            if 0 <= volume <= 100:
                fields["reported_volume"] = volume
        if isinstance(data.get("firmware"), str):
            fields["firmware"] = data["firmware"][:100]
    if data.get("source") in protocol.SOURCES:
        fields["source"] = data["source"]
        frequency = data.get("frequency")
        fields["reported_frequency"] = (
            round(frequency, 1)
            if data["source"] == "fm"
            and isinstance(frequency, int | float)
            and protocol.FM_MIN <= frequency <= protocol.FM_MAX
            else None
        )
    if kind == protocol.HEARTBEAT and "playing" in data:
        playing = data.get("playing")
        fields["now_playing"] = playing[:64] if isinstance(playing, str) else ""
    return fields


def ack_detail(items, state):
    """The ``detail`` of the last ack in ``state`` among ``items`` [(device,
    data, seen)], as officers read it, or ""."""
    for _device, data, _seen in reversed(items):
        detail = data.get("detail")
        if data.get("state") == state and isinstance(detail, str) and detail.strip():
            return f"Thiết bị báo: {detail.strip()[:200]}"
    return ""


def save_details(notes):
    """{delivery pk: detail} in one UPDATE."""
    if not notes:
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Delivery._meta.db_table} AS d SET detail = v.detail "
            "FROM unnest(%s::bigint[], %s::varchar[]) AS v(id, detail) "
            "WHERE d.id = v.id",
            [list(notes), list(notes.values())],
        )


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


# MQTT 5 reason code 0x8E on DISCONNECT.
SESSION_TAKEN_OVER = 142


def dispatch_ids(cids):
    """{cid: dispatch pk} of the known ``cids``."""
    from ..models import Dispatch

    return {
        str(cid): pk
        for pk, cid in select_any(
            Dispatch, "id, cid", "cid = ANY(%s::uuid[])", [list(cids)]
        )
    }


def existing_pairs(pairs):
    """The (dispatch pk, cluster pk) of ``pairs`` that have a delivery row."""
    if not pairs:
        return set()
    dispatches, clusters = zip(*pairs, strict=True)
    return set(
        select_any(
            Delivery,
            "dispatch_id, cluster_id",
            PAIRS,
            [list(dispatches), list(clusters)],
        )
    )


class ListenerRunning(RuntimeError):
    """Another process already runs a listener with this client id."""


class SessionClaim:
    """The listener's MQTT client id, held as a PostgreSQL advisory lock on
    a connection of its own for as long as the listener runs.

    The listener keeps a persistent session (queued acks survive its
    restart), so its client id is stable; a second process started with the
    same id would take that session over and the broker would disconnect the
    first (MQTT 5 "session taken over"), each stealing it back on reconnect.
    A second listener needs its own ``--client-id``. The lock goes with the
    process: a listener that dies frees its id at once."""

    def __init__(self, client_id, url=None):
        self.client_id = client_id
        # A session is a client id at one broker: two checkouts with brokers
        # of their own may both use the default id.
        host, port, _tls = broker_address(url)
        self.key = f"ttcs-mqtt-session:{host}:{port}:{client_id}"
        self.connection = None

    def acquire(self):
        from django.db import connections

        connection = connections.create_connection("default")
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [self.key])
            (held,) = cursor.fetchone()
        if not held:
            connection.close()
            raise ListenerRunning(
                f"Một listener khác đang chạy với client id {self.client_id!r} "
                "(nó giữ phiên MQTT bền của id này). Dừng listener đó, hoặc "
                "chạy listener thứ hai với --client-id khác, ví dụ "
                f"{self.client_id}-2."
            )
        self.connection = connection
        return self

    def release(self):
        if self.connection is not None:
            self.connection.close()  # the session's lock goes with it
            self.connection = None


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
        self._waiting = {}  # cid of deferred acks -> its delivery rows then
        self._last_retry = 0.0
        self._counts = Counter()  # ListenerCounter bumps, written per batch
        self._busy = False

    # --- network side ------------------------------------------------------
    def start(self, username=None, password=None):
        """Connect and record; raises ListenerRunning when another process
        runs a listener with the same client id (``SessionClaim``)."""
        from django.conf import settings

        self.claim = SessionClaim(self.client_id, self.url).acquire()
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
        self.client.on_disconnect = self._on_disconnect
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

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        if getattr(reason_code, "value", None) == SESSION_TAKEN_OVER:
            # Not one of ours (SessionClaim): a client outside the platform
            # used the listener's id. Said loudly; paho reconnects.
            logger.error(
                "listener %s: the broker gave its session to another client "
                "with the same id",
                self.client_id,
            )
            self.count("session_taken_over")

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
        if getattr(self, "claim", None) is not None:
            self.claim.release()

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
            self._busy = bool(batch)
            try:
                close_old_connections()
                if batch:
                    self.process(batch)
                self.retry_deferred()
                self.flush_counts()
                self.maybe_sweep()
            except Exception:  # noqa: BLE001 - the listener never dies
                logger.exception("listener batch failed; continuing")
                time.sleep(0.5)
            finally:
                self._busy = False

    def idle(self):
        """Nothing received is waiting or being recorded."""
        return self.inbox.empty() and not self._busy

    def maybe_sweep(self, every=5.0):
        if time.monotonic() - self._last_sweep < every:
            return
        self._last_sweep = time.monotonic()
        from ..services import expire_overdue, retry_unacknowledged

        expire_overdue()
        retry_unacknowledged()

    def drop(self, reason, topic, detail=""):
        logger.warning("dropped device message (%s) on %s %s", reason, topic, detail)
        self.count(f"dropped:{reason}")

    def count(self, name, by=1):
        self._counts[name] += by

    def flush_counts(self):
        """The batch's ListenerCounter bumps in one statement (a burst of
        5,000 replays or stale retained messages is one write, not 5,000)."""
        if not self._counts:
            return
        from django.db import connection

        counts, self._counts = self._counts, Counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ListenerCounter._meta.db_table} AS c (name, count) "
                "SELECT * FROM unnest(%s::varchar[], %s::bigint[]) "
                "ON CONFLICT (name) DO UPDATE SET count = c.count + EXCLUDED.count",
                [list(counts), list(counts.values())],
            )

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
            for device_id, pk, key, last, last_will in select_any(
                SpeakerCluster,
                "device_id, id, signing_key, last_counter, last_will_counter",
                "is_active AND device_id = ANY(%s)",
                [list(device_ids)],
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
                        self.count("stale_retained")
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
        # Every device that sent a (non-will) message is alive: its counter,
        # "online" and last contact in one UPDATE per batch (an offline
        # status is applied after, in record_presence).
        back = self.save_counters(counters, "last_counter", alive=True)
        self.save_counters(will_counters, "last_will_counter")
        if not valid:
            return
        known = {device_id: entry[0] for device_id, entry in known.items()}
        acks, plays, presence = [], [], {}
        for device_id, kind, data, _retain in valid:
            if kind in (protocol.STATUS, protocol.HEARTBEAT):
                presence.setdefault(device_id, []).append((kind, data))
            elif kind == protocol.ACK:
                acks.append((device_id, data, time.monotonic()))
            elif kind == protocol.PLAY:
                plays.append((device_id, data))
        self.record_presence(presence, known, back)
        self.record_acks(acks, known)
        self.record_plays(plays, known)
        self.count("handled", len(valid))
        self.handled += len(valid)
        self.flush_counts()

    def save_counters(self, counters, column, alive=False):
        """One UPDATE for the batch; never moves a counter back (another
        listener may have gone further). With ``alive``, the same statement
        marks the devices online with their last contact now, and returns
        those that had raised an offline alert (they are back)."""
        if not counters:
            return []
        from django.db import connection

        table = SpeakerCluster._meta.db_table
        params = [list(counters), list(counters.values())]
        with connection.cursor() as cursor:
            if not alive:
                cursor.execute(
                    f"UPDATE {table} AS c SET {column} = v.n "
                    f"FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, n) "
                    f"WHERE c.id = v.id AND c.{column} < v.n",
                    params,
                )
                return []
            cursor.execute(
                f"UPDATE {table} AS c SET {column} = GREATEST(c.{column}, v.n), "
                f"online = true, last_seen = %s "
                f"FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, n) "
                f"WHERE c.id = v.id RETURNING c.id, c.offline_alerted_at IS NOT NULL",
                [timezone.now(), *params],
            )
            return [pk for pk, alerted in cursor.fetchall() if alerted]

    def record_presence(self, presence, known, back=()):
        """What status and heartbeat messages say (online was already set
        with the counters): offline statuses, the reported volume, firmware,
        source and what plays, for the whole batch in one UPDATE; alerts of
        devices that are ``back`` are resolved. ``presence``: {device_id:
        [(kind, data), ...]} in the order received (a status and a heartbeat
        of one device in one batch both count)."""
        now = timezone.now()
        offline_ids = []
        reports = {}
        for device_id, messages in presence.items():
            fields = {}
            is_online = True
            for kind, data in messages:
                is_online = bool(data.get("online", True))
                if not is_online:
                    continue
                fields.update(reported_fields(kind, data))
            if not is_online:
                offline_ids.append(known[device_id])
            elif fields:
                reports[known[device_id]] = fields
        self.save_reports(reports)
        gone = set(offline_ids)
        back = [pk for pk in back if pk not in gone]
        if back:
            # Back after an offline alert: the alert is resolved.
            from ..models import ClusterAlert

            SpeakerCluster.objects.filter(pk__in=back).update(offline_alerted_at=None)
            ClusterAlert.objects.filter(
                cluster_id__in=back, resolved_at__isnull=True
            ).update(resolved_at=now)
        if offline_ids:
            SpeakerCluster.objects.filter(pk__in=offline_ids).update(
                online=False, now_playing=""
            )

    def save_reports(self, reports):
        """{cluster pk: fields from ``reported_fields``} in one UPDATE … FROM
        unnest (a NULL column keeps the stored value; ``frequency`` is
        written whenever ``source`` is)."""
        if not reports:
            return
        from django.db import connection

        columns = {
            "id": [],
            "volume": [],
            "firmware": [],
            "source": [],
            "frequency": [],
            "playing": [],
        }
        for pk, fields in reports.items():
            columns["id"].append(pk)
            columns["volume"].append(fields.get("reported_volume"))
            columns["firmware"].append(fields.get("firmware"))
            columns["source"].append(fields.get("source"))
            columns["frequency"].append(fields.get("reported_frequency"))
            columns["playing"].append(fields.get("now_playing"))
        table = SpeakerCluster._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS c SET "
                "reported_volume = COALESCE(v.volume, c.reported_volume), "
                "firmware = COALESCE(v.firmware, c.firmware), "
                "source = COALESCE(v.source, c.source), "
                "reported_frequency = CASE WHEN v.source IS NULL "
                "THEN c.reported_frequency ELSE v.frequency END, "
                "now_playing = COALESCE(v.playing, c.now_playing) "
                "FROM unnest(%s::bigint[], %s::smallint[], %s::varchar[], "
                "%s::varchar[], %s::numeric[], %s::varchar[]) "
                "AS v(id, volume, firmware, source, frequency, playing) "
                "WHERE c.id = v.id",
                list(columns.values()),
            )

    def record_acks(self, acks, cluster_of=None):
        """``acks``: [(device_id, data, first_seen)]. A dispatch's rows are
        written with it, so an ack normally finds its row; one that does not
        (a dispatch written by an older version, whose rows the publisher
        writes after publishing) waits in ``_deferred`` and is tried again
        every ``batch_interval`` for up to ``ACK_DEFER_SECONDS``."""
        if not acks:
            return
        wanted = {}
        for device_id, data, seen in acks:
            state = data.get("state")
            cid = data.get("cid")
            if state not in ACK_TO_STATE or _uuid(cid) is None:
                self.drop("bad_ack", device_id, repr(state))
                continue
            cid = str(_uuid(cid))  # as the database writes it
            states, items = wanted.setdefault((cid, device_id), ([], []))
            states.append(state)
            items.append((device_id, data, seen))
        if not wanted:
            return
        # Taken before the rows are read: rows written after it change it.
        counts = self.row_counts({cid for cid, _ in wanted})
        self.wait_for_rows(wanted, counts)
        if not wanted:
            return
        unknown = self.apply_acks(wanted, cluster_of)
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
        unknown = self.record_command_acks(unknown, wanted, live)
        # A stop's own cid (v1.1) has no delivery: its "done" is expected.
        stops = {
            cid
            for cid in OutboxMessage.objects.filter(
                payload__type="stop",
                payload__cid__in=[cid for cid, _ in unknown if cid not in live],
            ).values_list("payload__cid", flat=True)
        }
        if stops:
            self.count("stop_acked", len(stops))
            unknown = [key for key in unknown if key[0] not in stops]
        now = time.monotonic()
        lost = 0
        waiting = set()
        for key in unknown:
            items = wanted[key][1]
            if key[0] in live and now - items[0][2] < self.ACK_DEFER_SECONDS:
                self._deferred.extend(items)
                waiting.add(key[0])
            else:
                lost += 1
        if lost:
            self.count("ack_without_delivery", lost)
        self._waiting.update((cid, counts[cid]) for cid in waiting)

    def apply_acks(self, wanted, cluster_of=None):
        """Move the deliveries the acks in ``wanted`` name, in pipeline
        order, one UPDATE per target state over exact (dispatch, cluster)
        pairs, without reading the rows first (``pipeline.advance_pairs``).
        ``cluster_of``: {device id: cluster pk}, as ``process`` already read
        it for the batch (read here for deferred acks). Returns the keys
        without a delivery row."""
        by_cid = dispatch_ids({cid for cid, _ in wanted})
        devices = {device for cid, device in wanted if cid in by_cid}
        if cluster_of is None:
            cluster_of = (
                dict(
                    select_any(
                        SpeakerCluster,
                        "device_id, id",
                        "device_id = ANY(%s)",
                        [list(devices)],
                    )
                )
                if devices
                else {}
            )
        pair_of = {
            key: (by_cid[key[0]], cluster_of[key[1]])
            for key in wanted
            if key[0] in by_cid and key[1] in cluster_of
        }
        key_of = {pair: key for key, pair in pair_of.items()}
        moved_pairs = set()
        for state in STATE_ORDER:
            pairs = [pair for key, pair in pair_of.items() if state in wanted[key][0]]
            if not pairs:
                continue
            moved = advance_pairs(pairs, ACK_TO_STATE[state], source="device")
            # Why a device failed (or what it says with another state): kept
            # on the delivery the officers read, only where the state moved.
            notes = {}
            for pk, dispatch_id, _old, cluster_id in moved:
                moved_pairs.add((dispatch_id, cluster_id))
                note = ack_detail(wanted[key_of[(dispatch_id, cluster_id)]][1], state)
                if note:
                    notes[pk] = note
            save_details(notes)
        # Acks that moved nothing: a repeat, a late one, or no row yet.
        rest = [pair for pair in key_of if pair not in moved_pairs]
        have_rows = moved_pairs | existing_pairs(rest)
        return [key for key in wanted if pair_of.get(key) not in have_rows]

    @staticmethod
    def row_counts(cids):
        """{cid: number of its delivery rows} (0 for none yet)."""
        from django.db.models import Count

        counts = dict.fromkeys(cids, 0)
        counts.update(
            (str(cid), n)
            for cid, n in Delivery.objects.filter(dispatch__cid__in=cids)
            .values_list("dispatch__cid")
            .annotate(n=Count("pk"))
        )
        return counts

    def wait_for_rows(self, wanted, counts):
        """Acks of a dispatch already waiting for its rows (``_waiting``:
        cid -> its rows then) whose rows did not change (``counts``) join
        the wait, while the publisher is still sending the other 4,999
        copies, instead of five queries over every device id of the batch."""
        if not self._waiting:
            return
        now = time.monotonic()
        for key in [key for key in wanted if key[0] in self._waiting]:
            items = wanted[key][1]
            if (
                counts[key[0]] == self._waiting[key[0]]
                and now - items[0][2] < self.ACK_DEFER_SECONDS
            ):
                self._deferred.extend(wanted.pop(key)[1])

    def record_command_acks(self, unknown, wanted, live):
        """Acks of ``plan`` and ``fm`` commands (no delivery rows): the plan
        version or the FM switch the device took. Returns the rest."""
        from ..models import DevicePlan

        candidates = [cid for cid, _ in unknown if cid not in live]
        if not candidates:
            return unknown
        plans = dict(
            DevicePlan.objects.filter(cid__in=candidates).values_list(
                "cid", "cluster__device_id"
            )
        )
        fms = dict(
            SpeakerCluster.objects.filter(fm_cid__in=candidates).values_list(
                "fm_cid", "device_id"
            )
        )
        now = timezone.now()
        rest = []
        for cid, device in unknown:
            states, items = wanted[(cid, device)]
            key = _uuid(cid)
            if plans.get(key) == device:
                detail = str(items[-1][1].get("detail", ""))[:200]
                if "done" in states:
                    DevicePlan.objects.filter(cid=key).update(acked_at=now, detail="")
                elif "failed" in states:
                    DevicePlan.objects.filter(cid=key).update(detail=detail or "failed")
            elif fms.get(key) == device:
                if "done" in states:
                    SpeakerCluster.objects.filter(device_id=device, fm_cid=key).update(
                        fm_acked_at=now
                    )
            else:
                rest.append((cid, device))
        return rest

    def retry_deferred(self):
        """Every ``batch_interval``: the deferred acks of the dispatches that
        got rows since (or that waited ``ACK_DEFER_SECONDS``) are applied."""
        if not self._deferred:
            self._waiting.clear()
            return
        if time.monotonic() - self._last_retry < self.batch_interval:
            return
        self._last_retry = time.monotonic()
        counts = self.row_counts(set(self._waiting))
        ready = {cid for cid, seen in self._waiting.items() if counts[cid] != seen}
        now = time.monotonic()
        pending, self._deferred, items = self._deferred, [], []
        for item in pending:
            cid = str(_uuid(item[1].get("cid")))
            if (
                cid in ready
                or cid not in self._waiting
                or (now - item[2] >= self.ACK_DEFER_SECONDS)
            ):
                items.append(item)
            else:
                self._deferred.append(item)
        for cid in ready:
            del self._waiting[cid]
        if items:
            self.record_acks(items)

    def record_plays(self, plays, known):
        """Store every report; only those ``services.plays.check_report``
        accepts count toward hours aired. A report answers a command (its
        ``cid``) or a plan item played from the device's plan (its ``item``,
        protocol v1.1), or both. A report repeated (QoS 1, or answering a
        repeated command) is stored once; a second, different report for the
        same play is kept but not counted."""
        if not plays:
            return
        from ..models import Dispatch, PlanItem
        from ..services.plays import check_report

        cids = {
            data.get("cid") for _, data in plays if _uuid(data.get("cid")) is not None
        }
        items = {
            _uuid(data.get("item"))
            for _, data in plays
            if _uuid(data.get("item")) is not None
        }
        cluster_ids = {known[device_id] for device_id, _ in plays}
        found = list(
            Dispatch.objects.filter(Q(cid__in=cids) | Q(item__in=items)).select_related(
                "program"
            )
        )
        dispatches = {str(d.cid): d for d in found}
        by_item = {}
        for dispatch in found:
            if dispatch.item is not None:
                by_item.setdefault(dispatch.item, []).append(dispatch)
        planned = {}
        for entry in (
            PlanItem.objects.filter(item__in=items, plan__cluster_id__in=cluster_ids)
            .select_related("program", "plan")
            .order_by("-plan__version")
        ):
            planned.setdefault((entry.plan.cluster_id, entry.item), entry)
        delivered = set(
            Delivery.objects.filter(
                dispatch__in=found, cluster_id__in=cluster_ids
            ).values_list("dispatch_id", "cluster_id")
        )
        units = dict(
            SpeakerCluster.objects.filter(pk__in=cluster_ids).values_list("pk", "unit")
        )
        previous = {}
        for cluster_id, dispatch_id, item, started in PlayLog.objects.filter(
            Q(dispatch__in=found) | Q(item__in=items),
            cluster_id__in=cluster_ids,
            accepted=True,
        ).values_list("cluster_id", "dispatch_id", "item", "started_at"):
            if dispatch_id:
                previous[(cluster_id, "d", dispatch_id)] = started
            if item:
                previous[(cluster_id, "i", item)] = started
        now = timezone.now()
        rows = []
        for device_id, data in plays:
            cluster_id = known[device_id]
            dispatch = dispatches.get(data.get("cid"))
            if dispatch is not None and (dispatch.pk, cluster_id) not in delivered:
                # Reported before the publisher wrote the delivery rows (it
                # publishes first), or a command of another device.
                if not OutboxMessage.objects.filter(
                    dispatch=dispatch, device_ids__contains=[device_id]
                ).exists():
                    dispatch = None
            item = _uuid(data.get("item"))
            entry = planned.get((cluster_id, item)) if item else None
            if dispatch is None and entry is not None:
                # Played from the plan: the dispatch that aired the same item
                # to this device, if the platform sent one.
                dispatch = next(
                    (
                        d
                        for d in by_item.get(item, [])
                        if (d.pk, cluster_id) in delivered
                    ),
                    None,
                )
            if entry is not None:
                window = (entry.at, entry.not_after)
                program = entry.program
            elif dispatch is not None:
                window = (dispatch.created_at, dispatch.expires_at)
                program = dispatch.program
            else:
                window, program = None, None
            duration = program.duration_seconds if program else 0.0
            started, ended, seconds, reject = check_report(data, window, duration, now)
            keys = []
            if dispatch is not None:
                keys.append((cluster_id, "d", dispatch.pk))
            if entry is not None:
                keys.append((cluster_id, "i", item))
            if not reject and any(key in previous for key in keys):
                if any(previous.get(key) == started for key in keys):
                    continue  # the same report again
                reject = "duplicate"
            if not reject:
                for key in keys:
                    previous[key] = started
            if reject:
                self.count(f"play_rejected:{reject}")
            rows.append(
                PlayLog(
                    cluster_id=cluster_id,
                    unit_id=program.unit_id if program else units[cluster_id],
                    dispatch=dispatch,
                    program=program,
                    item=item if entry is not None else None,
                    started_at=started,
                    ended_at=ended,
                    seconds=seconds,
                    result=str(data.get("result", ""))[:20],
                    accepted=not reject,
                    reject_reason=reject,
                    received_at=now,
                    report=data,
                )
            )
        # Rejected reports repeated (with a new counter) are stored once too.
        seen = set()
        if any(not row.accepted for row in rows):
            seen = {
                (cluster_id, str(cid), str(started), str(result))
                for cluster_id, cid, started, result in PlayLog.objects.filter(
                    cluster_id__in=cluster_ids,
                    accepted=False,
                    received_at__gte=now - timedelta(days=1),
                ).values_list(
                    "cluster_id", "report__cid", "report__started_at", "result"
                )
            }
        fresh = []
        for row in rows:
            if not row.accepted:
                key = (
                    row.cluster_id,
                    str(row.report.get("cid")),
                    str(row.report.get("started_at")),
                    str(row.result),
                )
                if key in seen:
                    continue
                seen.add(key)
            fresh.append(row)
        PlayLog.objects.bulk_create(fresh)
