"""A commune's Zalo Official Account, against a local server implementing
the Zalo endpoints the adapter calls (access token refresh, article create,
article verify) as Zalo's public documentation describes them."""

import datetime as dt
import json
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from social import services
from social.models import PostState, ZaloAccount, ZaloPost
from tests.factories.cms import make_announcement, make_article
from tests.utils import admin_client, free_port

pytestmark = pytest.mark.django_db

APP_ID = "1234567890"
SECRET = "zalo-app-secret-khong-lo"
FIRST_REFRESH = "refresh-token-dau-tien"


class ZaloStandIn:
    """oauth.zaloapp.com/v4/oa/access_token and openapi.zalo.me/v2.0/article/*.
    Refresh tokens are single-use; access tokens can be made to expire."""

    def __init__(self):
        self.port = free_port()
        self.refresh_token = FIRST_REFRESH
        self.access_tokens = set()
        self.articles = {}
        self.tokens = {}
        self.refreshes = 0
        self.down = False

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        zalo = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if zalo.down:
                    return self._answer({"error": "unavailable"}, 503)
                if self.path == "/v4/oa/access_token":
                    return self._answer(zalo.oauth(self.headers, raw))
                if self.path.startswith("/v2.0/article/"):
                    token = self.headers.get("access_token")
                    if token not in zalo.access_tokens:
                        return self._answer(
                            {"error": -216, "message": "Access token is invalid"}
                        )
                    body = json.loads(raw)
                    name = self.path.rsplit("/", 1)[-1]
                    return self._answer(getattr(zalo, f"article_{name}")(body))
                return self._answer({"error": -1, "message": "not found"}, 404)

            def _answer(self, data, status=200):
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

    def oauth(self, headers, raw):
        form = dict(urllib.parse.parse_qsl(raw.decode()))
        if headers.get("secret_key") != SECRET or form.get("app_id") != APP_ID:
            return {"error": -14002, "error_description": "Invalid app or secret"}
        if form.get("grant_type") != "refresh_token":
            return {"error": -14003, "error_description": "Invalid grant type"}
        if form.get("refresh_token") != self.refresh_token:
            return {"error": -14014, "error_description": "Invalid refresh token"}
        self.refreshes += 1
        access = f"access-{uuid.uuid4().hex}"
        self.access_tokens = {access}
        self.refresh_token = f"refresh-{uuid.uuid4().hex}"
        return {
            "access_token": access,
            "refresh_token": self.refresh_token,
            "expires_in": "90000",
        }

    def article_create(self, body):
        required = ("title", "author", "description", "cover", "body")
        if body.get("type") != "normal" or any(not body.get(k) for k in required):
            return {"error": -201, "message": "Invalid parameters"}
        if len(body["title"]) > 150 or len(body["description"]) > 300:
            return {"error": -201, "message": "Field too long"}
        if not body["cover"].get("photo_url", "").startswith("http"):
            return {"error": -201, "message": "Invalid cover"}
        token = uuid.uuid4().hex
        self.tokens[token] = body
        return {"error": 0, "message": "Success", "data": {"token": token}}

    def article_verify(self, body):
        article = self.tokens.get(body.get("token"))
        if article is None:
            return {"error": -201, "message": "Invalid token"}
        article_id = f"zalo-{len(self.articles) + 1}"
        self.articles[article_id] = article
        return {"error": 0, "message": "Success", "data": {"id": article_id}}


@pytest.fixture
def zalo(settings):
    stand_in = ZaloStandIn()
    stand_in.start()
    settings.ZALO_OAUTH_URL = stand_in.url("/v4/oa/access_token")
    settings.ZALO_OPENAPI_URL = stand_in.url("/v2.0")
    settings.ZALO_TIMEOUT = 3
    yield stand_in
    stand_in.stop()


def connect(unit):
    admin = admin_client(unit, username=f"canbo{unit.code}")
    response = admin.post(
        "/admin/zalo-oa/ket-noi/new/",
        {
            "oa_name": "UBND Xã An Bình",
            "app_id": APP_ID,
            "secret_key": SECRET,
            "refresh_token": FIRST_REFRESH,
            "author": "UBND xã An Bình",
            "post_articles": "on",
            "post_announcements": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return admin, ZaloAccount.objects.get(unit=unit)


def publish(unit, factory, title, **fields):
    with tenant_context(unit):
        page = factory(title, slug=f"zalo-{uuid.uuid4().hex[:8]}", **fields)
    return ZaloPost.objects.get(unit=unit, page_id=page.pk), page


def test_credentials_are_stored_encrypted_and_never_shown_back(tree, zalo):
    admin, account = connect(tree.commune_a1)
    assert SECRET not in account.secret_key_encrypted
    assert FIRST_REFRESH not in account.refresh_token_encrypted
    assert account.secret_key == SECRET and account.refresh_token == FIRST_REFRESH
    edit = admin.get(f"/admin/zalo-oa/ket-noi/edit/{account.pk}/").content.decode()
    assert SECRET not in edit and FIRST_REFRESH not in edit
    assert "Để trống để giữ giá trị đã lưu" in edit
    # Saving without retyping keeps them.
    admin.post(
        f"/admin/zalo-oa/ket-noi/edit/{account.pk}/",
        {"oa_name": "OA xã", "app_id": APP_ID, "author": "UBND", "active": "on"},
    )
    account.refresh_from_db()
    assert account.oa_name == "OA xã" and account.secret_key == SECRET


def test_publishing_posts_title_summary_image_and_link_to_the_oa(tree, zalo):
    connect(tree.commune_a1)
    post, page = publish(
        tree.commune_a1,
        make_article,
        "Khánh thành cầu Ấp 3",
        summary="Cây cầu bê tông dài 40 m nối hai ấp.",
    )
    assert post.state == PostState.PENDING
    assert services.post_due()[0].state == PostState.POSTED
    post.refresh_from_db()
    assert post.zalo_article_id == "zalo-1" and post.posted_at is not None
    sent = zalo.articles["zalo-1"]
    assert sent["title"] == "Khánh thành cầu Ấp 3"
    assert sent["description"] == "Cây cầu bê tông dài 40 m nối hai ấp."
    assert sent["author"] == "UBND xã An Bình"
    assert sent["cover"]["photo_url"].endswith("/ung-dung/bieu-trung-512.png")
    assert any(post.url in p["content"] for p in sent["body"])
    assert post.url.startswith("http") and page.slug in post.url
    # The access token came from the refresh token, which Zalo rotated.
    account = ZaloAccount.objects.get(unit=tree.commune_a1)
    assert zalo.refreshes == 1 and account.refresh_token == zalo.refresh_token
    # Published again: not posted twice.
    with tenant_context(tree.commune_a1):
        page.save_revision().publish()
    assert ZaloPost.objects.filter(unit=tree.commune_a1, page_id=page.pk).count() == 1
    # Another commune without an OA posts nothing.
    with tenant_context(tree.commune_a2):
        other = make_article("Tin của xã khác", slug="zalo-khac")
    assert not ZaloPost.objects.filter(unit=tree.commune_a2, page_id=other.pk).exists()


def test_a_down_zalo_is_retried_and_an_expired_token_refreshed(tree, zalo, settings):
    connect(tree.commune_a1)
    zalo.down = True
    post, _ = publish(
        tree.commune_a1, make_announcement, "Lịch cắt điện", priority="priority"
    )
    services.post_due()
    post.refresh_from_db()
    assert post.state == PostState.FAILED and post.attempts == 1
    assert "503" in post.last_error
    assert post.next_attempt_at > timezone.now() + dt.timedelta(seconds=60)
    assert services.post_due() == []  # not due yet

    zalo.down = False
    zalo.access_tokens = set()  # the access token the platform has expired
    later = timezone.now() + dt.timedelta(minutes=5)
    services.post_due(now=later)
    post.refresh_from_db()
    assert post.state == PostState.POSTED and post.attempts == 2
    assert zalo.refreshes >= 1
    account = ZaloAccount.objects.get(unit=tree.commune_a1)
    assert account.refresh_token == zalo.refresh_token


def test_a_refused_grant_stops_retrying_with_a_reason(tree, zalo):
    _, account = connect(tree.commune_a1)
    zalo.refresh_token = "khac"  # the OA's grant was revoked at Zalo
    post, _ = publish(tree.commune_a1, make_article, "Tin không đăng được")
    services.post_due()
    post.refresh_from_db()
    assert post.state == PostState.GAVE_UP
    assert "kết nối lại" in post.last_error
    account.refresh_from_db()
    assert "kết nối lại" in account.last_error


def test_articles_carry_plain_share_links(tree, client_for):
    with tenant_context(tree.commune_a1):
        page = make_article("Bài để chia sẻ", slug="bai-chia-se")
        url = page.full_url
    html = client_for(tree.commune_a1).get(page.url).content.decode()
    encoded = urllib.parse.quote(url, safe="")
    assert f'href="https://sp.zalo.me/share_inline?url={encoded}"' in html
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={encoded}"' in html
    # Nothing of Zalo or Facebook is loaded by the page itself.
    for tag in ("<script", "<img", "<iframe", "<link"):
        for chunk in html.split(tag)[1:]:
            head = chunk.split(">", 1)[0]
            assert "zalo" not in head and "facebook" not in head, head
