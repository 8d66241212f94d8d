"""The citizen app in Debian's Chromium, on a phone-sized screen.

1. The commune's site is installable (Chromium reports no manifest or
   service-worker error), the service worker takes over and keeps the
   latest announcement and the citizen's own question page; offline, a
   reload still shows them, and a page never opened shows the Vietnamese
   offline page listing what is kept.
2. "Theo dõi" and one-tap alerts: the citizen follows the commune and the
   district (kept on the phone across reloads) and turns alerts on; a
   district officer's emergency is encrypted for the phone and POSTed to
   the local push endpoint, which decrypts it; the decrypted message is
   handed to the page's service worker (Chromium's DevTools push, as a push
   service would) and shows as a notification; one tap turns alerts off.

Chromium cannot reach a real push service (FCM) from here, so in test 2
``PushManager.subscribe`` answers with a subscription at the local endpoint
(real P-256 keys made by tests/webpush_endpoint.py); everything after it,
the app's JavaScript, our endpoints, the worker's encryption, VAPID and
the service worker's notification, is the real one.
"""

import json
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context

from bulletins import services as bulletin_services
from bulletins.models import Bulletin
from pwa import services, vapid
from pwa.models import PushMessage, PushSubscription
from tests.factories.bulletins import make_bulletin, make_officer
from tests.webpush_endpoint import WebPushEndpoint

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def content(tree, committed):
    """A published announcement and a question of the commune (committed:
    the live server must see them)."""
    from cms.models import AnnouncementPage, SectionPage
    from engage.models import Question

    marker = uuid.uuid4().hex[:6]
    with tenant_context(tree.commune_a1):
        section = SectionPage.objects.live().first()
        page = AnnouncementPage(
            title=f"Lịch cắt nước khu vực chợ {marker}",
            summary="Tạm ngừng cấp nước từ 8 giờ đến 11 giờ sáng thứ Bảy.",
        )
        section.add_child(instance=page)
        page.save_revision().publish()
        url = page.get_url()
    question = Question.objects.create(
        unit=tree.commune_a1,
        title=f"Hỏi về thủ tục đăng ký hộ kinh doanh {marker}",
        body="Cần những giấy tờ gì?",
    )
    yield {"announcement": (page.title, url), "question": question}
    question.delete()
    with tenant_context(tree.commune_a1):
        AnnouncementPage.objects.filter(pk=page.pk).delete()


def wait_for_worker(page):
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        timeout=20000,
    )


def test_app_installs_and_keeps_latest_announcement_offline(
    tree, live_site, browser, content, artifacts_dir
):
    title, url = content["announcement"]
    question = content["question"]
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE
    )
    try:
        page = context.new_page()
        page.goto(live_site.url(tree.commune_a1, "/"))
        manifest = page.get_attribute("link[rel=manifest]", "href")
        assert manifest == "/manifest.webmanifest"
        wait_for_worker(page)
        # The worker kept the latest announcement when it installed.
        page.wait_for_function(
            """url => caches.open('ttcs-app-pages').then(c => c.match(url))
                 .then(r => !!r)""",
            arg=url,
            timeout=20000,
        )

        cdp = context.new_cdp_session(page)
        parsed = cdp.send("Page.getAppManifest")
        assert parsed["url"].endswith("/manifest.webmanifest")
        assert not parsed.get("errors"), parsed.get("errors")
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        # A Playwright context is off the record, which alone stops installing.
        assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []

        # "Cài đặt ứng dụng" only when Chromium offers installation (the event
        # is dispatched here: Chromium does not offer it off the record), at
        # the bottom, small; "Để sau" puts it away for 30 days.
        bar = page.locator("[data-pwa-install-bar]")
        assert bar.is_hidden()
        offer = """() => {
          const event = new Event("beforeinstallprompt", {cancelable: true});
          event.prompt = () => { window.__prompted = true; };
          event.userChoice = Promise.resolve({outcome: "accepted"});
          window.dispatchEvent(event);
          return event.defaultPrevented;
        }"""
        assert page.evaluate(offer)  # the browser's own mini-bar is held back
        assert bar.is_visible()
        box = bar.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"] and box["height"] < 160
        page.screenshot(path=artifacts_dir / "pwa-install-offer-375.png")
        page.get_by_role("button", name="Để sau").click()
        assert bar.is_hidden()
        page.reload()
        page.evaluate(offer)
        assert bar.is_hidden()  # still "later"
        page.evaluate("() => localStorage.removeItem('ttcs-install-later')")
        page.reload()
        page.evaluate(offer)
        page.get_by_role("button", name="Cài đặt ứng dụng").click()
        assert page.evaluate("() => window.__prompted === true")
        bar.wait_for(state="hidden")

        # The citizen opens their own question's page (kept as it is visited).
        page.goto(live_site.url(tree.commune_a1, question.public_url()))
        assert question.title in page.inner_text("main")
        page.wait_for_function(
            """code => caches.open('ttcs-app-pages').then(c => c.keys())
                 .then(k => k.some(r => r.url.includes(code)))""",
            arg=question.code,
            timeout=10000,
        )

        context.set_offline(True)
        page.goto(live_site.url(tree.commune_a1, url))
        assert title in page.inner_text("main")
        assert "Tạm ngừng cấp nước" in page.inner_text("main")
        page.screenshot(path=artifacts_dir / "pwa-offline-announcement-375.png")
        page.reload()
        assert title in page.inner_text("main")
        page.goto(live_site.url(tree.commune_a1, question.public_url()))
        assert question.title in page.inner_text("main")

        # A page never opened: the offline page, in Vietnamese, with links to
        # what is kept.
        page.goto(live_site.url(tree.commune_a1, "/khao-sat/"))
        assert "Không có kết nối mạng" in page.inner_text("h1")
        page.wait_for_selector(f'[data-pwa-saved="news"] a:text("{title}")')
        page.wait_for_selector(
            f'[data-pwa-saved="tracking"] a[href*="{question.code}"]'
        )
        page.screenshot(path=artifacts_dir / "pwa-offline-page-375.png")
    finally:
        context.close()


FAKE_PUSH = """
(() => {
  const subscription = %s;
  const stored = () => JSON.parse(localStorage.getItem("__push") || "null");
  const wrap = json => json && {
    endpoint: json.endpoint,
    toJSON: () => json,
    unsubscribe: () => {
      localStorage.removeItem("__push");
      return Promise.resolve(true);
    }
  };
  PushManager.prototype.subscribe = function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    localStorage.setItem("__push_key", btoa(String.fromCharCode(...key)));
    localStorage.setItem("__push", JSON.stringify(subscription));
    return Promise.resolve(wrap(subscription));
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(wrap(stored()));
  };
})();
"""


def test_follow_units_subscribe_receive_notification_and_unsubscribe(
    tree, committed, live_site, browser, artifacts_dir
):
    endpoint = WebPushEndpoint().start()
    phone = endpoint.subscription()
    officer = make_officer(tree.district_a)
    host = tree.commune_a1.primary_hostname
    origin = f"http://{host}:{live_site.port}"
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE
    )
    context.grant_permissions(["notifications"], origin=origin)
    context.add_init_script(FAKE_PUSH % json.dumps(phone))
    bulletin = None
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        registrations = {}
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: registrations.update(
                {r["scopeURL"]: r["registrationId"] for r in event["registrations"]}
            ),
        )
        cdp.send("ServiceWorker.enable")
        page.goto(f"{origin}/ung-dung/")
        wait_for_worker(page)

        # Follow the commune and its district: kept on the phone.
        page.click('[data-pwa-follow="90101"]')
        page.click('[data-pwa-follow="901"]')
        page.reload()
        rows = page.locator("[data-pwa-follow-list] li")
        assert rows.count() == 2
        assert "Xã An Bình" in rows.nth(0).inner_text()
        assert "Huyện An Phú" in rows.nth(1).inner_text()

        # One tap: alerts of the commune on.
        page.click('[data-pwa-alerts="90101"]')
        page.wait_for_selector("[data-pwa-status]:has-text('Đã bật nhận cảnh báo')")
        assert page.get_attribute('[data-pwa-alerts="90101"]', "aria-pressed") == (
            "true"
        )
        [row] = PushSubscription.objects.filter(endpoint=phone["endpoint"])
        assert row.unit == tree.commune_a1 and row.language == "vi"
        # The browser subscribed with this installation's VAPID public key.
        sent_key = page.evaluate("() => localStorage.getItem('__push_key')")
        assert sent_key.replace("+", "-").replace("/", "_").rstrip("=") == (
            vapid.public_key()
        )
        page.screenshot(path=artifacts_dir / "pwa-follow-alerts-375.png")

        # The district sends an emergency: encrypted, POSTed, decrypted.
        bulletin = make_bulletin(
            officer,
            root=tree.district_a,
            title="Khẩn cấp: sạt lở bờ sông ấp Phú Hữu",
            body="Người dân tránh xa khu vực bờ sông từ cầu Phú Hữu đến bến đò.",
            priority="emergency",
        )
        bulletin_services.send_bulletin(bulletin, user=officer)
        # Sending queued the push; a suite's Celery worker, if one is up,
        # may take it first (then this call returns None): either way it is
        # pushed exactly once.
        message = services.push_bulletin(bulletin.pk)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            message = PushMessage.objects.filter(bulletin=bulletin).first()
            if message is not None and message.sent + message.failed >= 1:
                break
            time.sleep(0.2)
        assert message is not None and message.sent == 1
        [received] = endpoint.messages_for(phone)
        payload = received["payload"]
        assert payload["title"] == "Thông báo khẩn – Huyện An Phú"

        # The push service's part: the decrypted message reaches the worker.
        registration = registrations[f"{origin}/"]
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": origin,
                "registrationId": registration,
                "data": json.dumps(payload, ensure_ascii=False),
            },
        )
        # The worker shows it asynchronously: ask until it is there (a
        # predicate returning a promise is not awaited by wait_for_function).
        deadline = time.monotonic() + 10
        shown = []
        while not shown and time.monotonic() < deadline:
            shown = page.evaluate(
                """() => navigator.serviceWorker.ready.then(r => r.getNotifications())
                     .then(n => n.map(x => ({title: x.title, body: x.body,
                                             url: x.data.url, tag: x.tag})))"""
            )
            if not shown:
                page.wait_for_timeout(200)
        assert shown, "the service worker showed no notification"
        assert shown[0]["title"] == "Thông báo khẩn – Huyện An Phú"
        assert shown[0]["body"].startswith("Khẩn cấp: sạt lở bờ sông ấp Phú Hữu.")
        assert shown[0]["url"].endswith(f"/thong-tin-nguon/{bulletin.pk}/")
        assert shown[0]["tag"] == f"bulletin-{bulletin.pk}"

        # One tap off: the server forgets the phone for this unit.
        page.click('[data-pwa-alerts="90101"]')
        page.wait_for_selector("[data-pwa-status]:has-text('Đã tắt cảnh báo')")
        assert not PushSubscription.objects.filter(endpoint=phone["endpoint"]).exists()
        assert page.get_attribute('[data-pwa-alerts="90101"]', "aria-pressed") == (
            "false"
        )
    finally:
        connection.set_schema_to_public()  # the citizen's requests left a unit's
        context.close()
        endpoint.stop()
        PushSubscription.objects.filter(endpoint=phone["endpoint"]).delete()
        if bulletin is not None:
            Bulletin.objects.filter(pk=bulletin.pk).delete()
        get_user_model().objects.filter(pk=officer.pk).delete()
