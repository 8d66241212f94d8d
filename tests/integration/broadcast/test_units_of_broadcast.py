"""Fast checks on the database: pipeline, normalisation, credentials,
programs and their bad input, the broker config, tenant isolation."""

import io
import subprocess
import wave

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from broadcast import broker_config, credentials, protocol, services
from broadcast.models import (
    Delivery,
    DeliveryTransition,
    Dispatch,
    Program,
    Schedule,
    SpeakerCluster,
)
from broadcast.normalize import normalize, number_to_words
from broadcast.pipeline import InvalidStatus, bulk_set_state, record_new, set_state
from broadcast.signals import delivery_state_changed
from tests.utils import admin_client

pytestmark = pytest.mark.django_db


def test_numbers_dates_times_and_abbreviations_are_read_as_vietnamese_words():
    assert number_to_words(2025) == "hai nghìn không trăm hai mươi lăm"
    assert number_to_words(105) == "một trăm lẻ năm"
    assert number_to_words(21) == "hai mươi mốt"
    assert number_to_words(1_200_000) == "một triệu hai trăm nghìn"
    text = normalize("UBND xã họp lúc 7h30 ngày 15/4/2025, diện tích 3,5 ha.")
    assert text == (
        "ủy ban nhân dân xã họp lúc bảy giờ ba mươi phút ngày mười lăm tháng tư "
        "năm hai nghìn không trăm hai mươi lăm, diện tích ba phẩy năm héc ta."
    )
    assert "không chín một hai" in normalize("Gọi 0912 345 678")


def test_pipeline_refuses_a_jump_back_and_signals_each_change(
    tree, django_capture_on_commit_callbacks
):
    program = Program.objects.create(unit=tree.commune_a1, title="x")
    cluster, _ = services.create_cluster(tree.commune_a1, "c", device_id="pipe-1")
    dispatch = Dispatch.objects.create(
        unit=tree.commune_a1,
        program=program,
        priority="normal",
        expires_at=timezone.now(),
    )
    delivery = Delivery.objects.create(dispatch=dispatch, cluster=cluster)
    seen = []
    handler = lambda sender, delivery, old_status, new_status, **kw: seen.append(  # noqa: E731
        (old_status, new_status)
    )
    delivery_state_changed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert set_state(delivery, "sent")
            assert set_state(delivery, "acknowledged")
            assert not set_state(delivery, "acknowledged")  # a repeat is a no-op
            with pytest.raises(InvalidStatus):
                set_state(delivery, "queued")
            assert not set_state(delivery, "sent", strict=False)
            assert set_state(delivery, "done")
    finally:
        delivery_state_changed.disconnect(handler)
    assert seen == [
        ("queued", "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "done"),
    ]
    delivery.refresh_from_db()
    assert delivery.state == "done" and delivery.acknowledged_at
    history = DeliveryTransition.of(delivery).values_list("from_state", "to_state")
    assert list(history) == [
        ("queued", "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "done"),
    ]


def test_rows_are_written_in_bulk_after_publishing_with_their_history(
    tree, django_capture_on_commit_callbacks
):
    program = Program.objects.create(unit=tree.commune_b1, title="x")
    clusters = [
        services.create_cluster(tree.commune_b1, f"c{i}", device_id=f"bulk-{i}")[0]
        for i in range(4)
    ]
    dispatch = services.dispatch_program(program, units=[tree.commune_b1])
    # Decided, not yet published: the outbox names the devices, no rows yet.
    assert dispatch.target_count == 4 and not dispatch.deliveries.exists()
    ids = [c.pk for c in clusters]
    seen = []
    handler = lambda sender, delivery, old_status, new_status, **kw: seen.append(  # noqa: E731
        (old_status, new_status)
    )
    delivery_state_changed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert record_new(dispatch.pk, ids[:3], "sent") == 3
            # A second publish (a retry) creates nothing new.
            assert record_new(dispatch.pk, ids[:3], "sent") == 0
            rows = list(dispatch.deliveries.all())
            moved = bulk_set_state(rows[:2], "acknowledged", source="device")
            assert len(moved) == 2
            # Stale copies: the rule is checked against the database, once.
            assert bulk_set_state(rows[:2], "acknowledged") == []
            with pytest.raises(InvalidStatus):
                record_new(dispatch.pk, ids[3:], "preempted")
            assert record_new(dispatch.pk, ids[3:], "expired", attempts=0) == 1
    finally:
        delivery_state_changed.disconnect(handler)
    assert sorted(seen) == sorted(
        [("queued", "sent")] * 3
        + [("sent", "acknowledged")] * 2
        + [("queued", "expired")]
    )
    states = sorted(dispatch.deliveries.values_list("state", flat=True))
    assert states == ["acknowledged", "acknowledged", "expired", "sent"]
    assert dispatch.deliveries.filter(acknowledged_at__isnull=False).count() == 2
    # One history row per group move, naming every delivery it moved.
    history = list(
        dispatch.transitions.values_list("from_state", "to_state", "delivery_ids")
    )
    assert [(a, b, len(c)) for a, b, c in history] == [
        ("queued", "sent", 3),
        ("sent", "acknowledged", 2),
        ("queued", "expired", 1),
    ]


def test_password_is_stored_hashed_in_mosquittos_format(tree, tmp_path):
    cluster, password = services.create_cluster(
        tree.commune_a1, "c", device_id="hash-1"
    )
    assert password not in cluster.password_hash
    assert cluster.password_hash.startswith("$7$101$")
    assert cluster.check_password(password) and not cluster.check_password("sai")
    passwd, acl = broker_config.write_files(tmp_path, "ttcs-server", "bi-mat")
    # mosquitto_passwd reads (and rewrites) the file we generated.
    result = subprocess.run(
        ["mosquitto_passwd", "-b", str(passwd), "extra", "pw"], capture_output=True
    )
    assert result.returncode == 0, result.stderr
    assert f"hash-1:{cluster.password_hash}" in passwd.read_text()
    text = acl.read_text()
    root = protocol.root()
    # Devices: their own command topic to read, their own four to write.
    assert f"pattern read {root}/dev/%u/cmd" in text
    assert f"pattern write {root}/dev/%u/ack" in text
    assert "grp/" not in text


def test_messages_are_authenticated_by_the_mac_of_their_exact_bytes():
    key = credentials.new_signing_key()
    other = credentials.new_signing_key()
    assert len(key) == 64 and key != other
    payload = b'{"v":1,"kind":"ack","device":"dev-a","ts":1796160000.5,"n":7}'
    sig = credentials.mac(payload, key)
    assert credentials.check(payload, sig, key)
    assert not credentials.check(payload, sig, other)
    # Same JSON, other bytes (a number written differently): another MAC.
    assert not credentials.check(payload.replace(b".5", b".50"), sig, key)
    # The key is the 32 bytes the hex encodes, HMAC-SHA256 (doc's example).
    import hashlib
    import hmac

    assert sig == hmac.new(bytes.fromhex(key), payload, hashlib.sha256).hexdigest()


def test_each_cluster_gets_a_random_key_and_rotation_replaces_it(tree):
    a, _ = services.create_cluster(tree.commune_a1, "a", device_id="key-a")
    b, _ = services.create_cluster(tree.commune_a1, "b", device_id="key-b")
    assert a.signing_key and b.signing_key and a.signing_key != b.signing_key
    old_key, old_hash = a.signing_key, a.password_hash
    password = services.rotate_credentials(a)
    a.refresh_from_db()
    assert a.signing_key != old_key and a.password_hash != old_hash
    assert a.check_password(password)


def test_tts_reads_a_vietnamese_sentence_with_plausible_duration(tree):
    text = "Ủy ban nhân dân xã thông báo lịch tiêm chủng cho trẻ em vào sáng thứ Hai."
    for voice in ("vi", "vi-vn-x-central", "vi-vn-x-south"):
        program = services.create_tts_program(
            tree.commune_a1, "Tiêm chủng", text, voice=voice
        )
        # 17 syllables at ~2.5-5 syllables a second.
        assert 2.0 < program.duration_seconds < 10.0, program.duration_seconds
        with program.audio.open("rb") as fh, wave.open(fh) as wav:
            assert wav.getnframes() / wav.getframerate() == pytest.approx(
                program.duration_seconds
            )


def test_too_long_text_is_refused_with_the_limit_and_nothing_saved(tree, settings):
    settings.BROADCAST_TTS_MAX_CHARS = 100
    with pytest.raises(ValidationError) as exc:
        services.create_tts_program(tree.commune_a1, "Dài", "a " * 200)
    assert "vượt giới hạn 100 ký tự" in exc.value.messages[0]
    assert not Program.objects.filter(title="Dài").exists()


def test_language_without_a_voice_asks_for_recorded_audio(tree):
    with pytest.raises(ValidationError) as exc:
        services.create_tts_program(tree.commune_a1, "Khmer", "សួស្តី", language="km")
    assert "tải lên tệp âm thanh" in exc.value.messages[0]


def test_an_upload_that_is_not_audio_is_refused_and_nothing_is_saved(tree):
    fake = SimpleUploadedFile("thong-bao.mp3", b"%PDF-1.4 not audio at all" * 50)
    with pytest.raises(ValidationError) as exc:
        services.create_audio_program(tree.commune_a1, "Giả", fake)
    assert "không phải tệp âm thanh" in exc.value.messages[0]
    assert not Program.objects.filter(title="Giả").exists()


def test_an_uploaded_wav_is_measured_and_can_be_a_minority_language_program(tree):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x00" * 8000 * 3)
    upload = SimpleUploadedFile("khmer.wav", buffer.getvalue(), "audio/wav")
    program = services.create_audio_program(
        tree.commune_a1, "Tin Khmer", upload, language="km"
    )
    assert program.duration_seconds == pytest.approx(3.0)
    assert program.language == "km"


def test_a_communes_listen_back_page_shows_only_its_own_played_programs(
    tree, client_for
):
    mine = services.create_tts_program(
        tree.commune_a1, "Chương trình của An Bình", "Xin chào."
    )
    other = services.create_tts_program(
        tree.commune_b1, "Chương trình của Bình Lợi", "Xin chào."
    )
    services.create_tts_program(tree.commune_a1, "Chưa phát", "Xin chào.")
    for program in (mine, other):
        cluster, _ = services.create_cluster(
            program.unit, "c", device_id=f"lb-{program.unit.code}"
        )
        dispatch = Dispatch.objects.create(
            unit=program.unit,
            program=program,
            priority="normal",
            expires_at=timezone.now(),
        )
        Delivery.objects.create(dispatch=dispatch, cluster=cluster, state="done")
    response = client_for(tree.commune_a1).get("/nghe-lai/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chương trình của An Bình" in html and "<audio" in html
    assert "Chương trình của Bình Lợi" not in html and "Chưa phát" not in html
    audio = client_for(tree.commune_a1).get(f"/nghe-lai/{mine.uid}/am-thanh/")
    assert audio.status_code == 200
    assert (
        client_for(tree.commune_a1).get(f"/nghe-lai/{other.uid}/am-thanh/").status_code
        == 404
    )
    assert (
        client_for(tree.commune_b1).get(f"/nghe-lai/{mine.uid}/am-thanh/").status_code
        == 404
    )


def test_device_audio_needs_the_signed_link(tree, client_for):
    program = services.create_tts_program(tree.commune_a1, "Tải về", "Xin chào.")
    url = services.audio_url(program).split("//", 1)[1].split("/", 1)[1]
    assert client_for("localhost").get("/" + url).status_code == 200
    assert (
        client_for("localhost")
        .get(f"/broadcast/audio/{program.uid}/?t=sai")
        .status_code
        == 404
    )


def test_dispatch_skips_clusters_outside_hours_except_for_emergency(tree):
    program = Program.objects.create(
        unit=tree.commune_a2, title="x", duration_seconds=1
    )
    night = timezone.localtime().replace(hour=23, minute=0)
    awake, _ = services.create_cluster(
        tree.commune_a2, "ngày", device_id="h-awake", on_time="00:00", off_time="23:59"
    )
    asleep, _ = services.create_cluster(
        tree.commune_a2, "tối", device_id="h-asleep", on_time="05:00", off_time="21:00"
    )
    normal = services.dispatch_program(program, units=[tree.commune_a2], now=night)
    assert normal.target_count == 1
    assert [m.device_ids for m in normal.outbox.all()] == [["h-awake"]]
    urgent = services.dispatch_program(
        program, units=[tree.commune_a2], priority="emergency", now=night
    )
    assert urgent.target_count == 2
    assert [sorted(m.device_ids) for m in urgent.outbox.all()] == [
        ["h-asleep", "h-awake"]
    ]
    assert SpeakerCluster.objects.filter(unit=tree.commune_a2).count() == 2


def test_demo_clusters_are_registered_for_a_unit(tree):
    made = services.create_demo_clusters(tree.commune_b1)
    assert len(made) == 4
    assert all(c.device_id.startswith("sim-90201-") for c, _ in made)
    assert all(c.check_password(p) for c, p in made)


def test_units_admin_lists_only_its_own_clusters_with_presence_and_acks(
    tree, client_for
):

    mine, _ = services.create_cluster(tree.commune_a1, "Cụm loa chợ", device_id="adm-a")
    theirs, _ = services.create_cluster(
        tree.commune_b1, "Cụm loa bến đò", device_id="adm-b"
    )
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
    assert client.get(url + "dung/").status_code == 405
    assert client.post(url + "dung/").status_code == 302
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


def test_a_schedule_outside_the_clusters_hours_warns_and_a_dispatch_says_why(tree):
    unit = tree.commune_b1
    cluster, _ = services.create_cluster(
        unit, "Cụm loa đình", device_id="hours-1", on_time="05:00", off_time="21:00"
    )
    program = Program.objects.create(unit=unit, title="Bản tin tối", duration_seconds=1)
    client = admin_client(unit, username="quantrigio")
    typed = {
        "program": program.pk,
        "priority": "normal",
        "kind": "recurring",
        "times": "23:30",
        "target_units": [unit.pk],
        "position": 0,
    }
    response = client.post("/admin/truyen-thanh/lich-phat/them/", typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 cụm loa ngoài giờ bật" in page and "Cụm loa đình (05:00–21:00)" in page
    assert 'value="23:30"' in page  # what was typed is kept
    assert not Schedule.objects.filter(program=program).exists()
    response = client.post(
        "/admin/truyen-thanh/lich-phat/them/", {**typed, "confirm_hours": "on"}
    )
    assert response.status_code == 302
    assert Schedule.objects.filter(program=program).exists()

    # At 23:30 the dispatch reaches nobody, and its page says why.
    night = timezone.localtime().replace(hour=23, minute=30)
    dispatch = services.dispatch_program(program, units=[unit], now=night, kick=False)
    assert dispatch.target_count == 0 and dispatch.skipped_off_hours == 1
    page = client.get(f"/admin/truyen-thanh/luot-phat/{dispatch.pk}/").content
    assert "nằm ngoài giờ bật/tắt" in page.decode()
    assert cluster.pk
