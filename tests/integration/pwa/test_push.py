"""Web Push alerts, end to end against the local push endpoint
(tests/webpush_endpoint.py: RFC 8030 delivery, RFC 8292 VAPID checked,
RFC 8291 aes128gcm decrypted with each phone's own keys).

A district officer's emergency for the district's communes reaches, through
a real Celery worker, every phone that follows one of those units (or the
district) exactly once, in the language it subscribed in, with a link;
phones of another district get nothing; gone endpoints (404/410) and bad
keys are removed; the bulletin's counters say so."""

import json
from functools import partial

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context

from bulletins import services as bulletin_services
from bulletins.models import Bulletin
from pwa import services
from pwa.models import PushMessage, PushSubscription
from tests.factories.bulletins import make_bulletin, make_officer
from tests.utils import wait_for
from tests.webpush_endpoint import WebPushEndpoint


@pytest.fixture
def endpoint():
    server = WebPushEndpoint().start()
    yield server
    server.stop()


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def subscribe(client_for, unit, subscription, code=None, lang="vi"):
    response = post(
        client_for(unit),
        "/ung-dung/dang-ky/",
        {"subscription": subscription, "unit": code or unit.code, "lang": lang},
    )
    assert response.status_code == 201, response.content.decode()
    return response


# --- subscribing: validated, Vietnamese errors, one tap off ---------------------


@pytest.mark.django_db
def test_subscribe_refuses_bad_input_with_vietnamese_field_errors(
    tree, client_for, endpoint
):
    client = client_for(tree.commune_a1)
    good = endpoint.subscription()

    response = client.post(
        "/ung-dung/dang-ky/", "{không phải json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]

    bad_keys = {**good, "keys": {"p256dh": "AAAA", "auth": "ngắn"}}
    body = post(client, "/ung-dung/dang-ky/", {"subscription": bad_keys}).json()
    assert set(body["fields"]) == {"p256dh", "auth"}
    assert "Khoá mã hoá của trình duyệt không hợp lệ." == body["fields"]["p256dh"]

    # The server POSTs to the endpoint: only push services, never any URL.
    for url in (
        "https://noi-bo.example.vn/push/1",
        "https://10.0.0.5/push/1",
        "ftp://x",
    ):
        body = post(
            client, "/ung-dung/dang-ky/", {"subscription": {**good, "endpoint": url}}
        ).json()
        assert "endpoint" in body["fields"], url

    # Another commune's code: not followable from this unit's app.
    body = post(
        client, "/ung-dung/dang-ky/", {"subscription": good, "unit": "90201"}
    ).json()
    assert body["fields"]["unit"].startswith("Chỉ theo dõi được")

    # From another site's page: refused.
    response = client.post(
        "/ung-dung/dang-ky/",
        json.dumps({"subscription": good}),
        content_type="application/json",
        HTTP_ORIGIN="http://trang-khac.example",
    )
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()

    # The district above can be followed from the commune's app; one tap off.
    subscribe(client_for, tree.commune_a1, good, code="901")
    assert PushSubscription.objects.get().unit == tree.district_a
    response = post(
        client,
        "/ung-dung/huy-dang-ky/",
        {"endpoint": good["endpoint"], "unit": "901"},
    )
    assert response.status_code == 200
    assert "Đã tắt cảnh báo" in response.json()["message"]
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_subscribe_is_rate_limited(tree, client_for, endpoint, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "pwa.subscribe": "2/m"}
    client = client_for(tree.commune_a2)
    codes = [
        post(
            client, "/ung-dung/dang-ky/", {"subscription": endpoint.subscription()}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    assert "quá nhiều lần" in post(client, "/ung-dung/dang-ky/", {}).json()["error"]


# --- the round trip through a real worker --------------------------------------


@pytest.mark.worker
def test_district_emergency_reaches_each_follower_once_through_the_worker(
    tree, committed, celery_worker_process, client_for, endpoint
):
    officer = make_officer(tree.district_a)
    both = endpoint.subscription()  # follows the commune and its district
    khmer = endpoint.subscription()  # subscribed from the commune's Khmer pages
    other = endpoint.subscription()  # another district's commune
    gone = endpoint.subscription(status=410)
    missing = endpoint.subscription(status=404)
    subscribe(client_for, tree.commune_a1, both)
    subscribe(client_for, tree.commune_a1, both, code="901")
    subscribe(client_for, tree.commune_a1, khmer, lang="km")
    subscribe(client_for, tree.commune_b1, other)
    subscribe(client_for, tree.commune_a1, gone)
    subscribe(client_for, tree.commune_a2, missing)
    # Keys that passed an older check but are not a point on P-256.
    PushSubscription.objects.create(
        unit=tree.district_a,
        endpoint=endpoint.subscription()["endpoint"],
        p256dh="BA" + "A" * 85,
        auth="AAAAAAAAAAAAAAAAAAAAAA",
    )
    bulletin = None
    try:
        bulletin = make_bulletin(
            officer,
            root=tree.district_a,
            title="Khẩn cấp: triều cường vượt báo động 3",
            body="Người dân ven sông di dời tài sản lên cao trước 17 giờ.",
            priority="emergency",
        )
        bulletin_services.send_bulletin(bulletin, user=officer)

        message = wait_for(
            lambda: PushMessage.objects.filter(
                bulletin=bulletin, finished_at__isnull=False
            ).first(),
            timeout=60,
        )
        assert message, "the worker did not push the bulletin"
        # Five phones (one follows two units), two delivered, three removed.
        counts = (message.recipients, message.sent, message.failed, message.removed)
        assert counts == (5, 2, 0, 3)
        assert endpoint.errors == []

        [received] = endpoint.messages_for(both)
        payload = received["payload"]
        assert payload["title"] == "Thông báo khẩn – Huyện An Phú"
        assert payload["body"].startswith("Khẩn cấp: triều cường vượt báo động 3.")
        host = tree.commune_a1.primary_hostname
        assert payload["url"].endswith(f"/thong-tin-nguon/{bulletin.pk}/")
        assert host in payload["url"]
        assert received["urgency"] == "high" and received["ttl"] > 0

        [in_khmer] = endpoint.messages_for(khmer)
        assert in_khmer["payload"]["title"] == "សេចក្តីជូនដំណឹងបន្ទាន់ – Huyện An Phú"
        assert in_khmer["payload"]["lang"] == "km"
        assert endpoint.messages_for(other) == []

        # Gone (410, 404) and unusable keys are removed; the rest stay.
        left = set(PushSubscription.objects.values_list("endpoint", flat=True))
        assert gone["endpoint"] not in left and missing["endpoint"] not in left
        assert {both["endpoint"], khmer["endpoint"], other["endpoint"]} <= left
        assert len(left) == 3

        # The bulletin page the link opens is there for the commune.
        response = client_for(tree.commune_a1).get(f"/thong-tin-nguon/{bulletin.pk}/")
        assert "triều cường" in response.content.decode()
    finally:
        connection.set_schema_to_public()  # the citizen's requests left a unit's
        PushSubscription.objects.all().delete()
        if bulletin is not None:
            Bulletin.objects.filter(pk=bulletin.pk).delete()
        get_user_model().objects.filter(pk=officer.pk).delete()


@pytest.mark.django_db
def test_normal_bulletins_are_not_pushed(tree, client_for, endpoint):
    officer = make_officer(tree.district_a)
    phone = endpoint.subscription()
    subscribe(client_for, tree.commune_a1, phone)
    bulletin = make_bulletin(officer, root=tree.district_a, priority="normal")
    bulletin_services.send_bulletin(bulletin, user=officer)
    assert services.push_bulletin(bulletin.pk) is None
    assert not PushMessage.objects.filter(bulletin=bulletin).exists()
    assert endpoint.received == []


@pytest.mark.django_db
def test_a_bulletin_is_pushed_only_once(tree, client_for, endpoint):
    officer = make_officer(tree.province)
    phone = endpoint.subscription()
    subscribe(client_for, tree.commune_b1, phone)
    bulletin = make_bulletin(officer, root=tree.province, priority="priority")
    bulletin_services.send_bulletin(bulletin, user=officer)
    first = services.push_bulletin(bulletin.pk)
    assert (first.sent, first.urgency) == (1, "normal")
    assert services.push_bulletin(bulletin.pk) is None  # a retried task
    [received] = endpoint.messages_for(phone)
    assert received["payload"]["title"] == "Thông tin ưu tiên – Tỉnh Thử Nghiệm"

    # The officer reads the phone delivery figures beside the bulletin's.
    from django.conf import settings

    from tests.utils import admin_client

    connection.set_schema_to_public()  # the citizen's requests left a unit's
    body = (
        admin_client(settings.BASE_DOMAIN, officer)
        .get(f"/admin/thong-tin-nguon/{bulletin.pk}/")
        .content.decode()
    )
    assert "Thông báo đến điện thoại" in body
    assert "Đã gửi: <strong>1</strong>" in body and "Lỗi: <strong>0</strong>" in body


# --- announcements the commune marks for push ----------------------------------


@pytest.mark.django_db
def test_announcement_marked_for_push_is_sent_once_on_publish(
    tree, client_for, endpoint, django_capture_on_commit_callbacks
):
    from cms.models import AnnouncementPage, SectionPage
    from pwa.tasks import push_page

    follower = endpoint.subscription()
    neighbour = endpoint.subscription()
    subscribe(client_for, tree.commune_a2, follower)
    subscribe(client_for, tree.commune_a1, neighbour)
    with tenant_context(tree.commune_a2):
        section = SectionPage.objects.live().first()
        quiet = AnnouncementPage(title="Lịch họp tổ dân phố tháng 12")
        section.add_child(instance=quiet)
        marked = AnnouncementPage(
            title="Cắt điện ấp 3 ngày 15/12",
            summary="Từ 7 giờ đến 16 giờ để sửa đường dây.",
            push_to_phones=True,
        )
        section.add_child(instance=marked)
        with django_capture_on_commit_callbacks(execute=False) as queued:
            quiet.save_revision().publish()
            marked.save_revision().publish()
        tasks = [c.args for c in queued if isinstance(c, partial)]
        assert (push_page, tree.commune_a2.pk, marked.pk) in tasks
        assert not any(args[1:] == (tree.commune_a2.pk, quiet.pk) for args in tasks)

        message = services.push_page(tree.commune_a2.pk, marked.pk)
        assert services.push_page(tree.commune_a2.pk, marked.pk) is None
    assert message.sent == 1
    [received] = endpoint.messages_for(follower)
    payload = received["payload"]
    assert payload["title"] == "Thông báo – Xã An Hòa"
    assert payload["body"] == (
        "Cắt điện ấp 3 ngày 15/12. Từ 7 giờ đến 16 giờ để sửa đường dây."
    )
    assert payload["url"].endswith(marked.url_path.split("/", 2)[-1])
    assert endpoint.messages_for(neighbour) == []


@pytest.mark.django_db
def test_unit_dashboard_counts_phones_and_pushed_announcements(
    tree, client_for, endpoint
):
    from tests.utils import admin_client

    subscribe(client_for, tree.commune_b1, endpoint.subscription())
    subscribe(client_for, tree.commune_b1, endpoint.subscription(status=410))
    PushMessage.objects.create(
        unit=tree.commune_b1, page_id=None, title="Lịch tiêm phòng dại", sent=1
    )
    PushMessage.objects.create(
        unit=tree.commune_a1, page_id=None, title="Tin của xã khác", sent=9
    )
    body = admin_client(tree.commune_b1).get("/admin/").content.decode()
    assert "Thông báo đến điện thoại" in body
    assert "nhận cảnh báo của đơn vị: <strong>2</strong>" in body
    assert "Lịch tiêm phòng dại" in body and "Tin của xã khác" not in body
