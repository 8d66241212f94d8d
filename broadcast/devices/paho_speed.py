"""paho-mqtt's MQTT 5 ``Properties``, made cheap per message.

paho builds a ``Properties`` object for every packet it reads, and that
object is slow by construction: the constructor builds its three tables
(the 27 property names, the 7 types, the 27 type/packet pairs) again for
each packet, finding each type with ``list.index``; every name lookup
compares against all 27 names with their spaces removed, and every
attribute set builds that list once more. For a simulated device or the
listener that was about 30 µs of the 200 µs a message costs
(bench/broadcast_emergency.py, 5,000 devices on two cores).

paho 2.2 is the latest release (upstream's performance RFC,
eclipse-paho/paho.mqtt.python#932, was closed unmerged), so ``install()``
gives ``Properties`` tables built once and dictionary lookups in their
place: the same attributes, values, bytes and errors, checked against
paho's own methods in tests/unit/test_paho_speed.py. Nothing else of paho
changes, and a device built by a vendor uses none of it.
"""

from paho.mqtt import properties as _paho
from paho.mqtt.exception import MQTTException
from paho.mqtt.packettypes import PacketTypes

Properties = _paho.Properties

_ORIGINAL = {
    name: Properties.__dict__[name]
    for name in (
        "__init__",
        "__setattr__",
        "getIdentFromName",
        "getNameFromIdent",
        "allowsMultiple",
        "clear",
        "readProperty",
    )
}
_PRIVATE = frozenset({"packetType", "types", "names", "properties"})
_MULTIPLE = frozenset({11, 38})
_RANGES = {
    "ReceiveMaximum": (1, 65535, "1-65535"),
    "TopicAlias": (1, 65535, "1-65535"),
    "TopicAliasMaximum": (0, 65535, "0-65535"),
    "MaximumPacketSize": (1, 268435455, "1-268435455"),
    "SubscriptionIdentifier": (1, 268435455, "1-268435455"),
}
_FLAGS = frozenset(
    {
        "RequestResponseInformation",
        "RequestProblemInformation",
        "PayloadFormatIndicator",
    }
)


def _tables():
    """paho's own tables, read once from an instance built by paho."""
    probe = object.__new__(Properties)
    _ORIGINAL["__init__"](probe, PacketTypes.PUBLISH)
    return probe.types, probe.names, probe.properties


TYPES, NAMES, PROPERTIES = _tables()
IDENT = {name.replace(" ", ""): ident for name, ident in NAMES.items()}
# getNameFromIdent returns the last name with that identifier.
NAME = {ident: name for name, ident in NAMES.items()}
_READERS = {
    TYPES.index("Byte"): lambda buffer, left: (buffer[0], 1),
    TYPES.index("Two Byte Integer"): lambda buffer, left: (_paho.readInt16(buffer), 2),
    TYPES.index("Four Byte Integer"): lambda buffer, left: (_paho.readInt32(buffer), 4),
    TYPES.index("Variable Byte Integer"): lambda buffer, left: (
        _paho.VariableByteIntegers.decode(buffer)
    ),
    TYPES.index("Binary Data"): _paho.readBytes,
    TYPES.index("UTF-8 Encoded String"): _paho.readUTF,
}
_PAIR = TYPES.index("UTF-8 String Pair")


def __init__(self, packetType):
    # The tables are shared: paho only reads them.
    set_ = object.__setattr__
    set_(self, "packetType", packetType)
    set_(self, "types", TYPES)
    set_(self, "names", NAMES)
    set_(self, "properties", PROPERTIES)


def getIdentFromName(self, compressedName):
    return IDENT.get(compressedName, -1)


def getNameFromIdent(self, identifier):
    return NAME.get(identifier)


def allowsMultiple(self, compressedName):
    return IDENT.get(compressedName, -1) in _MULTIPLE


def clear(self):
    for name in [name for name in self.__dict__ if name in IDENT]:
        delattr(self, name)


def __setattr__(self, name, value):
    name = name.replace(" ", "")
    if name in _PRIVATE:
        object.__setattr__(self, name, value)
        return
    if name not in IDENT:
        raise MQTTException(f"Property name must be one of {NAMES.keys()}")
    ident = IDENT[name]
    if self.packetType not in PROPERTIES[ident][1]:
        raise MQTTException(
            f"Property {name} does not apply to packet type "
            f"{PacketTypes.Names[self.packetType]}"
        )
    if not isinstance(value, list):
        if name in _RANGES:
            low, high, text = _RANGES[name]
            if value < low or value > high:
                raise MQTTException(
                    f"{name} property value must be in the range {text}"
                )
        elif name in _FLAGS and value != 0 and value != 1:
            raise MQTTException(f"{name} property value must be 0 or 1")
    if ident in _MULTIPLE:
        if not isinstance(value, list):
            value = [value]
        if name in self.__dict__:
            value = object.__getattribute__(self, name) + value
    object.__setattr__(self, name, value)


def readProperty(self, buffer, type, propslen):
    if type == _PAIR:
        value, valuelen = _paho.readUTF(buffer, propslen)
        value1, valuelen1 = _paho.readUTF(buffer[valuelen:], propslen - valuelen)
        return (value, value1), valuelen + valuelen1
    return _READERS[type](buffer, propslen)


FAST = {
    "__init__": __init__,
    "__setattr__": __setattr__,
    "getIdentFromName": getIdentFromName,
    "getNameFromIdent": getNameFromIdent,
    "allowsMultiple": allowsMultiple,
    "clear": clear,
    "readProperty": readProperty,
}


def install():
    """Give paho's ``Properties`` the fast methods (idempotent)."""
    for name, method in FAST.items():
        setattr(Properties, name, method)


def uninstall():
    """paho's own methods back (tests compare the two)."""
    for name, method in _ORIGINAL.items():
        setattr(Properties, name, method)
