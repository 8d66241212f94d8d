"""CAP 1.2 documents: the mapping from bulletins, writing and reading XML.

Thông tư 39/2020/TT-BTTTT has three levels; CAP has three axes. The mapping
(docs/alerts.md):

    emergency (Khẩn cấp) → severity Extreme, urgency Immediate, certainty Observed
    priority (Ưu tiên)   → severity Severe,  urgency Expected,  certainty Likely
    normal               → not published as CAP

Reading goes through defusedxml (no DTDs, no entities, no network) and the
CAP 1.2 schema in ``schema/CAP-v1.2.xsd``.
"""

import functools
import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import defusedxml.ElementTree as SafeET
import xmlschema
from django.conf import settings

from base.choices import Priority

NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM = "http://www.w3.org/2005/Atom"
GEOCODE_NAME = "MaDonViHanhChinh"
VN_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEMA_PATH = Path(__file__).parent / "schema" / "CAP-v1.2.xsd"

# Thông tư 39 level → (severity, urgency, certainty).
LEVELS = {
    Priority.EMERGENCY.value: ("Extreme", "Immediate", "Observed"),
    Priority.PRIORITY.value: ("Severe", "Expected", "Likely"),
}
# And back, for incoming alerts: Extreme or Immediate is an emergency.
EMERGENCY_SEVERITIES = {"Extreme"}
EMERGENCY_URGENCIES = {"Immediate"}

# bulletins.models.Category → CAP <category>.
CATEGORIES = {
    "health": "Health",
    "disaster": "Met",
    "security": "Security",
}
# CAP <category> → bulletins.models.Category, for incoming alerts.
CATEGORY_FROM_CAP = {
    "Health": "health",
    "Met": "disaster",
    "Geo": "disaster",
    "Env": "disaster",
    "Fire": "disaster",
    "Rescue": "disaster",
    "Security": "security",
    "Safety": "security",
}

ET.register_namespace("", NS)


@functools.cache
def schema():
    return xmlschema.XMLSchema(str(SCHEMA_PATH))


def cap_time(value):
    """ISO 8601 with the +07:00 offset and no fractions, as CAP requires."""
    return value.astimezone(VN_TIME).replace(microsecond=0).isoformat()


def parse_time(text):
    return datetime.fromisoformat(text.strip())


def unit_base_url(unit):
    host = unit.primary_hostname or f"{unit.slug}.{settings.BASE_DOMAIN}"
    port = "" if settings.PUBLIC_PORT in (80, 443) else f":{settings.PUBLIC_PORT}"
    scheme = "https" if settings.PUBLIC_PORT == 443 else "http"
    return f"{scheme}://{host}{port}"


def sender_of(unit):
    """CAP <sender>: the unit's host name (``tinh-x.example.vn``)."""
    return unit.primary_hostname or f"{unit.slug}.{settings.BASE_DOMAIN}"


def identifier_of(bulletin, version):
    return f"ttcs-{bulletin.sender_unit.code}-{bulletin.pk}-{version}"


def fingerprint(bulletin, units):
    """What a change to after sending issues an Update for."""
    data = [
        bulletin.title,
        bulletin.body,
        bulletin.category,
        bulletin.priority,
        bulletin.valid_from.isoformat() if bulletin.valid_from else "",
        bulletin.valid_until.isoformat() if bulletin.valid_until else "",
        [u.code for u in units],
    ]
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()


def _sub(parent, name, text=None):
    element = ET.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = str(text)
    return element


def alert_element(
    *,
    bulletin,
    identifier,
    sender,
    sent,
    msg_type,
    units,
    references=(),
    web="",
):
    """The <alert> of one message about ``bulletin`` (an Element)."""
    from bulletins.models import Category

    severity, urgency, certainty = LEVELS[bulletin.priority]
    alert = ET.Element(f"{{{NS}}}alert")
    _sub(alert, "identifier", identifier)
    _sub(alert, "sender", sender)
    _sub(alert, "sent", cap_time(sent))
    _sub(alert, "status", "Actual")
    _sub(alert, "msgType", msg_type)
    _sub(alert, "scope", "Public")
    if references:
        _sub(alert, "references", " ".join(references))
    info = _sub(alert, "info")
    _sub(info, "language", "vi-VN")
    _sub(info, "category", CATEGORIES.get(bulletin.category, "Other"))
    _sub(info, "event", Category(bulletin.category).label)
    _sub(info, "urgency", urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    if bulletin.valid_from:
        _sub(info, "effective", cap_time(bulletin.valid_from))
    if bulletin.valid_until:
        _sub(info, "expires", cap_time(bulletin.valid_until))
    _sub(
        info,
        "senderName",
        bulletin.sender_unit.name_with_type or bulletin.sender_unit.name,
    )
    _sub(info, "headline", bulletin.title)
    _sub(info, "description", bulletin.body)
    if web:
        _sub(info, "web", web)
    area = _sub(info, "area")
    _sub(area, "areaDesc", ", ".join(u.name_with_type or u.name for u in units))
    for unit in units:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", GEOCODE_NAME)
        _sub(geocode, "value", unit.code)
    return alert


def to_xml(element):
    return ET.tostring(element, encoding="unicode", xml_declaration=False)


def document(element):
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + to_xml(element)


# --- reading ----------------------------------------------------------------------


class CapRefused(ValueError):
    """An incoming alert that cannot be used; the message (Vietnamese) is the
    reason kept on its intake row."""


def read_alert(text):
    """Parse and validate one CAP 1.2 alert; return a plain dict.

    Raises CapRefused with a reason for anything not a valid CAP 1.2 alert.
    """
    try:
        root = SafeET.fromstring(text)
    except SafeET.ParseError as exc:
        raise CapRefused(f"Không đọc được XML: {exc}.") from exc
    except Exception as exc:  # noqa: BLE001 - defusedxml's forbidden constructs
        raise CapRefused(f"XML có cấu trúc không được phép: {exc}.") from exc
    if root.tag != f"{{{NS}}}alert":
        raise CapRefused(
            f"Không phải cảnh báo CAP 1.2 (phần tử gốc {root.tag}, cần "
            f"<alert> trong không gian tên {NS})."
        )
    errors = list(schema().iter_errors(root))
    if errors:
        first = errors[0]
        raise CapRefused(
            "Cảnh báo không đúng lược đồ CAP 1.2: "
            f"{first.reason or first.message} (tại {first.path})."
        )

    def text_of(parent, name):
        found = parent.find(f"{{{NS}}}{name}")
        return found.text.strip() if found is not None and found.text else ""

    infos = root.findall(f"{{{NS}}}info")
    if not infos:
        raise CapRefused("Cảnh báo không có phần <info>.")
    vi = [i for i in infos if text_of(i, "language").lower().startswith("vi")]
    info = (vi or infos)[0]
    areas, codes = [], []
    for area in info.findall(f"{{{NS}}}area"):
        areas.append(text_of(area, "areaDesc"))
        for geocode in area.findall(f"{{{NS}}}geocode"):
            codes.append((text_of(geocode, "valueName"), text_of(geocode, "value")))
    return {
        "identifier": text_of(root, "identifier"),
        "sender": text_of(root, "sender"),
        "sent": text_of(root, "sent"),
        "status": text_of(root, "status"),
        "msg_type": text_of(root, "msgType"),
        "references": text_of(root, "references"),
        "categories": [c.text for c in info.findall(f"{{{NS}}}category")],
        "event": text_of(info, "event"),
        "urgency": text_of(info, "urgency"),
        "severity": text_of(info, "severity"),
        "certainty": text_of(info, "certainty"),
        "effective": text_of(info, "effective"),
        "expires": text_of(info, "expires"),
        "sender_name": text_of(info, "senderName"),
        "headline": text_of(info, "headline"),
        "description": text_of(info, "description"),
        "instruction": text_of(info, "instruction"),
        "web": text_of(info, "web"),
        "area_descs": [a for a in areas if a],
        "geocodes": codes,
    }


def feed_cap_links(text, base_url):
    """The CAP documents an Atom feed points to: [(entry id, url or None,
    inline alert XML or None)]. Raises CapRefused for a feed that is not
    Atom."""
    from urllib.parse import urljoin

    try:
        root = SafeET.fromstring(text)
    except Exception as exc:  # noqa: BLE001 - parse errors and forbidden XML
        raise CapRefused(f"Không đọc được nguồn tin Atom: {exc}.") from exc
    if root.tag == f"{{{NS}}}alert":
        return [("", None, text if isinstance(text, str) else text.decode())]
    if root.tag != f"{{{ATOM}}}feed":
        raise CapRefused(f"Nguồn tin không phải Atom (phần tử gốc {root.tag}).")
    found = []
    for entry in root.findall(f"{{{ATOM}}}entry"):
        entry_id = (entry.findtext(f"{{{ATOM}}}id") or "").strip()
        inline = entry.find(f"{{{ATOM}}}content/{{{NS}}}alert")
        if inline is not None:
            found.append((entry_id, None, to_xml(inline)))
            continue
        href = None
        for link in entry.findall(f"{{{ATOM}}}link"):
            kind = link.get("type", "")
            if "cap" in kind or link.get("href", "").endswith(".xml"):
                href = link.get("href")
                break
        found.append((entry_id, urljoin(base_url, href) if href else None, None))
    return found
