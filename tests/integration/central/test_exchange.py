"""The central exchange against a local HTTP server speaking our documented
format (docs/central-exchange.md): signed messages in become bulletins from
"Trung ương" (replays and bad signatures refused), figures and delivery
states go out through the outbox, which survives a down endpoint."""

import datetime as dt
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from bulletins import services as bulletins
from bulletins.models import Bulletin
from central import services, signing
from central.models import InboundMessage, OutboundMessage
from reports.registry import Period
from tests.utils import free_port

pytestmark = pytest.mark.django_db

SECRET = "bi-mat-chung-voi-trung-uong"


class CentralStandIn:
    """The central side: checks each request's signature and freshness as
    the format says, answers 202 (409 for an id it has), records bodies."""

    def __init__(self, port):
        self.port = port
        self.received = {}
        self.refused = []
        self.server = None

    def start(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    message_id = signing.verify(
                        SECRET, self.headers.get, body, max_skew=300
                    )
                except signing.BadSignature as exc:
                    stand_in.refused.append(str(exc))
                    return self._answer(401, {"error": str(exc)})
                if self.path != "/central/messages/":
                    return self._answer(404, {"error": "no such path"})
                if message_id in stand_in.received:
                    return self._answer(409, {"error": "duplicate"})
                stand_in.received[message_id] = json.loads(body)
                return self._answer(202, {"status": "accepted"})

            def _answer(self, status, data):
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def central(settings):
    stand_in = CentralStandIn(free_port())
    settings.CENTRAL_EXCHANGE_URL = f"http://127.0.0.1:{stand_in.port}/central"
    settings.CENTRAL_EXCHANGE_SECRET = SECRET
    settings.CENTRAL_EXCHANGE_PROVINCE = "90"
    settings.CENTRAL_EXCHANGE_SENDER = "90"
    settings.CENTRAL_EXCHANGE_TIMEOUT = 2
    stand_in.start()
    yield stand_in
    if stand_in.server is not None:
        try:
            stand_in.stop()
        except Exception:  # noqa: BLE001 - already stopped by the test
            pass


def signed_post(body, *, message_id=None, secret=SECRET, now=None):
    message_id = message_id or str(uuid.uuid4())
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = signing.headers(secret, message_id, raw, sender="bo", now=now)
    extra = {
        "HTTP_" + name.upper().replace("-", "_"): value
        for name, value in headers.items()
        if name != "Content-Type"
    }
    client = Client(HTTP_HOST="localhost")
    return client.post(
        "/api/central/v1/messages/", raw, content_type="application/json", **extra
    )


def bulletin_message(message_id, **data):
    return {
        "version": 1,
        "id": message_id,
        "type": "bulletin",
        "created_at": timezone.now().isoformat(),
        "data": {
            "title": "Chủ động ứng phó áp thấp nhiệt đới",
            "body": "Các địa phương ven biển theo dõi chặt chẽ diễn biến.",
            "priority": "priority",
            "category": "disaster",
            "reference": "CV 123/TTCS",
            **data,
        },
    }


def test_central_information_becomes_a_draft_bulletin_from_trung_uong(
    tree, central, client_for
):
    message_id = str(uuid.uuid4())
    response = signed_post(
        bulletin_message(message_id, areas=["90101", "902"]), message_id=message_id
    )
    assert response.status_code == 202, response.content
    bulletin = Bulletin.objects.get(pk=response.json()["bulletin_id"])
    assert bulletin.status == "draft" and bulletin.created_by_name == "Trung ương"
    assert bulletin.sender_unit == tree.province
    assert set(bulletin.target_units.all()) == {tree.commune_a1, tree.commune_b1}
    assert "Hệ thống thông tin nguồn Trung ương, văn bản CV 123/TTCS" in bulletin.body
    assert InboundMessage.objects.get(message_id=message_id).bulletin == bulletin

    # A replay of the same message (even freshly signed) makes nothing.
    again = signed_post(bulletin_message(message_id), message_id=message_id)
    assert again.status_code == 409
    assert "đã được nhận" in again.json()["error"]
    assert Bulletin.objects.filter(title=bulletin.title).count() == 1

    # Once sent, citizens' apps read it as from "Trung ương".
    bulletins.send_bulletin(bulletin, approver_name="Cán bộ tỉnh")
    bulletins.fan_out(bulletin.outbox.get().pk)
    api = client_for(tree.commune_a1).get("/api/v1/bulletins/").json()
    item = next(b for b in api["results"] if b["id"] == bulletin.pk)
    assert item["sender"]["name"] == "Trung ương"


def test_bad_signatures_stale_requests_and_bad_content_are_refused(tree, central):
    message_id = str(uuid.uuid4())
    body = bulletin_message(message_id)
    forged = signed_post(body, message_id=message_id, secret="khoa-gia")
    assert forged.status_code == 401 and "Chữ ký không đúng" in forged.json()["error"]
    stale = signed_post(body, message_id=message_id, now=time.time() - 3600)
    assert stale.status_code == 401 and "lệch quá" in stale.json()["error"]
    unsigned = Client(HTTP_HOST="localhost").post(
        "/api/central/v1/messages/", json.dumps(body), content_type="application/json"
    )
    assert unsigned.status_code == 401
    bad = signed_post(
        bulletin_message(message_id, title="", areas=["99999"], priority="gap"),
        message_id=message_id,
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"title", "areas", "priority"}
    assert not InboundMessage.objects.filter(message_id=message_id).exists()
    assert not Bulletin.objects.filter(created_by_name="Trung ương").exists()
    # Nothing answers on a unit's host.
    on_unit = Client(HTTP_HOST=tree.commune_a1.primary_hostname).post(
        "/api/central/v1/messages/", "{}", content_type="application/json"
    )
    assert on_unit.status_code == 404


def test_the_outbox_survives_a_down_endpoint_and_delivers_later(tree, central):
    central.stop()
    figures = services.queue_figures(Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert services.deliver_due() == (0, 1)
    figures.refresh_from_db()
    assert figures.delivered_at is None and figures.attempts == 1
    assert "Không kết nối được" in figures.last_error
    assert figures.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    # Not due yet: the next sweep leaves it alone.
    assert services.deliver_due() == (0, 0)

    central.start()
    later = timezone.now() + dt.timedelta(minutes=2)
    assert services.deliver_due(now=later) == (1, 0)
    figures.refresh_from_db()
    assert figures.delivered_at is not None and figures.attempts == 2
    sent = central.received[str(figures.message_id)]
    assert sent["type"] == "figures" and sent["sender"] == "90"
    assert sent["data"]["unit"]["code"] == "90"
    assert "bulletins_received" in sent["data"]["indicators"]
    # Delivered once: a later sweep sends nothing again.
    assert services.deliver_due(now=later) == (0, 0)
    assert len(central.received) == 1


def test_delivery_states_of_central_information_go_upward(
    tree, central, settings, django_capture_on_commit_callbacks
):
    settings.CENTRAL_EXCHANGE_INBOUND_POLICY = "send"
    message_id = str(uuid.uuid4())
    response = signed_post(
        bulletin_message(message_id, areas=["90101"]), message_id=message_id
    )
    assert response.status_code == 202
    bulletin = Bulletin.objects.get(pk=response.json()["bulletin_id"])
    assert bulletin.status == "sent"
    # The pipeline's signals are sent after commit.
    with django_capture_on_commit_callbacks(execute=True):
        bulletins.fan_out(bulletin.outbox.get().pk)
    with django_capture_on_commit_callbacks(execute=True):
        bulletins.open_bulletin(bulletin, tree.commune_a1)
    states = OutboundMessage.objects.filter(kind="delivery_state")
    assert states.exists()
    assert services.deliver_due()[1] == 0
    received = [
        m["data"] for m in central.received.values() if m["type"] == "delivery_state"
    ]
    assert {(d["unit"]["code"], d["state"]) for d in received} >= {
        ("90101", "sent"),
        ("90101", "received"),
    }
    assert all(d["message_id"] == message_id for d in received)
    # Bulletins of the province's own officers are not reported upward.
    assert (
        OutboundMessage.objects.exclude(payload__message_id=message_id)
        .filter(kind="delivery_state")
        .count()
        == 0
    )


def test_the_command_sends_a_periods_figures_and_shows_the_outbox(tree, central):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "central_exchange",
        "figures",
        "--start",
        "2025-01-01",
        "--end",
        "2025-06-30",
        stdout=out,
    )
    assert "Đã gửi 1, lỗi 0" in out.getvalue()
    assert "Còn trong hàng đợi: 0" in out.getvalue()
    (sent,) = [m for m in central.received.values() if m["type"] == "figures"]
    assert sent["data"]["period"] == {"start": "2025-01-01", "end": "2025-06-30"}
