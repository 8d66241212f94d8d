"""Officials run boards from their unit's Wagtail admin, in Vietnamese."""

import pytest
from django.urls import reverse
from django.utils import timezone

from signage import services
from signage.models import Board, Interrupt, PlayStat, Slide
from tests.factories.signage import make_board
from tests.utils import admin_client

pytestmark = pytest.mark.django_db

LONG_BODY = (
    "Ủy ban nhân dân xã thông báo lịch tiêm chủng mở rộng cho trẻ em dưới năm "
    "tuổi tại trạm y tế xã vào các ngày thứ Hai, thứ Tư và thứ Sáu hằng tuần; "
    "phụ huynh mang theo sổ tiêm chủng và căn cước công dân, đến đúng giờ hẹn "
    "để tránh chờ đợi lâu, trường hợp trẻ đang sốt hoặc ốm cần báo cho cán bộ "
    "y tế trước khi tiêm để được tư vấn và hẹn lại lịch tiêm phù hợp nhất."
)


@pytest.fixture
def admin_for():
    """A client logged in as a superuser (quantri<code>) of the unit's admin."""
    return admin_client


def test_official_adds_a_board_for_their_own_unit(tree, admin_for):
    client = admin_for(tree.commune_a1)
    response = client.post(
        reverse("signage_boards:add"),
        {
            "name": "Bảng LED cổng chợ",
            "place": "Chợ An Bình",
            "kind": "led",
            "width": 192,
            "height": 96,
            "orientation": "landscape",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    board = Board.objects.get(name="Bảng LED cổng chợ")
    assert board.unit_id == tree.commune_a1.pk
    listing = client.get(reverse("signage_boards:index")).content.decode()
    assert "Bảng LED cổng chợ" in listing and "Chưa ghép nối" in listing


def test_official_pairs_with_the_code_on_the_screen(tree, admin_for):
    client = admin_for(tree.commune_a1)
    board = Board.objects.create(unit=tree.commune_a1, name="Bảng nhà văn hóa")
    pairing = services.start_pairing(tree.commune_a1, "t" * 43)
    url = reverse("signage_admin_pair", args=[board.pk])
    wrong = client.post(url, {"code": "AAAAAA"})
    assert wrong.status_code == 200
    page = wrong.content.decode()
    assert "Mã không đúng hoặc đã hết hạn" in page and 'value="AAAAAA"' in page
    right = client.post(url, {"code": pairing.code})
    assert right.status_code == 302
    board.refresh_from_db()
    assert board.token_hash == services.hash_token("t" * 43)


def test_too_long_text_for_led_is_refused_with_the_limit(tree, admin_for):
    unit = tree.commune_a1
    client = admin_for(unit)
    make_board(unit, kind="led", width=192, height=96, name="Bảng LED ngã ba")
    playlist = services.default_playlist(unit)
    response = client.post(
        reverse("signage_slides:add"),
        {
            "playlist": playlist.pk,
            "kind": "text",
            "title": "Lịch tiêm chủng",
            "body": LONG_BODY * 3,
            "language": "vi",
            "duration": 10,
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "quá dài cho bảng LED" in page and "192×96" in page
    assert "tối đa khoảng" in page
    assert "phụ huynh mang theo sổ tiêm chủng" in page  # what was typed is kept
    assert not Slide.objects.filter(title="Lịch tiêm chủng").exists()

    short = client.post(
        reverse("signage_slides:add"),
        {
            "playlist": playlist.pk,
            "kind": "text",
            "title": "Tiêm chủng",
            "body": "Thứ Hai, 7 giờ",
            "language": "vi",
            "duration": 10,
            "sort_order": 0,
        },
    )
    assert short.status_code == 302
    assert Slide.objects.filter(title="Tiêm chủng").exists()


def test_official_interrupts_then_clears(tree, admin_for):
    unit = tree.commune_a1
    client = admin_for(unit)
    board, _ = make_board(unit)
    typed = {"title": "Cháy rừng phòng hộ: không vào rừng", "body": "", "minutes": 30}
    confirm = client.post(reverse("signage_admin_interrupt_now"), typed)
    # First the reach is stated; nothing goes out before the confirmation.
    assert confirm.status_code == 200
    assert f"Ngắt 1 bảng tin của {unit.name} trong 30 phút?" in confirm.content.decode()
    assert not Interrupt.objects.filter(unit=unit).exists()
    response = client.post(
        reverse("signage_admin_interrupt_now"), {**typed, "confirm": "1"}
    )
    assert response.status_code == 302
    item = Interrupt.objects.get(unit=unit)
    assert item.created_by == f"quantri{unit.code}"
    assert services.build_manifest(board)["emergency"]["title"].startswith("Cháy")
    listing = client.get(reverse("signage_interrupts:index")).content.decode()
    assert "Đang phát" in listing
    client.post(reverse("signage_admin_clear_interrupt", args=[item.pk]))
    assert services.build_manifest(board)["emergency"] is None


def test_another_units_board_is_404_in_the_admin(tree, admin_for):
    client = admin_for(tree.commune_a1)
    foreign = Board.objects.create(unit=tree.commune_a2, name="Bảng xã An Hòa")
    assert (
        client.get(reverse("signage_boards:edit", args=[foreign.pk])).status_code == 404
    )
    assert (
        client.get(reverse("signage_admin_pair", args=[foreign.pk])).status_code == 404
    )
    listing = client.get(reverse("signage_boards:index")).content.decode()
    assert "Bảng xã An Hòa" not in listing


def test_district_officer_sees_subtree_boards_with_counts_and_csv(tree, admin_for):
    from signage.models import Playlist, Slide

    online, token = make_board(tree.commune_a1, name="Bảng An Bình")
    playlist = Playlist.objects.create(unit=tree.commune_a1, name="Tin xã")
    shown = Slide.objects.create(playlist=playlist, title="Lịch tiêm chủng tháng 12")
    services.record_heartbeat(
        online, {"player_version": "1.0.0", "showing": f"s{shown.pk}"}
    )
    make_board(tree.commune_a2, name="Bảng An Hòa")
    make_board(tree.commune_b1, name="Bảng Bình Lợi")
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    PlayStat.objects.create(
        board=online, hour=hour, slide_key="s1", title="Họp dân", plays=7, seconds=70
    )
    client = admin_for(tree.district_a)
    page = client.get(reverse("signage_admin_overview")).content.decode()
    assert "Bảng An Bình" in page and "Bảng An Hòa" in page
    assert "Bảng Bình Lợi" not in page
    # What it shows by its title, not only the raw key.
    assert f"Lịch tiêm chủng tháng 12 (s{shown.pk})" in page
    assert "<strong>2</strong> bảng" in page
    assert "<strong>1</strong> trực tuyến" in page
    csv_text = client.get(reverse("signage_admin_plays_csv")).content.decode("utf-8")
    assert "Bảng An Bình" in csv_text and "Họp dân" in csv_text and ",7,70" in csv_text
    other = admin_for(tree.district_b).get(reverse("signage_admin_plays_csv"))
    assert "Bảng An Bình" not in other.content.decode("utf-8")
