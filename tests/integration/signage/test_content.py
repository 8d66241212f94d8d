"""Automatic content: the unit's pages marked for boards; the demo; the stream."""

import json

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from signage import services
from signage.models import Board
from tests.factories.signage import auth, make_board

pytestmark = pytest.mark.django_db


def publish_announcement(unit, title, **fields):
    from cms.models import AnnouncementPage, SectionPage

    with tenant_context(unit):
        section = SectionPage.objects.get(slug="thong-bao")
        page = section.add_child(
            instance=AnnouncementPage(title=title, summary=f"Tóm tắt {title}", **fields)
        )
        page.save_revision().publish()
        return page


def test_published_announcements_for_boards_join_the_default_playlist(tree):
    unit = tree.commune_a1
    board, _ = make_board(unit)
    services.default_playlist(unit)
    publish_announcement(unit, "Lịch cắt điện thứ Bảy", priority="priority")
    publish_announcement(unit, "Không lên bảng", show_on_boards=False)
    publish_announcement(
        unit,
        "Đã hết hạn",
        valid_until=timezone.localdate() - timezone.timedelta(days=1),
    )
    titles = [s["title"] for s in services.build_manifest(board)["slides"].values()]
    assert "Lịch cắt điện thứ Bảy" in titles
    assert "Không lên bảng" not in titles and "Đã hết hạn" not in titles
    other, _ = make_board(tree.commune_a2)
    services.default_playlist(tree.commune_a2)
    other_titles = [
        s["title"] for s in services.build_manifest(other)["slides"].values()
    ]
    assert "Lịch cắt điện thứ Bảy" not in other_titles


def test_demo_boards_are_paired_and_their_links_play(tree, client_for):
    unit = tree.commune_a2
    made = services.create_demo_boards(unit)
    assert {(b.kind, b.width, b.height) for b, _ in made} == {
        ("led", 192, 96),
        ("lcd", 1920, 1080),
    }
    for board, url in made:
        assert "/signage/player/#board=" in url and unit.primary_hostname in url
        token = url.split("token=", 1)[1]
        response = client_for(unit).get(
            f"/signage/api/boards/{board.uid}/manifest/", **auth(token)
        )
        assert response.status_code == 200
        assert json.loads(response.content)["slides"]
    # Running it again re-pairs the same two boards, it does not add more.
    services.create_demo_boards(unit)
    assert Board.objects.filter(unit=unit).count() == 2


def test_event_stream_starts_with_a_fetch_signal_and_needs_the_token(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit)
    client = client_for(unit)
    url = f"/signage/api/boards/{board.uid}/events/"
    assert client.get(url).status_code == 401
    assert client.get(url, {"token": "sai"}).status_code == 401
    response = client.get(url, {"token": token})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    first = next(iter(response.streaming_content)).decode()
    assert "retry: 1000" in first and "event: changed" in first
    response.close()
