"""broadcast/devices/paho_speed.py gives paho's Properties the same
behaviour as paho's own methods: the same attributes and values read from
the same bytes, the same bytes packed, the same errors."""

import pytest
from paho.mqtt.exception import MalformedPacket, MQTTException
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from broadcast.devices import paho_speed

# (packet type, {property: value}) as paho's users set them.
CASES = [
    (PacketTypes.PUBLISH, {}),
    (PacketTypes.PUBLISH, {"MessageExpiryInterval": 300}),
    (
        PacketTypes.PUBLISH,
        {
            "MessageExpiryInterval": 59,
            "UserProperty": [("sig", "ab" * 32), ("kind", "ack")],
            "PayloadFormatIndicator": 1,
            "ContentType": "application/json",
            "ResponseTopic": "ttcs/v1/dev/x/ack",
            "CorrelationData": b"\x00\x01cid",
            "TopicAlias": 7,
            "SubscriptionIdentifier": [268435455],
        },
    ),
    (
        PacketTypes.CONNECT,
        {"SessionExpiryInterval": 86400, "ReceiveMaximum": 20},
    ),
    (
        PacketTypes.CONNACK,
        {
            "AssignedClientIdentifier": "auto-1",
            "ServerKeepAlive": 30,
            "MaximumQoS": 1,
            "RetainAvailable": 1,
            "TopicAliasMaximum": 0,
            "MaximumPacketSize": 1 << 20,
            "ReasonString": "Tiếng Việt ổn",
            "SharedSubscriptionAvailable": 0,
        },
    ),
    (PacketTypes.PUBACK, {"ReasonString": "quota", "UserProperty": [("a", "b")]}),
    (PacketTypes.WILLMESSAGE, {"WillDelayInterval": 5, "MessageExpiryInterval": 9}),
]


@pytest.fixture
def both():
    """Run a function with paho's methods, then with the fast ones."""

    def run(fn):
        results = []
        for install in (paho_speed.uninstall, paho_speed.install):
            install()
            try:
                results.append(fn())
            except (MQTTException, MalformedPacket) as exc:
                results.append((type(exc), str(exc)))
        return results

    yield run
    paho_speed.install()  # as the app installs it


def build(kind, values):
    props = Properties(kind)
    for name, value in values.items():
        if name == "UserProperty":
            for pair in value:
                props.UserProperty = pair
        else:
            setattr(props, name, value)
    return props


def read(kind, raw):
    props, length = Properties(kind).unpack(raw)
    return props.json(), length, str(props), props.isEmpty()


@pytest.mark.parametrize("kind,values", CASES)
def test_same_bytes_and_same_reading(both, kind, values):
    packed = both(lambda: build(kind, values).pack())
    assert packed[0] == packed[1]
    read_back = both(lambda: read(kind, packed[0]))
    assert read_back[0] == read_back[1]
    assert read_back[1][0] == {
        name: (value.hex() if isinstance(value, bytes) else value)
        for name, value in values.items()
    }


@pytest.mark.parametrize(
    "kind,name,value",
    [
        (PacketTypes.PUBLISH, "NoSuchProperty", 1),
        (PacketTypes.PUBLISH, "SessionExpiryInterval", 1),  # not on PUBLISH
        (PacketTypes.CONNECT, "ReceiveMaximum", 0),
        (PacketTypes.CONNACK, "TopicAliasMaximum", 70000),
        (PacketTypes.PUBLISH, "SubscriptionIdentifier", 0),
        (PacketTypes.PUBLISH, "PayloadFormatIndicator", 2),
        (PacketTypes.PUBLISH, "Message Expiry Interval", 10),  # spaces allowed
    ],
)
def test_same_checks_when_set(both, kind, name, value):
    def set_it():
        props = Properties(kind)
        setattr(props, name, value)
        return props.json()

    results = both(set_it)
    assert results[0] == results[1]


@pytest.mark.parametrize(
    "raw",
    [
        b"\x05\x02\x00\x00",  # length says more than there is
        b"\x03\x26\x00\x05",  # a user property cut short
        b"\x0a\x02\x00\x00\x00\x01\x02\x00\x00\x00\x02",  # expiry twice
        b"\x04\x03\x00\x02\xed",  # content type, bad UTF-8 cut
    ],
)
def test_same_errors_on_bad_bytes(both, raw):
    def unpack():
        return read(PacketTypes.PUBLISH, raw)

    try:
        results = both(unpack)
    except Exception as exc:  # noqa: BLE001 - the same exception both ways
        paho_speed.uninstall()
        with pytest.raises(type(exc)):
            unpack()
        paho_speed.install()
        with pytest.raises(type(exc)):
            unpack()
        return
    assert results[0] == results[1]


def test_install_is_what_the_app_runs():
    assert Properties.__init__ is paho_speed.FAST["__init__"]
    assert Properties.getIdentFromName is paho_speed.FAST["getIdentFromName"]
