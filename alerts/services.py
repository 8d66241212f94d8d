"""CAP 1.2 out (messages and feeds) and in (polling upstream sources).

Out: ``publish(bulletin)`` is called after every change of a bulletin
(``receivers``) and issues the CAP message the change calls for, if any.
``feed_xml(unit, subtree=False)`` is the Atom feed of a unit's alerts.

In: ``poll_source(source)`` reads an upstream Atom/CAP feed and turns each
new alert for units of the province into a bulletin (``intake_alert``).
"""

import logging
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from base.choices import Priority
from bulletins import services as bulletin_services
from bulletins.choices import BulletinStatus
from bulletins.models import Bulletin, TargetMode
from tenants.models import Unit

from . import cap
from .models import CapIntake, CapMessage, IntakeOutcome, IntakePolicy, MsgType

logger = logging.getLogger(__name__)

FEED_LIMIT = 1000


def max_feed_bytes():
    return settings.CAP_MAX_FEED_BYTES


ATOM = cap.ATOM


# --- out: messages ---------------------------------------------------------------


def publish(bulletin):
    """Issue the CAP message ``bulletin``'s current state calls for.

    Sent emergency/priority bulletin, never published → Alert; published and
    changed since (content, validity, level or area) → Update; withdrawn →
    Cancel. Returns the new CapMessage or None. Idempotent: a repeated call
    with no change issues nothing.
    """
    with transaction.atomic():
        bulletin = (
            Bulletin.objects.select_for_update(of=("self",))
            .select_related("sender_unit", "target_root")
            .get(pk=bulletin.pk)
        )
        previous = list(bulletin.cap_messages.order_by("version"))
        last = previous[-1] if previous else None
        if last is not None and last.msg_type == MsgType.CANCEL:
            return None
        if bulletin.status == BulletinStatus.SENT:
            if bulletin.priority not in cap.LEVELS:
                # Lowered to "normal" after it went out: no longer an alert.
                return _issue(bulletin, MsgType.CANCEL, previous) if last else None
            units = list(bulletin_services.target_units_of(bulletin))
            print_ = cap.fingerprint(bulletin, units)
            if last is None:
                return _issue(bulletin, MsgType.ALERT, previous, units, print_)
            if last.fingerprint != print_:
                return _issue(bulletin, MsgType.UPDATE, previous, units, print_)
            return None
        if bulletin.status == BulletinStatus.WITHDRAWN and last is not None:
            return _issue(bulletin, MsgType.CANCEL, previous)
    return None


def _issue(bulletin, msg_type, previous, units=None, print_=None):
    last = previous[-1] if previous else None
    if units is None:
        units = list(last.area_units.order_by("path"))
        print_ = last.fingerprint
    version = (last.version + 1) if last else 1
    sent = timezone.now().replace(microsecond=0)
    if last is not None and sent <= last.sent:
        sent = last.sent + timedelta(seconds=1)
    sender = cap.sender_of(bulletin.sender_unit)
    identifier = cap.identifier_of(bulletin, version)
    references = [f"{m.sender},{m.identifier},{cap.cap_time(m.sent)}" for m in previous]
    level_bulletin = bulletin
    if bulletin.priority not in cap.LEVELS:
        # A Cancel for a bulletin lowered to normal keeps its last level.
        level_bulletin = Bulletin(
            **{
                f.attname: getattr(bulletin, f.attname)
                for f in Bulletin._meta.concrete_fields
            }
        )
        level_bulletin.priority = _level_of(last)
    element = cap.alert_element(
        bulletin=level_bulletin,
        identifier=identifier,
        sender=sender,
        sent=sent,
        msg_type=msg_type,
        units=units,
        references=references,
        web=cap.unit_base_url(bulletin.sender_unit)
        + reverse("bulletins_public", args=[bulletin.pk]),
    )
    message = CapMessage.objects.create(
        bulletin=bulletin,
        version=version,
        identifier=identifier,
        sender=sender,
        msg_type=msg_type,
        sent=sent,
        sender_unit=bulletin.sender_unit,
        headline=bulletin.title[:255],
        fingerprint=print_,
        xml=cap.document(element),
    )
    message.area_units.set(units)
    logger.info("CAP %s %s for bulletin %s", msg_type, identifier, bulletin.pk)
    return message


def _level_of(message):
    severity = re.search(r"<severity>(\w+)</severity>", message.xml)
    if severity and severity.group(1) == "Extreme":
        return Priority.EMERGENCY.value
    return Priority.PRIORITY.value


# --- out: feeds ------------------------------------------------------------------


def messages_for(unit, *, subtree=False):
    """CAP messages of ``unit`` (sent by it or for it), or of its subtree."""
    queryset = CapMessage.objects.all()
    if subtree:
        below = Q(structure=unit.structure, path__startswith=unit.path + "/") | Q(
            pk=unit.pk
        )
        units = Unit.objects.filter(below)
        queryset = queryset.filter(Q(sender_unit__in=units) | Q(area_units__in=units))
    else:
        queryset = queryset.filter(Q(sender_unit=unit) | Q(area_units=unit))
    ids = queryset.values("pk").distinct()
    return CapMessage.objects.filter(pk__in=ids).order_by("-sent", "-pk")


TITLE_PREFIX = {"Update": "Cập nhật: ", "Cancel": "Huỷ bỏ: "}


def _atom(parent, name, text=None, **attrs):
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = str(text)
    return element


def feed_xml(unit, *, subtree=False, limit=FEED_LIMIT):
    """The Atom feed of ``unit``'s CAP messages (newest first), each entry
    carrying the alert inline and linking its CAP document."""
    ET.register_namespace("", ATOM)
    ET.register_namespace("cap", cap.NS)
    base = cap.unit_base_url(unit)
    path = reverse("alerts_area_feed" if subtree else "alerts_feed")
    messages = list(messages_for(unit, subtree=subtree)[:limit])
    feed = ET.Element(f"{{{ATOM}}}feed")
    title = f"Cảnh báo (CAP) – {unit.name_with_type or unit.name}"
    if subtree:
        title += " và các đơn vị trực thuộc"
    _atom(feed, "title", title)
    _atom(feed, "id", base + path)
    _atom(feed, "link", rel="self", href=base + path, type="application/atom+xml")
    updated = messages[0].sent if messages else unit.created_at
    _atom(feed, "updated", cap.cap_time(updated))
    author = _atom(feed, "author")
    _atom(author, "name", unit.name_with_type or unit.name)
    for message in messages:
        entry = _atom(feed, "entry")
        href = base + reverse("alerts_message", args=[message.identifier])
        _atom(entry, "id", f"urn:ttcs:cap:{message.identifier}")
        prefix = {"Update": "Cập nhật: ", "Cancel": "Huỷ bỏ: "}.get(
            message.msg_type, ""
        )
        _atom(entry, "title", prefix + message.headline)
        _atom(entry, "updated", cap.cap_time(message.sent))
        _atom(entry, "link", rel="alternate", href=href, type="application/cap+xml")
        content = _atom(entry, "content", type="application/cap+xml")
        content.append(ET.fromstring(message.xml.split("\n", 1)[1]))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        feed, encoding="unicode"
    )


# --- in: polling upstream sources ------------------------------------------------


class FetchRefused(Exception):
    pass


def fetch(url):
    """GET ``url`` with a timeout and a size cap; return bytes."""
    try:
        with requests.get(
            url,
            timeout=settings.CAP_FETCH_TIMEOUT,
            stream=True,
            allow_redirects=True,
            headers={"Accept": "application/atom+xml, application/cap+xml, */*"},
        ) as response:
            if response.status_code != 200:
                raise FetchRefused(f"Nguồn trả về mã HTTP {response.status_code}.")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_feed_bytes():
                raise FetchRefused(_too_big())
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_feed_bytes():
                    raise FetchRefused(_too_big())
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.RequestException as exc:
        raise FetchRefused(f"Không kết nối được tới nguồn: {exc}.") from exc


def _too_big():
    return f"Nguồn tin quá lớn (giới hạn {max_feed_bytes() // 1024} KB)."


def _refuse(source, reason, *, link="", key=("", "", ""), xml=""):
    identifier, sender, sent = key
    logger.warning("CAP intake from %s refused: %s (%s)", source, reason, link)
    seen = CapIntake.objects.filter(
        source=source,
        identifier=identifier,
        sender=sender,
        sent=sent,
        link=link,
        outcome=IntakeOutcome.REFUSED,
        reason=reason,
    ).exists()
    if seen:  # the same refusal on every poll is one row
        return None
    return CapIntake.objects.create(
        source=source,
        identifier=identifier,
        sender=sender,
        sent=sent,
        link=link[:1000],
        outcome=IntakeOutcome.REFUSED,
        reason=reason,
        xml=xml,
    )


def poll_source(source):
    """Read one source; return the intake rows it produced (new ones)."""
    rows = []
    source.last_polled_at = timezone.now()
    try:
        body = fetch(source.url)
        entries = cap.feed_cap_links(body, source.url)
    except (FetchRefused, cap.CapRefused) as exc:
        source.last_error = str(exc)
        source.save(update_fields=["last_polled_at", "last_error"])
        row = _refuse(source, str(exc), link=source.url)
        return [row] if row else []
    source.last_error = ""
    source.save(update_fields=["last_polled_at", "last_error"])
    for entry_id, url, inline in entries:
        link = url or entry_id
        if inline is None:
            if url is None:
                row = _refuse(
                    source, "Mục tin không có liên kết tới CAP.", link=entry_id
                )
                rows.append(row)
                continue
            try:
                inline = fetch(url).decode("utf-8", "replace")
            except FetchRefused as exc:
                rows.append(_refuse(source, str(exc), link=url))
                continue
        rows.append(intake_alert(source, inline, link=link))
    return [r for r in rows if r is not None]


def intake_alert(source, text, *, link=""):
    """One alert from ``source``: accepted (a bulletin made, or sent) or
    refused with the reason. One transaction: nothing half-made."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = text.strip()
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1].strip()
    try:
        alert = cap.read_alert(text)
    except cap.CapRefused as exc:
        return _refuse(source, str(exc), link=link, xml=text[:200000])
    key = (alert["identifier"][:500], alert["sender"][:500], alert["sent"][:64])
    done = CapIntake.objects.filter(
        identifier=key[0], sender=key[1], sent=key[2], outcome=IntakeOutcome.ACCEPTED
    ).first()
    if done is not None and done.source_id == source.pk:
        # The source's feed still lists an alert taken in before: nothing new.
        logger.debug("CAP alert %s from %s already taken in", key[0], source)
        return None
    if done is not None:
        when = timezone.localtime(done.received_at).strftime("%H:%M %d/%m/%Y")
        return _refuse(
            source,
            f"Cảnh báo trùng lặp: đã nhận lúc {when} (cùng mã, bên gửi và thời điểm).",
            link=link,
            key=key,
            xml=text,
        )
    try:
        return _accept(source, alert, text, link, key)
    except cap.CapRefused as exc:
        return _refuse(source, str(exc), link=link, key=key, xml=text)
    except IntegrityError:
        return _refuse(
            source, "Cảnh báo trùng lặp (đang được nhận).", link=link, key=key
        )


def _accept(source, alert, text, link, key):
    now = timezone.now()
    if alert["status"] != "Actual":
        raise cap.CapRefused(
            "Chỉ nhận cảnh báo thật (status Actual), cảnh báo này là "
            f"{alert['status']}."
        )
    if alert["msg_type"] != "Alert":
        raise cap.CapRefused(
            f"Chưa xử lý tự động loại {alert['msg_type']}: cán bộ xem bản gốc "
            "và sửa hoặc thu hồi thông tin nguồn đã nhận."
        )
    expires = cap.parse_time(alert["expires"]) if alert["expires"] else None
    if expires is not None and expires <= now:
        raise cap.CapRefused(
            "Cảnh báo đã hết hiệu lực lúc "
            f"{timezone.localtime(expires).strftime('%H:%M %d/%m/%Y')}."
        )
    province = source.unit
    units = match_units(province, alert)
    if not units:
        described = "; ".join(alert["area_descs"]) or "không có"
        codes = ", ".join(v for _, v in alert["geocodes"]) or "không có"
        raise cap.CapRefused(
            f"Khu vực không thuộc {province}: mô tả «{described}», mã {codes}."
        )
    effective = cap.parse_time(alert["effective"]) if alert["effective"] else now
    emergency = (
        alert["severity"] in cap.EMERGENCY_SEVERITIES
        or alert["urgency"] in cap.EMERGENCY_URGENCIES
    )
    priority = Priority.EMERGENCY if emergency else Priority.PRIORITY
    category = next(
        (
            cap.CATEGORY_FROM_CAP[c]
            for c in alert["categories"]
            if c in cap.CATEGORY_FROM_CAP
        ),
        "other",
    )
    body = "\n\n".join(
        part
        for part in (
            alert["description"],
            alert["instruction"],
            f"Nguồn: {alert['sender_name'] or source.name} (cảnh báo CAP "
            f"{alert['identifier']}, phát lúc {alert['sent']}).",
            f"Bản gốc: {link}" if link.startswith("http") else "",
            f"Chi tiết: {alert['web']}" if alert["web"] else "",
        )
        if part
    )
    if (
        len(units) == 1
        and units[0] == province
        or (len(units) == 1 and units[0].kind not in bulletin_services.COMMUNE_KINDS)
    ):
        targets = {"target_mode": TargetMode.SUBTREE, "target_root": units[0]}
        target_units = []
    else:
        targets = {"target_mode": TargetMode.UNITS, "target_root": None}
        target_units = _communes_of(units, province)
    channels = ["web", "board", "speaker"] if emergency else ["web", "board"]
    try:
        with transaction.atomic():
            bulletin = bulletin_services.create_bulletin(
                user=None,
                scope=province,
                target_units=target_units,
                title=(alert["headline"] or alert["event"])[:255],
                body=body,
                category=category,
                priority=priority,
                channels=channels,
                valid_from=effective,
                valid_until=expires,
                created_by_name=source.name[:150],
                **targets,
            )
            row = CapIntake.objects.create(
                source=source,
                identifier=key[0],
                sender=key[1],
                sent=key[2],
                link=link[:1000] if link.startswith("http") else "",
                outcome=IntakeOutcome.ACCEPTED,
                reason=(
                    "Gửi ngay theo chính sách của nguồn."
                    if source.policy == IntakePolicy.SEND
                    else "Đã tạo bản nháp chờ cán bộ duyệt."
                ),
                xml=text,
                bulletin=bulletin,
            )
            if source.policy == IntakePolicy.SEND:
                bulletin_services.send_bulletin(bulletin, approver_name=source.name)
    except ValidationError as exc:
        raise cap.CapRefused("; ".join(exc.messages)) from exc
    logger.info("CAP alert %s from %s → bulletin %s", key[0], source, bulletin.pk)
    return row


def _communes_of(units, province):
    found = {}
    for unit in units:
        if unit.kind in bulletin_services.COMMUNE_KINDS:
            found[unit.pk] = unit
            continue
        for commune in Unit.objects.filter(
            structure=unit.structure,
            path__startswith=unit.path + "/",
            kind__in=bulletin_services.COMMUNE_KINDS,
        ):
            found[commune.pk] = commune
    return sorted(found.values(), key=lambda u: u.path)


def _norm(name):
    return " ".join(name.lower().split())


def match_units(province, alert):
    """Units of ``province`` (itself or below) an alert's area names: geocodes
    (any valueName, the administrative unit code) first, else areaDesc names
    (full or short name, case-insensitive), split on , ; and newlines."""
    scope = Unit.objects.filter(
        Q(pk=province.pk)
        | Q(structure=province.structure, path__startswith=province.path + "/")
    ).exclude(schema_name="public")
    codes = {value for _, value in alert["geocodes"] if value}
    if codes:
        by_code = list(scope.filter(code__in=codes).order_by("path"))
        if by_code:
            return by_code
    names = set()
    for desc in alert["area_descs"]:
        names.update(_norm(p) for p in re.split(r"[,;\n]", desc) if p.strip())
    if not names:
        return []
    return [
        unit
        for unit in scope.order_by("path")
        if _norm(unit.name) in names or _norm(unit.name_with_type or "") in names
    ]
