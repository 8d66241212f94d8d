"""The broadcast admin of a unit: its own clusters only, forms that refuse
bad input in Vietnamese and keep what was typed, schedules edited and
stopped, programs deleted only before they aired."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from broadcast.models import (
    Delivery,
    DevicePlan,
    Dispatch,
    PlanItem,
    Program,
    Schedule,
    SpeakerCluster,
)
from tests.factories.broadcast import make_cluster
from tests.utils import admin_client

pytestmark = pytest.mark.django_db


def test_units_admin_lists_only_its_own_clusters_with_presence_and_acks(
    tree, client_for
):

    mine, _ = make_cluster(tree.commune_a1, "Cụm loa chợ", device_id="adm-a")
    theirs, _ = make_cluster(tree.commune_b1, "Cụm loa bến đò", device_id="adm-b")
    SpeakerCluster.objects.filter(pk=mine.pk).update(online=True)
    program = Program.objects.create(unit=tree.commune_a1, title="Bản tin sáng")
    dispatch = Dispatch.objects.create(
        unit=tree.commune_a1,
        program=program,
        priority="normal",
        expires_at=timezone.now(),
    )
    Delivery.objects.create(dispatch=dispatch, cluster=mine, state="acknowledged")
    client = admin_client(tree.commune_a1, username="quantriloa")
    clusters = client.get("/admin/cum-loa/").content.decode()
    assert "Cụm loa chợ" in clusters and "Cụm loa bến đò" not in clusters
    deliveries = client.get("/admin/trang-thai-phat/").content.decode()
    assert "Đã xác nhận" in deliveries and "adm-a" in deliveries
    # Deliveries are the proof of what was sent (speakers.md M11): nobody
    # adds, copies or deletes one by hand.
    delivery = Delivery.objects.get(dispatch=dispatch)
    for path in (
        "/admin/trang-thai-phat/new/",
        f"/admin/trang-thai-phat/copy/{delivery.pk}/",
        f"/admin/trang-thai-phat/delete/{delivery.pk}/",
    ):
        assert client.get(path).status_code in (302, 403, 404), path
        assert client.post(path, {"detail": "x"}).status_code in (302, 403, 404)
    assert Delivery.objects.filter(dispatch=dispatch).count() == 1


def test_admin_forms_refuse_bad_input_in_vietnamese_and_keep_what_was_typed(
    tree, client_for, settings
):

    settings.BROADCAST_TTS_MAX_CHARS = 40
    client = admin_client(tree.commune_a2, username="quantriform")
    long_text = "Thông báo về việc tổ chức tiêm chủng mở rộng cho trẻ em."
    response = client.post(
        "/admin/truyen-thanh/chuong-trinh/them/",
        {"title": "Quá dài", "kind": "tts", "language": "vi", "text": long_text},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "vượt giới hạn 40 ký tự" in html
    assert long_text in html and not Program.objects.filter(title="Quá dài")
    response = client.post(
        "/admin/truyen-thanh/chuong-trinh/them/",
        {
            "title": "Không phải âm thanh",
            "kind": "audio",
            "language": "vi",
            "audio": SimpleUploadedFile("a.mp3", b"%PDF-1.4 not audio"),
        },
    )
    assert response.status_code == 200
    assert not Program.objects.filter(title="Không phải âm thanh")
    program = Program.objects.create(unit=tree.commune_a2, title="Bản tin")
    response = client.post(
        "/admin/truyen-thanh/lich-phat/them/",
        {
            "program": program.pk,
            "priority": "normal",
            "kind": "recurring",
            "times": "6h sáng",
            "position": 0,
        },
    )
    html = response.content.decode()
    assert "không phải giờ hợp lệ" in html and "Chọn ít nhất một đơn vị" in html
    assert 'value="6h sáng"' in html
    # Another commune's program cannot be scheduled from here.
    theirs = Program.objects.create(unit=tree.commune_b1, title="Của xã khác")
    response = client.post(
        "/admin/truyen-thanh/lich-phat/them/",
        {
            "program": theirs.pk,
            "priority": "normal",
            "kind": "recurring",
            "times": "06:00",
            "target_units": [tree.commune_a2.pk],
            "position": 0,
        },
    )
    assert response.status_code == 200 and not Schedule.objects.filter(program=theirs)


def test_admin_edits_and_stops_schedules_and_deletes_only_unaired_programs(
    tree, client_for
):

    client = admin_client(tree.commune_a1, username="quantrisua")
    program = Program.objects.create(unit=tree.commune_a1, title="Bản tin chiều")
    schedule = Schedule.objects.create(
        unit=tree.commune_a1,
        program=program,
        kind="recurring",
        times=["17:00"],
        priority="normal",
    )
    schedule.target_units.add(tree.commune_a1)
    index = client.get("/admin/truyen-thanh/").content.decode()
    assert f"/admin/truyen-thanh/lich-phat/{schedule.pk}/" in index
    assert f"/admin/truyen-thanh/chuong-trinh/{program.pk}/" in index

    # Edit: a bad time is refused in Vietnamese, what was typed stays.
    url = f"/admin/truyen-thanh/lich-phat/{schedule.pk}/"
    form = client.get(url).content.decode()
    assert 'value="17:00"' in form and "Dừng lịch phát này" in form
    fields = {
        "program": program.pk,
        "priority": "normal",
        "kind": "recurring",
        "times": "25:99",
        "target_units": [tree.commune_a1.pk],
        "position": 0,
    }
    html = client.post(url, fields).content.decode()
    assert "không phải giờ hợp lệ" in html and 'value="25:99"' in html
    schedule.refresh_from_db()
    assert schedule.times == ["17:00"]
    response = client.post(
        url, {**fields, "priority": "priority", "times": "06:00, 17:30"}
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.times == ["06:00", "17:30"] and schedule.priority == "priority"

    # Stop: kept (history), no longer active or listed; a GET does nothing.
    # What it already sent still plays: the officer is led to that dispatch,
    # where "Dừng phát ngay" is (speakers.md M5).
    cluster, _ = make_cluster(tree.commune_a1, "Cụm loa đình", device_id="adm-stop")
    running = Dispatch.objects.create(
        unit=tree.commune_a1,
        program=program,
        schedule=schedule,
        priority="normal",
        expires_at=timezone.now() + timedelta(minutes=20),
    )
    Delivery.objects.create(dispatch=running, cluster=cluster, state="playing")
    assert client.get(url + "dung/").status_code == 405
    response = client.post(url + "dung/", follow=True)
    assert (
        response.redirect_chain[-1][0] == f"/admin/truyen-thanh/luot-phat/{running.pk}/"
    )
    page = response.content.decode()
    assert "Đã dừng lịch phát" in page and "Dừng phát ngay" in page
    schedule.refresh_from_db()
    assert not schedule.is_active
    assert (
        f"lich-phat/{schedule.pk}/"
        not in client.get("/admin/truyen-thanh/").content.decode()
    )

    # Another unit's schedule and program are not reachable from here.
    theirs = Program.objects.create(unit=tree.commune_b1, title="Của xã khác")
    their_schedule = Schedule.objects.create(
        unit=tree.commune_b1, program=theirs, kind="recurring", times=["06:00"]
    )
    assert (
        client.get(f"/admin/truyen-thanh/lich-phat/{their_schedule.pk}/").status_code
        == 404
    )
    assert (
        client.post(
            f"/admin/truyen-thanh/lich-phat/{their_schedule.pk}/dung/"
        ).status_code
        == 404
    )
    assert (
        client.get(f"/admin/truyen-thanh/chuong-trinh/{theirs.pk}/").status_code == 404
    )
    assert (
        client.post(f"/admin/truyen-thanh/chuong-trinh/{theirs.pk}/xoa/").status_code
        == 404
    )
    their_schedule.refresh_from_db()
    assert their_schedule.is_active and Program.objects.filter(pk=theirs.pk).exists()

    # Program: title and listen-back flag change; an aired one is kept.
    edit = f"/admin/truyen-thanh/chuong-trinh/{program.pk}/"
    assert client.post(edit, {"title": "  ", "public": "on"}).status_code == 200
    client.post(edit, {"title": "Bản tin chiều thứ Bảy"})
    program.refresh_from_db()
    assert program.title == "Bản tin chiều thứ Bảy" and not program.public
    Dispatch.objects.create(
        unit=tree.commune_a1,
        program=program,
        priority="normal",
        expires_at=timezone.now(),
    )
    assert "đã phát nên không xóa được" in client.get(edit).content.decode()
    assert client.post(edit + "xoa/").status_code == 302
    assert Program.objects.filter(pk=program.pk).exists()

    # A program that never aired goes, with its schedules, after a confirmation.
    draft = Program.objects.create(unit=tree.commune_a1, title="Bản nháp")
    Schedule.objects.create(
        unit=tree.commune_a1, program=draft, kind="recurring", times=["08:00"]
    )
    confirm = client.get(f"/admin/truyen-thanh/chuong-trinh/{draft.pk}/xoa/")
    assert "08:00" in confirm.content.decode() and Program.objects.filter(pk=draft.pk)
    client.post(f"/admin/truyen-thanh/chuong-trinh/{draft.pk}/xoa/")
    assert not Program.objects.filter(pk=draft.pk).exists()
    assert not Schedule.objects.filter(program_id=draft.pk).exists()


def test_recent_dispatches_are_the_newest_twenty_newest_first(tree, client_for):
    """speakers.md M11: the list was cut at 20 in no order (the counts'
    GROUP BY drops the model's ordering), so the newest could be missing."""
    # Ahead of any dispatch other tests left in this unit.
    now = timezone.now() + timedelta(hours=1)
    # The newest is created last but must come first; the oldest 5 drop out.
    for age in reversed(range(25)):
        program = Program.objects.create(
            unit=tree.commune_a1, title=f"Bản tin số {age:02d}"
        )
        Dispatch.objects.create(
            unit=tree.commune_a1,
            program=program,
            priority="normal",
            created_at=now - timedelta(minutes=age),
            expires_at=now,
        )
    client = admin_client(tree.commune_a1, username="quantrigannhat")
    page = client.get("/admin/truyen-thanh/").content.decode()
    recent = page.split('id="luot-phat"')[1].split("</table>")[0]
    shown = [int(part[:2]) for part in recent.split("Bản tin số ")[1:]]
    assert shown == list(range(20))


def test_a_plan_item_playing_from_the_plan_is_shown_by_its_title(tree, client_for):
    """docs: heartbeat ``playing`` is a command's cid, or the plan item's id
    when the device plays it from its plan (no command)."""
    import uuid

    cluster, _ = make_cluster(tree.commune_a1, "Cụm loa đình", device_id="adm-plan")
    program = Program.objects.create(unit=tree.commune_a1, title="Tin nông vụ")
    now = timezone.now()
    plan = DevicePlan.objects.create(
        cluster=cluster, day=timezone.localdate(now), version=1, digest="x"
    )
    item = uuid.uuid4()
    PlanItem.objects.create(
        plan=plan, item=item, program=program, at=now, not_after=now, priority="normal"
    )
    SpeakerCluster.objects.filter(pk=cluster.pk).update(
        online=True, last_seen=now, now_playing=str(item)
    )
    client = admin_client(tree.commune_a1, username="quantriphat")
    assert "Tin nông vụ" in client.get("/admin/truyen-thanh/").content.decode()
    page = client.get(f"/admin/truyen-thanh/cum-loa/{cluster.pk}/nhat-ky/")
    assert "Tin nông vụ" in page.content.decode()
