"""Board groups: a schedule aimed at a group plays on every board in it (boards
of the communes below a district too) and their manifests follow; an
approver sends one command to all of a group's boards and sees what each did;
editors aim schedules at groups, approvers make them, only in their unit."""

import hashlib
import io
from datetime import date, time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django_tenants.utils import tenant_context
from PIL import Image

from base import redis as platform_redis
from signage import services
from signage.models import Board, BoardCommand, BoardGroup, Schedule, Slide
from tests.factories.signage import auth, make_board, make_playlist
from tests.utils import admin_client, local

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 10, 6)


def _official(unit, name, group_names):
    with tenant_context(unit):
        user = get_user_model().objects.create_user(name, password="mat-khau-dai-12")
        user.groups.add(*Group.objects.filter(name__in=group_names))
    return admin_client(unit, user)


def _approver(unit, name):
    return _official(unit, name, [settings.UNIT_APPROVER_GROUP])


def _editor(unit, name):
    return _official(unit, name, [settings.UNIT_EDITOR_GROUP])


def _errors(response):
    import re

    text = response.content.decode()
    return re.findall(r'class="error-message"[^>]*>(.*?)<', text, re.S) or re.findall(
        r"<li[^>]*error[^>]*>(.*?)</li>", text, re.S
    )


def _png(colour=(0, 160, 60), size=(64, 32)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def roadside(tree):
    """A district group of two communes' boards, and a board left out."""
    led, led_token = make_board(
        tree.commune_a1, kind="led", width=192, height=96, name="LED cổng chợ"
    )
    lcd, lcd_token = make_board(tree.commune_a2, name="LCD nhà văn hóa")
    outside, _ = make_board(tree.commune_a2, name="Bảng ngoài nhóm")
    group = BoardGroup.objects.create(unit=tree.district_a, name="Bảng ven quốc lộ")
    group.boards.set([led, lcd])
    return group, (led, led_token), (lcd, lcd_token), outside


def _playing(board, hour):
    manifest = services.build_manifest(board, now=local(hour, 0, MONDAY))
    at = local(hour, 0, MONDAY).isoformat()
    for segment in manifest["segments"]:
        if segment["from"] <= at < segment["until"]:
            return segment, manifest
    raise AssertionError(f"no segment at {at}")


def test_district_schedule_aimed_at_a_group_plays_on_its_communes_boards(
    tree, roadside
):
    group, (led, _), (lcd, _), outside = roadside
    district = tree.district_a
    flood = make_playlist(district, "Phòng chống lụt bão", slides=["Mực nước sông"])
    schedule = Schedule.objects.create(
        unit=district,
        name="Giờ cao điểm",
        playlist=flood,
        start_time=time(8),
        end_time=time(10),
        priority=5,
    )
    schedule.groups.set([group])
    # A commune's own lower-priority daypart loses to the district's.
    own = make_playlist(tree.commune_a1, "Tin của xã", slides=["Họp dân"])
    Schedule.objects.create(
        unit=tree.commune_a1,
        name="Sáng",
        playlist=own,
        start_time=time(7),
        end_time=time(11),
        priority=1,
    )
    key = f"s{flood.slides.get().pk}"
    for board in (led, lcd):
        segment, manifest = _playing(board, 9)
        assert segment["playlist"] == "Phòng chống lụt bão"
        assert key in segment["slides"] and key in manifest["slides"]
        assert manifest["slides"][key]["title"] == "Mực nước sông"
        # Outside the schedule's hours the board's own day goes on.
        assert _playing(board, 12)[0]["playlist"] != "Phòng chống lụt bão"
    assert _playing(led, 7)[0]["playlist"] == "Tin của xã"
    assert _playing(outside, 9)[0]["playlist"] != "Phòng chống lụt bão"
    # A schedule aimed only at groups is not "every board of the unit".
    district_board, _ = make_board(district, name="Bảng của huyện")
    assert _playing(district_board, 9)[0]["playlist"] != "Phòng chống lụt bão"
    group.boards.add(district_board)
    assert _playing(district_board, 9)[0]["playlist"] == "Phòng chống lụt bão"


def test_a_districts_picture_reaches_a_communes_board_on_its_own_host(
    tree, roadside, client_for
):
    """Media are stored per unit; a commune's board gets the district's
    picture content-addressed from its own host."""
    group, _, (lcd, lcd_token), _ = roadside
    district = tree.district_a
    playlist = make_playlist(district, "Bản đồ ngập")
    slide = Slide(playlist=playlist, kind="image", title="Vùng ngập", duration=5)
    picture = _png()
    with tenant_context(district):
        slide.image.save("ban-do.png", ContentFile(picture), save=True)
    schedule = Schedule.objects.create(
        unit=district,
        name="Cả ngày",
        playlist=playlist,
        start_time=time(0),
        end_time=time(23, 59),
        priority=9,
    )
    schedule.groups.set([group])
    client = client_for(tree.commune_a2)
    manifest = client.get(
        f"/signage/api/boards/{lcd.uid}/manifest/", **auth(lcd_token)
    ).json()
    entry = manifest["slides"][f"s{slide.pk}"]
    sha = hashlib.sha256(picture).hexdigest()
    assert entry["media"] == f"/signage/files/{sha}.png"
    files = {f["url"]: f for f in manifest["files"]}
    assert files[entry["media"]]["sha256"] == sha
    for url in [entry["media"], *entry["pages"]]:
        got = client.get(url)
        assert got.status_code == 200, url
        body = b"".join(got.streaming_content)
        assert hashlib.sha256(body).hexdigest() == files[url]["sha256"]
    assert client.get(entry["media"])["Cache-Control"].endswith("immutable")
    # The district's own host does not serve the commune's copy.
    assert client_for(district).get(entry["media"]).status_code == 404


def test_manifests_of_group_boards_follow_content_and_membership(
    tree, roadside, client_for, django_capture_on_commit_callbacks
):
    group, (led, led_token), (lcd, lcd_token), _ = roadside
    district = tree.district_a
    flood = make_playlist(district, "Phòng chống lụt bão", slides=["Mực nước sông"])
    schedule = Schedule.objects.create(
        unit=district,
        name="Cả ngày",
        playlist=flood,
        start_time=time(0),
        end_time=time(23, 59),
        priority=9,
    )
    schedule.groups.set([group])

    def manifest(board, token, unit):
        got = client_for(unit).get(
            f"/signage/api/boards/{board.uid}/manifest/", **auth(token)
        )
        return got["ETag"], got.json()

    before = {
        led.pk: manifest(led, led_token, tree.commune_a1),
        lcd.pk: manifest(lcd, lcd_token, tree.commune_a2),
    }
    pubsub = platform_redis.client().pubsub()
    pubsub.subscribe(
        services.unit_channel(tree.commune_a1.pk),
        services.unit_channel(tree.commune_a2.pk),
    )
    pubsub.get_message(timeout=1)
    pubsub.get_message(timeout=1)

    # The district's approver edits the slide in the district's admin.
    slide = flood.slides.get()
    approver = _approver(district, "duyet-huyen")
    url = reverse("signage_slides:edit", args=[slide.pk])
    with django_capture_on_commit_callbacks(execute=True):
        answer = approver.post(
            url,
            {
                "playlist": flood.pk,
                "kind": "text",
                "title": "Mực nước sông lên 2,1 m",
                "body": "",
                "language": "vi",
                "duration": 5,
                "sort_order": 0,
            },
        )
    assert answer.status_code == 302, _errors(answer)
    heard = set()
    while message := pubsub.get_message(timeout=2):
        if message["type"] == "message":
            heard.add(message["channel"].decode())
    assert heard == {
        services.unit_channel(tree.commune_a1.pk),
        services.unit_channel(tree.commune_a2.pk),
    }
    for board, token, unit in (
        (led, led_token, tree.commune_a1),
        (lcd, lcd_token, tree.commune_a2),
    ):
        etag, document = manifest(board, token, unit)
        assert etag != before[board.pk][0]
        titles = {s["title"] for s in document["slides"].values()}
        assert "Mực nước sông lên 2,1 m" in titles

    # The LCD leaves the group in the admin: its manifest drops the schedule.
    with django_capture_on_commit_callbacks(execute=True):
        answer = approver.post(
            reverse("signage_groups:edit", args=[group.pk]),
            {"name": group.name, "boards": [led.pk]},
        )
    assert answer.status_code == 302, _errors(answer)
    _, document = manifest(lcd, lcd_token, tree.commune_a2)
    assert all(s["playlist"] != "Phòng chống lụt bão" for s in document["segments"])
    _, document = manifest(led, led_token, tree.commune_a1)
    assert any(s["playlist"] == "Phòng chống lụt bão" for s in document["segments"])
    pubsub.close()


def test_editor_aims_a_schedule_at_the_units_groups_only(tree, roadside):
    group, (led, _), _, _ = roadside
    district = tree.district_a
    elsewhere = BoardGroup.objects.create(unit=tree.district_b, name="Nhóm huyện khác")
    playlist = make_playlist(district, "Tuyên truyền bầu cử")
    editor = _editor(district, "bientap-huyen")
    add = reverse("signage_schedules:add")
    form = editor.get(add).content.decode()
    assert "Bảng ven quốc lộ" in form and "Nhóm huyện khác" not in form
    data = {
        "name": "Bầu cử",
        "playlist": playlist.pk,
        "groups": [group.pk],
        "start_time": "08:00",
        "end_time": "10:00",
        "priority": 0,
    }
    refused = editor.post(add, {**data, "groups": [elsewhere.pk]})
    assert (
        refused.status_code == 200
        and not Schedule.objects.filter(name="Bầu cử").exists()
    )
    assert editor.post(add, data).status_code == 302
    schedule = Schedule.objects.get(name="Bầu cử")
    assert schedule.unit == district and list(schedule.groups.all()) == [group]
    listing = editor.get(reverse("signage_schedules:index")).content.decode()
    assert "nhóm Bảng ven quốc lộ" in listing
    # Editors see the unit's groups but do not make or change them.
    assert editor.get(reverse("signage_groups:index")).status_code == 200
    assert editor.get(reverse("signage_groups:add")).status_code in (302, 403)
    assert editor.post(
        reverse("signage_groups:edit", args=[group.pk]),
        {"name": "Đổi tên", "boards": []},
    ).status_code in (302, 403)
    group.refresh_from_db()
    assert group.name == "Bảng ven quốc lộ" and group.boards.count() == 2


def test_district_approver_makes_a_group_of_the_subtrees_boards(tree):
    led, _ = make_board(tree.commune_a1, kind="led", width=192, height=96)
    foreign, _ = make_board(tree.commune_b1, name="Bảng huyện khác")
    approver = _approver(tree.district_a, "duyet-nhom")
    add = reverse("signage_groups:add")
    form = approver.get(add).content.decode()
    assert led.name in form and "Bảng huyện khác" not in form
    assert approver.post(add, {"name": "X", "boards": [foreign.pk]}).status_code == 200
    assert not BoardGroup.objects.filter(name="X").exists()
    assert approver.post(add, {"name": "Bảng LED", "boards": [led.pk]}).status_code == (
        302
    )
    group = BoardGroup.objects.get(name="Bảng LED")
    assert group.unit == tree.district_a and list(group.boards.all()) == [led]
    # A commune's approver sees only the commune's groups, not the district's.
    commune = _approver(tree.commune_a1, "duyet-xa")
    assert (
        "Bảng LED" not in commune.get(reverse("signage_groups:index")).content.decode()
    )
    control = reverse("signage_admin_group_control", args=[group.pk])
    assert commune.get(control).status_code == 404


def test_group_command_reaches_every_board_and_shows_each_result(
    tree, roadside, client_for, django_capture_on_commit_callbacks
):
    group, (led, led_token), (lcd, lcd_token), outside = roadside
    district = tree.district_a
    approver = _approver(district, "duyet-lenh")
    control = reverse("signage_admin_group_control", args=[group.pk])
    page = approver.get(control).content.decode()
    assert "LED cổng chợ" in page and "LCD nhà văn hóa" in page
    assert "Bảng ngoài nhóm" not in page

    with django_capture_on_commit_callbacks(execute=True):
        sent = approver.post(control, {"kind": "screen_off"}, follow=True)
    text = sent.content.decode()
    assert "Đã gửi lệnh “Tắt màn hình” tới 2 bảng của nhóm" in text
    assert text.count("Đã thực hiện") == 2
    for board in (led, lcd):
        board.refresh_from_db()
        assert board.power == "off"
    assert Board.objects.get(pk=outside.pk).power == "auto"
    lcd_manifest = (
        client_for(tree.commune_a2)
        .get(f"/signage/api/boards/{lcd.uid}/manifest/", **auth(lcd_token))
        .json()
    )
    assert lcd_manifest["board"]["power"] == "off"

    bad = approver.post(control, {"kind": "brightness", "value": "0"}, follow=True)
    assert "Độ sáng phải là số từ 1 đến 100." in bad.content.decode()
    approver.post(control, {"kind": "brightness", "value": "35"})
    assert {b.brightness for b in Board.objects.filter(groups=group)} == {35}

    # A screenshot: waiting per board until each player answers.
    with django_capture_on_commit_callbacks(execute=True):
        approver.post(control, {"kind": "screenshot"})
    page = approver.get(control).content.decode()
    assert page.count("Đang chờ") == 2 and 'data-waiting="1"' in page
    shot = client_for(tree.commune_a1).post(
        f"/signage/api/boards/{led.uid}/screenshot/",
        data=_png((255, 255, 0), (192, 96)),
        content_type="image/png",
        **auth(led_token),
    )
    assert shot.status_code == 200
    page = approver.get(control).content.decode()
    assert "192×96" in page and page.count("Đang chờ") == 1
    image = reverse("signage_admin_group_screenshot", args=[group.pk, led.pk])
    assert image in page
    got = approver.get(image)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(got.streaming_content))) as picture:
        assert picture.size == (192, 96)
    # The board outside the group cannot be reached through it.
    outside_image = reverse(
        "signage_admin_group_screenshot", args=[group.pk, outside.pk]
    )
    assert approver.get(outside_image).status_code == 404
    assert BoardCommand.objects.filter(board=outside).count() == 0


def test_an_editor_cannot_command_a_group(tree, roadside):
    group, (led, _), _, _ = roadside
    editor = _editor(tree.district_a, "bientap-lenh")
    control = reverse("signage_admin_group_control", args=[group.pk])
    assert editor.get(control).status_code == 302
    assert editor.post(control, {"kind": "screen_off"}).status_code == 302
    assert BoardCommand.objects.filter(board__groups=group).count() == 0
    assert Board.objects.get(pk=led.pk).power == "auto"


def test_sync_unit_groups_brings_group_rights_to_existing_units(tree):
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    with tenant_context(tree.commune_a2):
        approvers = Group.objects.get(name=settings.UNIT_APPROVER_GROUP)
        approvers.permissions.remove(
            *Permission.objects.filter(codename__endswith="_boardgroup")
        )
    call_command("sync_unit_groups", "--no-progress", "--unit", tree.commune_a2.code)
    with tenant_context(tree.commune_a2):
        codenames = set(
            Group.objects.get(name=settings.UNIT_APPROVER_GROUP)
            .permissions.filter(codename__endswith="_boardgroup")
            .values_list("codename", flat=True)
        )
        editor = set(
            Group.objects.get(name=settings.UNIT_EDITOR_GROUP)
            .permissions.filter(codename__endswith="_boardgroup")
            .values_list("codename", flat=True)
        )
    assert codenames == {
        "add_boardgroup",
        "change_boardgroup",
        "delete_boardgroup",
        "view_boardgroup",
    }
    assert editor == {"view_boardgroup"}
