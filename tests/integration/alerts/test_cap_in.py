"""CAP 1.2 in: the province subscribes to an upstream Atom/CAP feed (served
here by a tiny http.server on a free port: no national feed is reachable);
a new alert for its units becomes a draft emergency bulletin for them, or is
sent at once by the source's policy; replays, malformed, expired,
unknown-area and oversized input are refused with a reason, nothing made."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from alerts import cap
from alerts.models import CapIntake, CapSource
from alerts.services import poll_source
from alerts.tasks import poll_cap_sources
from bulletins.models import Bulletin
from tests.utils import admin_client

pytestmark = [pytest.mark.django_db]


class Upstream:
    """path → bytes, served over HTTP on 127.0.0.1 and a free port."""

    def __init__(self):
        self.files = {}
        files = self.files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.close()


def when(delta=timedelta()):
    return cap.cap_time(timezone.now() + delta)


def alert_xml(
    identifier="VN-TCPCTT-2026-0001",
    *,
    codes=("90101",),
    area="Xã An Bình",
    expires=timedelta(hours=6),
    severity="Extreme",
    urgency="Immediate",
    namespace=cap.NS,
    sender="canhbao@phongchongthientai.gov.vn",
    sent=None,
    drop=(),
):
    geocodes = "".join(
        f"<geocode><valueName>MaDonViHanhChinh</valueName><value>{c}</value></geocode>"
        for c in codes
    )
    parts = {
        "identifier": f"<identifier>{identifier}</identifier>",
        "sender": f"<sender>{sender}</sender>",
        "sent": f"<sent>{sent or when(timedelta(minutes=-5))}</sent>",
    }
    head = "".join(v for k, v in parts.items() if k not in drop)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><alert xmlns="{namespace}">{head}'
        "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>"
        "<info><language>vi-VN</language><category>Met</category>"
        "<event>Lũ quét</event>"
        f"<urgency>{urgency}</urgency><severity>{severity}</severity>"
        "<certainty>Observed</certainty>"
        f"<expires>{when(expires)}</expires>"
        "<senderName>Trung ương</senderName>"
        "<headline>Cảnh báo lũ quét, sạt lở đất</headline>"
        "<description>Mưa lớn kéo dài, nguy cơ lũ quét ven sông.</description>"
        "<instruction>Di dời người dân khỏi vùng nguy hiểm.</instruction>"
        f"<area><areaDesc>{area}</areaDesc>{geocodes}</area>"
        "</info></alert>"
    ).encode()


def atom(*hrefs):
    entries = "".join(
        f"<entry><id>urn:test:{i}</id><title>Cảnh báo {i}</title>"
        f"<updated>{when()}</updated>"
        f'<link rel="alternate" type="application/cap+xml" href="{href}"/></entry>'
        for i, href in enumerate(hrefs)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Trung ương</title>'
        f"<id>urn:test:feed</id><updated>{when()}</updated>{entries}</feed>"
    ).encode()


def source_for(tree, upstream, policy="draft", path="/feed.xml"):
    return CapSource.objects.create(
        unit=tree.province, name="Trung ương", url=upstream.url + path, policy=policy
    )


def test_upstream_alert_becomes_a_draft_for_the_right_units_and_a_replay_does_not(
    tree, upstream
):
    upstream.files["/feed.xml"] = atom("/alerts/1.xml")
    upstream.files["/alerts/1.xml"] = alert_xml(codes=("90101", "90201"))
    source = source_for(tree, upstream)
    before = Bulletin.objects.count()

    poll_cap_sources()

    [row] = CapIntake.objects.filter(source=source)
    assert row.outcome == "accepted", row.reason
    bulletin = row.bulletin
    assert bulletin.status == "draft"
    assert bulletin.sender_unit == tree.province
    assert bulletin.priority == "emergency"
    assert bulletin.category == "disaster"
    assert bulletin.created_by_name == "Trung ương"
    assert bulletin.title == "Cảnh báo lũ quét, sạt lở đất"
    assert sorted(u.code for u in bulletin.target_units.all()) == ["90101", "90201"]
    assert f"Bản gốc: {upstream.url}/alerts/1.xml" in bulletin.body
    assert row.xml.startswith(f'<alert xmlns="{cap.NS}">')
    assert bulletin.valid_until is not None
    assert Bulletin.objects.count() == before + 1

    # The same feed read again (it still lists the alert): nothing new; the
    # same alert replayed by another feed: refused.
    assert poll_source(source) == []
    other = CapSource.objects.create(
        unit=tree.province, name="Tỉnh lân cận", url=upstream.url + "/other.xml"
    )
    upstream.files["/other.xml"] = atom("/alerts/1.xml")
    [replay] = poll_source(other)
    assert replay.outcome == "refused"
    assert replay.reason.startswith("Cảnh báo trùng lặp: đã nhận lúc")
    assert Bulletin.objects.count() == before + 1
    assert poll_source(other) == []  # the same refusal is not stored twice


def test_a_district_area_reaches_its_subtree_and_send_policy_sends_at_once(
    tree, upstream
):
    upstream.files["/feed.xml"] = atom("/alerts/2.xml")
    upstream.files["/alerts/2.xml"] = alert_xml(
        "VN-2026-0002",
        codes=(),
        area="Huyện An Phú",
        severity="Severe",
        urgency="Expected",
    )
    source = source_for(tree, upstream, policy="send")
    [row] = poll_source(source)
    assert row.outcome == "accepted", row.reason
    bulletin = row.bulletin
    assert bulletin.status == "sent"
    assert bulletin.approved_by_name == "Trung ương"
    assert bulletin.priority == "priority"
    assert bulletin.target_mode == "subtree"
    assert bulletin.target_root == tree.district_a
    assert bulletin.outbox.count() == 1


@pytest.mark.parametrize(
    "document, reason",
    [
        (alert_xml("X-1", drop=("sender",)), "không đúng lược đồ CAP 1.2"),
        (
            alert_xml("X-2", namespace="urn:oasis:names:tc:emergency:cap:1.1"),
            "Không phải cảnh báo CAP 1.2",
        ),
        (b"<alert><identifier>khong-dong", "Không đọc được XML"),
        (alert_xml("X-3", expires=timedelta(hours=-1)), "đã hết hiệu lực"),
        (
            alert_xml("X-4", codes=("79001",), area="Phường Bến Nghé"),
            "Khu vực không thuộc Tỉnh Thử Nghiệm",
        ),
        (
            b'<!DOCTYPE alert [<!ENTITY x "y">]><alert xmlns="'
            + cap.NS.encode()
            + b'">&x;</alert>',
            "XML có cấu trúc không được phép",
        ),
    ],
    ids=[
        "missing-sender",
        "wrong-namespace",
        "broken-xml",
        "expired",
        "unknown-area",
        "entities",
    ],
)
def test_bad_alerts_are_refused_with_a_reason_and_nothing_is_made(
    tree, upstream, document, reason
):
    upstream.files["/feed.xml"] = atom("/alerts/bad.xml")
    upstream.files["/alerts/bad.xml"] = document
    source = source_for(tree, upstream)
    before = Bulletin.objects.count()
    [row] = poll_source(source)
    assert row.outcome == "refused"
    assert reason in row.reason
    assert row.bulletin is None
    assert Bulletin.objects.count() == before


def test_an_oversized_feed_is_refused(tree, upstream, settings):
    settings.CAP_MAX_FEED_BYTES = 4096
    upstream.files["/feed.xml"] = atom(*[f"/alerts/{i}.xml" for i in range(100)])
    source = source_for(tree, upstream)
    [row] = poll_source(source)
    assert row.outcome == "refused"
    assert row.reason == "Nguồn tin quá lớn (giới hạn 4 KB)."
    source.refresh_from_db()
    assert source.last_error == row.reason


def unit_user(unit, group):
    """A user of ``unit``'s own schema in one of its role groups."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import tenant_context

    with tenant_context(unit):
        user = get_user_model().objects.create_user(
            f"{group[:4].lower()}-{unit.code}", password="mat-khau-dai-12"
        )
        user.groups.add(Group.objects.get(name=group))
    return user


def test_cap_sources_are_managed_by_the_province_approver_only(
    tree, upstream, settings
):
    source = source_for(tree, upstream)
    approver = settings.UNIT_APPROVER_GROUP
    province = admin_client(tree.province, unit_user(tree.province, approver))
    page = province.get("/admin/cap/nguon/")
    assert page.status_code == 200
    assert "Trung ương" in page.content.decode()
    assert province.get(f"/admin/cap/nguon/edit/{source.pk}/").status_code == 200
    assert province.get("/admin/cap/da-nhan/").status_code == 200

    editor = settings.UNIT_EDITOR_GROUP
    clerk = admin_client(tree.province, unit_user(tree.province, editor))
    assert clerk.get("/admin/cap/nguon/").status_code == 302
    district = admin_client(tree.district_a, unit_user(tree.district_a, approver))
    assert district.get("/admin/cap/nguon/").status_code == 302
    assert district.get(f"/admin/cap/nguon/edit/{source.pk}/").status_code in (
        302,
        404,
    )
    assert district.get("/admin/cap/da-nhan/").status_code == 302
