"""The officers' admin on the platform host and the commune's inbox."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from bulletins.models import Attachment, Bulletin, Delivery
from tests.factories.bulletins import make_officer, make_sent_bulletin
from tests.utils import admin_client

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def platform():
    """A client on the platform host logged in as ``user`` (an officer)."""

    def login(user):
        return admin_client(settings.BASE_DOMAIN, user)

    return login


def commune_editor(unit):
    with tenant_context(unit):
        user = get_user_model().objects.create_user(
            username=f"bientap-{unit.code}", password="matkhau-123"
        )
        user.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )
    return user


@pytest.fixture
def inbox_of():
    """A client logged in as an editor of ``unit``'s own admin."""

    def login(unit):
        return admin_client(unit, commune_editor(unit))

    return login


def form_data(**overrides):
    data = {
        "title": "Hướng dẫn phòng chống sốt xuất huyết",
        "body": "Người dân chủ động diệt lăng quăng.\nGiữ vệ sinh môi trường.",
        "category": "health",
        "priority": "priority",
        "channels": ["web", "speaker"],
        "target_mode": "subtree",
        "valid_from": "2026-01-01T08:00",
        "language": "vi",
    }
    data.update(overrides)
    return data


def test_district_officer_writes_and_sends_to_its_communes(tree, platform):
    client = platform(make_officer(tree.district_a))
    assert (
        "Soạn thông tin" in client.get("/admin/thong-tin-nguon/moi/").content.decode()
    )
    response = client.post(
        "/admin/thong-tin-nguon/moi/",
        form_data(target_root=tree.district_a.pk, send="1"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    bulletin = Bulletin.objects.get(title="Hướng dẫn phòng chống sốt xuất huyết")
    assert bulletin.status == "sent" and bulletin.sender_unit == tree.district_a
    assert bulletin.outbox.filter(processed_at__isnull=True).count() == 1


def test_district_officer_posting_outside_the_district_gets_a_clear_refusal(
    tree, platform
):
    client = platform(make_officer(tree.district_a))
    response = client.post(
        "/admin/thong-tin-nguon/moi/",
        form_data(target_mode="units", target_units=[tree.commune_b1.pk], send="1"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "không thuộc phạm vi quản lý của Huyện An Phú" in body
    assert "Hướng dẫn phòng chống sốt xuất huyết" in body  # what they typed stays
    assert not Bulletin.objects.exists()


def test_attachments_are_validated(tree, platform):
    client = platform(make_officer(tree.district_a))
    fake_pdf = SimpleUploadedFile("quyet-dinh.pdf", b"not a pdf at all")
    exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00")
    response = client.post(
        "/admin/thong-tin-nguon/moi/",
        {**form_data(target_root=tree.district_a.pk), "attachments": [fake_pdf, exe]},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "không đúng định dạng .pdf" in body
    assert "Không nhận tệp «virus.exe»" in body

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, "PNG")
    good = SimpleUploadedFile("anh.png", png.getvalue(), content_type="image/png")
    response = client.post(
        "/admin/thong-tin-nguon/moi/",
        {**form_data(target_root=tree.district_a.pk), "attachments": [good]},
    )
    assert response.status_code == 302
    assert Attachment.objects.get().kind == "image"


def test_user_without_officer_profile_is_refused(tree, platform):
    user = get_user_model().objects.create_user(username="khach", password="x" * 12)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    response = platform(user).get("/admin/thong-tin-nguon/")
    assert response.status_code == 403
    assert "chưa được gắn với đơn vị" in response.content.decode()


def test_dashboard_shows_states_overdue_and_exports(tree, platform):
    import datetime as dt

    from django.utils import timezone
    from openpyxl import load_workbook

    user = make_officer(tree.district_a)
    bulletin = make_sent_bulletin(user, root=tree.district_a, priority="emergency")
    Bulletin.objects.filter(pk=bulletin.pk).update(
        sent_at=timezone.now() - dt.timedelta(hours=1)
    )
    client = platform(user)
    body = client.get(f"/admin/thong-tin-nguon/{bulletin.pk}/").content.decode()
    assert "Xã An Bình" in body and "Xã An Hòa" in body
    assert "2 lượt quá hạn" in body and "bl-overdue" in body

    csv_body = client.get(
        f"/admin/thong-tin-nguon/{bulletin.pk}/", {"xuat": "csv"}
    ).content.decode("utf-8-sig")
    assert csv_body.splitlines()[0].startswith("Thông tin,Mã đơn vị,Đơn vị")
    assert "90101" in csv_body and "Đã gửi" in csv_body

    xlsx = client.get(f"/admin/thong-tin-nguon/{bulletin.pk}/", {"xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3 and sheet["B2"].value in ("90101", "90102")

    per_unit = client.get("/admin/thong-tin-nguon/don-vi/", {"don-vi": "90102"})
    assert bulletin.title in per_unit.content.decode()
    # A unit of another district is not in this officer's view.
    outside = client.get("/admin/thong-tin-nguon/don-vi/", {"don-vi": "90201"})
    assert "không thuộc phạm vi" in outside.content.decode()

    other = platform(make_officer(tree.district_b))
    assert other.get(f"/admin/thong-tin-nguon/{bulletin.pk}/").status_code == 404


def test_commune_inbox_use_as_page_and_no_peeking_at_another_commune(
    tree, platform, inbox_of
):
    from wagtail.models import Page

    only_a1 = make_sent_bulletin(make_officer(tree.district_a), units=[tree.commune_a1])
    only_a2 = make_sent_bulletin(
        make_officer(tree.district_a), units=[tree.commune_a2], title="Chỉ cho An Hòa"
    )
    a1 = inbox_of(tree.commune_a1)
    listing = a1.get("/admin/thong-tin-nguon/hop-thu/").content.decode()
    assert only_a1.title in listing and only_a2.title not in listing
    # Another commune's bulletin, its file or its detail: not found.
    assert a1.get(f"/admin/thong-tin-nguon/hop-thu/{only_a2.pk}/").status_code == 404
    # The officers' pages do not exist on a commune's host.
    assert a1.get("/admin/thong-tin-nguon/").status_code == 404

    detail = a1.get(f"/admin/thong-tin-nguon/hop-thu/{only_a1.pk}/")
    assert "Đăng thành trang" in detail.content.decode()
    assert Delivery.objects.get(bulletin=only_a1).state == "received"

    response = a1.post(
        f"/admin/thong-tin-nguon/hop-thu/{only_a1.pk}/", {"action": "use"}
    )
    assert response.status_code == 302
    assert Delivery.objects.get(bulletin=only_a1).state == "used"
    with tenant_context(tree.commune_a1):
        assert Page.objects.filter(title=only_a1.title).exists()

    a2 = inbox_of(tree.commune_a2)
    empty = a2.post(
        f"/admin/thong-tin-nguon/hop-thu/{only_a2.pk}/",
        {"action": "decline", "reason": ""},
    )
    assert "Hãy ghi lý do từ chối" in empty.content.decode()
    a2.post(
        f"/admin/thong-tin-nguon/hop-thu/{only_a2.pk}/",
        {"action": "decline", "reason": "Không phù hợp địa bàn"},
    )
    delivery = Delivery.objects.get(bulletin=only_a2)
    assert delivery.state == "declined"
    assert delivery.transitions.last().note == "Không phù hợp địa bàn"
    assert "An Hòa" in delivery.transitions.last().actor


def test_commune_opens_a_bulletin_sent_on_every_channel_and_its_file(
    tree, inbox_of, settings
):
    """One delivery row per channel: the inbox must still find one bulletin."""
    from django.core.files.base import ContentFile

    item = make_sent_bulletin(
        make_officer(tree.district_a),
        units=[tree.commune_a1],
        channels=("web", "board", "speaker"),
        title="Thông báo ba kênh",
    )
    assert Delivery.objects.filter(bulletin=item, unit=tree.commune_a1).count() == 3
    attachment = Attachment(bulletin=item, kind="document", name="kh.pdf", size=8)
    attachment.file.save("kh.pdf", ContentFile(b"%PDF-1.4"), save=True)
    folder = settings.MEDIA_ROOT / "public" / attachment.file.name
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_bytes(b"%PDF-1.4")

    a1 = inbox_of(tree.commune_a1)
    detail = a1.get(f"/admin/thong-tin-nguon/hop-thu/{item.pk}/")
    assert detail.status_code == 200
    assert "Thông báo ba kênh" in detail.content.decode()
    download = a1.get(f"/admin/thong-tin-nguon/hop-thu/tep/{attachment.pk}/")
    assert download.status_code == 200


def test_delivery_counts_and_table_agree_and_fan_out_is_announced(tree, platform):
    """ux B13: the first render said "Đã gửi: 20" above "Chưa có lượt chuyển"."""
    from bs4 import BeautifulSoup

    from bulletins import services
    from tests.factories.bulletins import make_bulletin

    user = make_officer(tree.district_a)
    client = platform(user)
    item = make_sent_bulletin(user, root=tree.district_a, channels=("web", "speaker"))
    html = client.get(f"/admin/thong-tin-nguon/{item.pk}/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    total = sum(int(n.get_text()) for n in soup.select(".bl-counts strong"))
    rows = Delivery.objects.filter(bulletin=item).count()
    assert total == rows == len(soup.select("tbody tr")) == 4
    # Filtered by state, the counts still describe every delivery.
    received = client.get(
        f"/admin/thong-tin-nguon/{item.pk}/", {"trang-thai": "received"}
    ).content.decode()
    soup = BeautifulSoup(received, "html.parser")
    assert sum(int(n.get_text()) for n in soup.select(".bl-counts strong")) == 4

    # Approved and sent, deliveries not created yet by the worker: said so.
    waiting = make_bulletin(user, root=tree.district_a, title="Chờ chuyển")
    services.send_bulletin(waiting, user=user)
    html = client.get(f"/admin/thong-tin-nguon/{waiting.pk}/").content.decode()
    assert "Đang tạo các lượt chuyển" in html
    assert "Chưa có lượt chuyển nào" not in html


def test_only_the_approver_passes_a_priority_bulletin_to_boards_and_speakers(
    tree,
):
    """Above "Bình thường", passing a bulletin on interrupts boards and
    pre-empts speakers: the approver's right, not the editor's."""
    from django.contrib.auth.models import Group

    item = make_sent_bulletin(
        make_officer(tree.district_a),
        units=[tree.commune_a1],
        channels=("web", "board"),
        priority="priority",
        title="Thông báo ưu tiên cho bảng tin",
    )
    url = f"/admin/thong-tin-nguon/hop-thu/{item.pk}/"

    def member(name, group):
        with tenant_context(tree.commune_a1):
            user = get_user_model().objects.create_user(name, password="mk-123456")
            user.groups.add(Group.objects.get(name=group))
        return admin_client(tree.commune_a1, user)

    editor = member("bientap-uu-tien", settings.UNIT_EDITOR_GROUP)
    refused = editor.post(url, {"action": "devices"}, follow=True).content.decode()
    assert "Chỉ người duyệt" in refused
    board = Delivery.objects.get(bulletin=item, channel="board")
    assert board.state != "used"
    approver = member("duyet-uu-tien", settings.UNIT_APPROVER_GROUP)
    passed = approver.post(url, {"action": "devices"}, follow=True).content.decode()
    assert "Đã chuyển tới bảng tin và loa" in passed
    board.refresh_from_db()
    assert board.state == "used"
