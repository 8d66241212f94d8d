"""MQTT protocol v1 between the platform and speaker clusters.

Written down for vendors in docs/mqtt-protocol-v1.md; this module is the
single place the topics and payloads are built and parsed, used by the
publisher, the listener and the simulator alike.
"""

import json
import time

from django.conf import settings

SCHEMA = 1
ROOT = "ttcs/v1"

# Device -> platform message kinds (last topic level).
STATUS, HEARTBEAT, ACK, PLAY = "status", "heartbeat", "ack", "play"
DEVICE_KINDS = (STATUS, HEARTBEAT, ACK, PLAY)
ACK_STATES = ("received", "playing", "done", "failed", "expired", "preempted")


def root():
    return getattr(settings, "BROADCAST_TOPIC_ROOT", ROOT)


def device_cmd(device_id):
    return f"{root()}/dev/{device_id}/cmd"


def device_topic(device_id, kind):
    return f"{root()}/dev/{device_id}/{kind}"


def unit_cmd(unit_key):
    return f"{root()}/grp/unit/{unit_key}/cmd"


def all_cmd():
    return f"{root()}/grp/all/cmd"


def unit_key(unit):
    """The unit's group name in topics: its schema name (unique, stable)."""
    return unit.schema_name


def subscriptions_for_listener():
    return [f"{root()}/dev/+/{kind}" for kind in DEVICE_KINDS]


def parse_device_topic(topic):
    """(device_id, kind) of a device topic, or None when it is not one."""
    parts = topic.split("/")
    base = root().split("/")
    if len(parts) != len(base) + 3 or parts[: len(base)] != base:
        return None
    dev, device_id, kind = parts[len(base) :]
    if dev != "dev" or not device_id or kind not in DEVICE_KINDS:
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
    targets=None,
    position=0,
    language="vi",
    volume=None,
):
    """A ``play`` command (platform -> device), QoS 1, with message expiry."""
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
    if targets is not None:
        body["targets"] = list(targets)
    if volume is not None:
        body["volume"] = volume
    return body


def stop_command(*, cid, reason="withdrawn", expires_at):
    return {
        "v": SCHEMA,
        "type": "stop",
        "cid": str(cid),
        "reason": reason,
        "issued_at": round(time.time(), 3),
        "expires_at": round(expires_at, 3),
    }


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
