"""MQTT protocol v1.1 between the platform and speaker clusters.

Written down for vendors in docs/mqtt-protocol-v1.md; this module is the
single place the topics and payloads are built and parsed, used by the
publisher, the listener and the simulator alike.
"""

import json
import struct
import time

from django.conf import settings
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties, VariableByteIntegers

from . import credentials

SCHEMA = 1
VERSION = "1.1"
# How far a device's ``ts`` may be from the platform's clock (seconds), and
# how far in the future a command's ``issued_at`` may be for a device.
CLOCK_WINDOW = 300

# Device -> platform message kinds (last topic level).
STATUS, HEARTBEAT, ACK, PLAY = "status", "heartbeat", "ack", "play"
# Commands that carry a program (a Delivery per device): a file or a stream.
PROGRAM_COMMANDS = ("play", "stream")
DEVICE_KINDS = (STATUS, HEARTBEAT, ACK, PLAY)
ACK_STATES = (
    "received",
    "playing",
    "done",
    "failed",
    "expired",
    "preempted",
    "stopped",
)


def root():
    return settings.BROADCAST_TOPIC_ROOT


def device_cmd(device_id):
    return f"{root()}/dev/{device_id}/cmd"


def device_topic(device_id, kind):
    return f"{root()}/dev/{device_id}/{kind}"


def subscriptions_for_listener():
    # Devices cannot publish on other kinds: the broker's ACL refuses them.
    return [f"{root()}/dev/+/{kind}" for kind in DEVICE_KINDS]


def parse_device_topic(topic):
    """(device_id, kind) of a device topic, or None when it is not one."""
    parts = topic.split("/")
    base = root().split("/")
    if len(parts) != len(base) + 3 or parts[: len(base)] != base:
        return None
    dev, device_id, kind = parts[len(base) :]
    if dev != "dev" or not device_id:
        return None
    return device_id, kind


def play_command(
    *,
    cid,
    program_uid,
    title,
    url,
    duration,
    priority,
    expires_at,
    position=0,
    language="vi",
    volume=None,
    format=None,
    bytes=None,
    sha256=None,
    item=None,
):
    """A ``play`` command (platform -> device), QoS 1, with message expiry.
    ``item``: the plan item it airs (a schedule's occurrence), if any."""
    body = {
        "v": SCHEMA,
        "type": "play",
        "cid": str(cid),
        "program": str(program_uid),
        "title": title,
        "url": url,
        "duration": round(float(duration), 2),
        "priority": priority,
        "position": position,
        "language": language,
        "issued_at": round(time.time(), 3),
        "expires_at": round(expires_at, 3),
    }
    if volume is not None:
        body["volume"] = volume
    if item is not None:
        body["item"] = str(item)
    if sha256:
        body.update({"format": format, "bytes": bytes, "sha256": sha256})
    return body


def stream_command(
    *, cid, program_uid, title, url, kind, priority, expires_at, format="mp3"
):
    """A ``stream`` command: play the endless MP3 at ``url`` (an Icecast
    mount) until a ``stop`` names this ``cid`` or the stream ends."""
    return {
        "v": SCHEMA,
        "type": "stream",
        "cid": str(cid),
        "program": str(program_uid),
        "title": title,
        "url": url,
        "format": format,
        "kind": kind,
        "priority": priority,
        "issued_at": round(time.time(), 3),
        "expires_at": round(expires_at, 3),
    }


def stop_command(*, cid, target, reason="withdrawn", expires_at):
    """Stop ``target`` (a play's cid) if queued or playing; ``cid`` is the
    stop's own, acknowledged ``done`` by the device."""
    return {
        "v": SCHEMA,
        "type": "stop",
        "cid": str(cid),
        "target": str(target),
        "reason": reason,
        "issued_at": round(time.time(), 3),
        "expires_at": round(expires_at, 3),
    }


def config_command(*, cid, volume, on_time, off_time, expires_at):
    """Settings the device applies at once and keeps (acknowledged done)."""
    return {
        "v": SCHEMA,
        "type": "config",
        "cid": str(cid),
        "volume": volume,
        "on_time": on_time,
        "off_time": off_time,
        "issued_at": round(time.time(), 3),
        "expires_at": round(expires_at, 3),
    }


def plan_item(
    *,
    item,
    at,
    not_after,
    program_uid,
    title,
    url,
    duration,
    priority,
    position=0,
    language="vi",
    format=None,
    bytes=None,
    sha256=None,
):
    """One entry of a ``plan``: a program to play at ``at`` (Unix seconds)
    and not after ``not_after``."""
    body = {
        "id": str(item),
        "at": round(at, 3),
        "not_after": round(not_after, 3),
        "program": str(program_uid),
        "title": title,
        "url": url,
        "duration": round(float(duration), 2),
        "priority": priority,
        "position": position,
        "language": language,
    }
    if sha256:
        body.update({"format": format, "bytes": bytes, "sha256": sha256})
    return body


def plan_command(*, cid, day, version, items, expires_at):
    """The device's plan for ``day`` (local date, ISO): replaces any plan of
    that day with a lower version (acknowledged done)."""
    return {
        "v": SCHEMA,
        "type": "plan",
        "cid": str(cid),
        "day": day,
        "version": version,
        "items": items,
        "issued_at": round(time.time(), 3),
        "expires_at": round(expires_at, 3),
    }


FM_MIN, FM_MAX = 87.5, 108.0
SOURCES = ("ip", "fm")


def fm_command(*, cid, mode, frequency, expires_at):
    """Switch the device to the FM ``frequency`` (MHz) or back to IP."""
    body = {
        "v": SCHEMA,
        "type": "fm",
        "cid": str(cid),
        "mode": mode,
        "issued_at": round(time.time(), 3),
        "expires_at": round(expires_at, 3),
    }
    if mode == "fm":
        body["frequency"] = float(frequency)
    return body


class BadMessage(ValueError):
    """A device message that is dropped; ``reason`` is the counter name."""

    def __init__(self, reason, message=""):
        super().__init__(message or reason)
        self.reason = reason


def decode(payload_bytes):
    try:
        data = json.loads(payload_bytes)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadMessage("malformed_json", str(exc)) from None
    if not isinstance(data, dict):
        raise BadMessage("malformed_json", "not an object")
    if data.get("v") != SCHEMA:
        raise BadMessage("bad_schema", f"schema {data.get('v')!r}")
    return data


def encode(body):
    # allow_nan=False: NaN/Infinity are not JSON and devices could not parse them.
    return json.dumps(
        body, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def signed_properties(payload, key_hex, kind=PacketTypes.PUBLISH, expiry=None):
    """MQTT 5 properties carrying the payload's MAC (user property ``sig``),
    and the message expiry in seconds when given."""
    return SignedProperties(
        kind, [(credentials.SIG_PROPERTY, credentials.mac(payload, key_hex))], expiry
    )


class SignedProperties(Properties):
    """The properties of a signed message: user properties and the message
    expiry, nothing else. paho's generic ``Properties`` validates and packs
    by walking all 27 property names, at every message: for the 5,000
    copies of an emergency (and the answer of each simulated device) that
    was a fifth of the publisher's time. Same bytes (MQTT 5 §2.2.2: length,
    then the expiry, then each user property)."""

    def __init__(self, kind, user_properties, expiry=None):
        object.__setattr__(self, "packetType", kind)
        object.__setattr__(self, "UserProperty", list(user_properties))
        if expiry is not None:
            object.__setattr__(self, "MessageExpiryInterval", int(expiry))

    def __setattr__(self, name, value):
        if name not in ("UserProperty", "MessageExpiryInterval"):
            raise AttributeError(f"{name}: not a property of a signed message")
        object.__setattr__(self, name, value)

    def pack(self):
        body = bytearray()
        expiry = getattr(self, "MessageExpiryInterval", None)
        if expiry is not None:
            body += b"\x02" + struct.pack("!L", expiry)
        for name, value in self.UserProperty:
            body += b"\x26" + _utf8(name) + _utf8(value)
        return bytes(VariableByteIntegers.encode(len(body))) + bytes(body)


def _utf8(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def command_payload(body, device_id):
    """The bytes sent to one device: the command with its ``device``."""
    return encode({**body, "device": device_id})


def command_encoder(body):
    """device_id -> ``command_payload(body, device_id)``, the same bytes,
    with the body encoded once: the 5,000 copies of an emergency differ
    only in their last field."""
    if not body or "device" in body:
        return lambda device_id: command_payload(body, device_id)
    head = encode(body)[:-1] + b',"device":'
    return lambda device_id: (
        head + json.dumps(device_id, ensure_ascii=False).encode() + b"}"
    )


def device_message(kind, device_id, counter, body, ts=None):
    """The bytes of a device message (what a device publishes)."""
    return encode(
        {
            "v": SCHEMA,
            "kind": kind,
            "device": device_id,
            "ts": round(time.time() if ts is None else ts, 3),
            "n": counter,
            **body,
        }
    )
