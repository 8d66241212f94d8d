"""paho-mqtt (2.x, MQTT 5) clients of the platform: the outbox publisher.

Standard MQTT 5 only (QoS 1, message expiry, persistent sessions, retained
messages, last will), so the same code runs against Mosquitto in production
and the embedded amqtt broker of a fresh developer machine.
"""

import logging
import threading
import time
import uuid
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from . import protocol
from .sql import select_any

logger = logging.getLogger(__name__)


def broker_address(url=None):
    parsed = urlparse(url or settings.MQTT_URL)
    return (
        parsed.hostname or "127.0.0.1",
        parsed.port or (8883 if parsed.scheme == "mqtts" else 1883),
        parsed.scheme == "mqtts",
    )


def new_client(client_id, username=None, password=None, clean_start=True):
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
    )
    if username:
        client.username_pw_set(username, password)
    client._ttcs_clean_start = clean_start
    return client


def connect_properties(session_expiry):
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = session_expiry
    return props


def publish_properties(expires_at):
    """MQTT 5 message expiry: the broker drops the command once stale."""
    props = Properties(PacketTypes.PUBLISH)
    props.MessageExpiryInterval = max(1, int(expires_at - time.time()))
    return props


class Publisher:
    """One connected client per process, reused by the publisher task."""

    _lock = threading.Lock()
    _client = None

    @classmethod
    def get(cls, url=None, timeout=5):
        with cls._lock:
            client = cls._client
            if client is not None and client.is_connected():
                return client
            if client is not None:
                client.loop_stop()
                client.disconnect()
            host, port, tls = broker_address(url)
            client = new_client(
                f"ttcs-publisher-{uuid.uuid4().hex[:10]}",
                settings.BROADCAST_MQTT_USERNAME,
                settings.BROADCAST_MQTT_PASSWORD,
            )
            if tls:
                client.tls_set()
            # One copy per device (v1.1): keep many QoS 1 copies in flight.
            client.max_inflight_messages_set(settings.BROADCAST_MQTT_MAX_INFLIGHT)
            connected = threading.Event()
            client.on_connect = lambda c, u, f, rc, p: connected.set()
            client.connect(host, port, keepalive=30, clean_start=True)
            client.loop_start()
            if not connected.wait(timeout):
                client.loop_stop()
                raise ConnectionError(f"MQTT broker {host}:{port} did not answer")
            cls._client = client
            return client

    @classmethod
    def reset(cls):
        with cls._lock:
            if cls._client is not None:
                cls._client.loop_stop()
                cls._client.disconnect()
            cls._client = None


def _row_devices(row):
    if row.device_ids:
        return row.device_ids
    parsed = protocol.parse_device_topic(row.topic)
    return [parsed[0]] if parsed else []


def publish_outbox(limit=2000, timeout=10):
    """Publish unsent outbox rows (QoS 1) and wait for the broker's PUBACKs.

    Each row names the devices it goes to: every device gets its own copy
    on its own command topic, with its id in the body and the MAC of its
    signing key (protocol v1.1). Rows are locked (SKIP LOCKED) for the
    duration, so two workers never send the same row; a device's copy
    counts as sent only after the broker accepted it, and a row keeps the
    devices whose copy was not accepted for the next run. A worker that
    dies mid-way leaves its rows unsent, and the next run (after commit, or
    the sweep every 15 s) sends them again; devices drop duplicates by
    correlation id. Returns (published, failed) device copies.
    """
    from ..models import OutboxMessage, SpeakerCluster
    from ..pipeline import DeliveryState, record_new

    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, expires_at__gt=now)
            .order_by("created_at", "pk")[:limit]
        )
        if not rows:
            return 0, 0
        try:
            client = Publisher.get()
        except (OSError, ConnectionError) as exc:
            OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
                last_error=str(exc)[:255]
            )
            raise
        wanted = {device for row in rows for device in _row_devices(row)}
        keys, ids = {}, {}
        for device_id, key, pk in select_any(
            SpeakerCluster,
            "device_id, signing_key, id",
            "is_active AND signing_key <> '' AND device_id = ANY(%s)",
            [list(wanted)],
        ):
            keys[device_id], ids[device_id] = key, pk
        infos = []
        for row in rows:
            expiry = max(1, int(row.expires_at.timestamp() - time.time()))
            payload_for = protocol.command_encoder(row.payload)
            for device in _row_devices(row):
                key = keys.get(device)
                if key is None:
                    continue  # revoked or taken out of service meanwhile
                payload = payload_for(device)
                props = protocol.signed_properties(payload, key, expiry=expiry)
                info = client.publish(
                    protocol.device_cmd(device), payload, qos=1, properties=props
                )
                infos.append((row, device, info))
        done, failed = {}, {}
        deadline = time.monotonic() + timeout
        for row, device, info in infos:
            try:
                info.wait_for_publish(max(0.01, deadline - time.monotonic()))
            except (RuntimeError, ValueError):
                pass
            (done if info.is_published() else failed).setdefault(row, []).append(device)
        sent_at = timezone.now()
        complete = [row.pk for row in rows if row not in failed]
        OutboxMessage.objects.filter(pk__in=complete).update(sent_at=sent_at)
        for row, devices in failed.items():
            OutboxMessage.objects.filter(pk=row.pk).update(
                device_ids=devices,
                attempts=row.attempts + 1,
                last_error="no PUBACK in time",
            )
        if failed:
            Publisher.reset()
        # Published first; now the per-device rows, in bulk: queued -> sent
        # for the devices whose play command the broker accepted.
        by_dispatch = {}
        for row, devices in done.items():
            if row.dispatch_id and row.payload.get("type") in protocol.PROGRAM_COMMANDS:
                by_dispatch.setdefault(row.dispatch_id, set()).update(devices)
        for dispatch_id, devices in by_dispatch.items():
            record_new(
                dispatch_id,
                [ids[d] for d in devices if d in ids],
                DeliveryState.SENT,
                when=sent_at,
            )
    published = sum(len(d) for d in done.values())
    return published, sum(len(d) for d in failed.values())
