"""Live and relayed streams end to end: real icecast2 and ffmpeg, the
platform's Icecast listener check on the live web server, simulated devices
that get a signed ``stream`` command, read audio from the mount, and are
stopped."""

import http.server
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

from broadcast.devices import icecast as icecast_admin
from broadcast.devices.mqtt import publish_outbox
from broadcast.models import Delivery, OutboxMessage, Stream
from broadcast.services import streams
from tests.utils import free_port, wait_for

pytestmark = [pytest.mark.slow]


@pytest.fixture
def radio(tmp_path):
    """A "radio station": a generated stereo MP3 served over HTTP."""
    source = tmp_path / "vov1.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=90"]
        + ["-ac", "2", "-b:a", "128k", str(source)],
        check=True,
    )
    handler = type(
        "Radio",
        (http.server.SimpleHTTPRequestHandler,),
        {"log_message": lambda *a: None},
    )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", free_port()),
        lambda *a: handler(*a, directory=str(tmp_path)),
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/vov1.mp3"
    server.shutdown()


def _get(url, size=4096):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read(size)


def _mounts(server):
    return icecast_admin.mounts(server.url, server.admin_password)


def _mono_mp3_kbps(body):
    """Bit rate of the first MPEG-2 Layer III frame (22.05 kHz) in ``body``
    if it is mono, else None (Icecast starts a listener mid-stream)."""
    rates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    at = body.find(b"\xff\xf3")
    while at != -1 and at + 4 <= len(body):
        third, fourth = body[at + 2], body[at + 3]
        if (third >> 2) & 3 == 0 and third >> 4 not in (0, 15):
            return rates[third >> 4] if fourth >> 6 == 3 else None
        at = body.find(b"\xff\xf3", at + 1)
    return None


def _refused(url):
    try:
        _get(url)
    except urllib.error.HTTPError as exc:
        return exc.code
    return None


def test_a_relay_reaches_icecast_and_devices_play_it_until_stopped(
    tree,
    icecast,
    streamer,
    radio,
    make_clusters,
    fleet_factory,
    listener_factory,
    broadcast_rows,
):
    unit = tree.commune_a1
    specs = make_clusters(unit, 2)
    listener_factory()
    fleet = fleet_factory(specs, fetch_audio=True)

    stream = streams.start_relay(unit, "Tiếp sóng VOV1", radio, started_by="test")
    assert wait_for(lambda: Stream.objects.get(pk=stream.pk).state == "on_air", 30), (
        Stream.objects.get(pk=stream.pk).detail
    )
    stream.refresh_from_db()
    assert stream.mount in _mounts(icecast)
    cid = str(stream.dispatch.cid)

    # Each device got a signed stream command naming the mount with a token,
    # read MP3 from it and said "playing".
    [row] = OutboxMessage.objects.filter(dispatch=stream.dispatch)
    assert row.payload["type"] == "stream" and row.payload["format"] == "mp3"
    assert row.payload["url"].startswith(
        f"http://localhost:{icecast.port}{stream.mount}?t="
    )
    assert wait_for(lambda: len(fleet.events_for("stream_bytes", cid)) == 2, 30), (
        fleet.events_for(cid=cid)
    )
    assert wait_for(
        lambda: (
            set(
                Delivery.objects.filter(dispatch=stream.dispatch).values_list(
                    "state", flat=True
                )
            )
            == {"playing"}
        ),
        15,
    ), list(
        Delivery.objects.filter(dispatch=stream.dispatch).values_list(
            "cluster__device_id", "state", "detail"
        )
    )
    assert wait_for(lambda: fleet.stream_bytes.get(cid, 0) > 8000, 15)
    status, body = _get(streams.stream_url(stream))
    assert status == 200
    assert _mono_mp3_kbps(body) == 48

    # Icecast lets nobody in without the token of this stream.
    plain = f"{icecast.url}{stream.mount}"
    assert _refused(plain) == 401
    assert _refused(plain + "?t=forged") == 401
    other = Stream.objects.create(unit=unit, kind="relay", title="Khác", state="ended")
    assert _refused(plain + "?t=" + streams.stream_token(other)) == 401

    # "Dừng": the encoder stops and both devices get a stop for the stream.
    told = streams.stop_stream(stream)
    assert told == 2
    publish_outbox()
    assert wait_for(
        lambda: (
            set(
                Delivery.objects.filter(dispatch=stream.dispatch).values_list(
                    "state", flat=True
                )
            )
            == {"stopped"}
        ),
        20,
    )
    assert len(fleet.events_for("stop", cid)) == 2
    assert wait_for(
        lambda: (
            stream.mount
            not in icecast_admin.mounts(icecast.url, icecast.admin_password)
        ),
        15,
    )
    # The token of an ended stream opens nothing.
    assert _refused(streams.stream_url(stream)) in (401, 404)


def test_a_relay_whose_source_cannot_be_read_fails_in_vietnamese(
    tree, icecast, streamer, broadcast_rows
):
    broadcast_rows.units.add(tree.commune_a1)
    dead = f"http://127.0.0.1:{free_port()}/khong-co.mp3"
    stream = streams.start_relay(tree.commune_a1, "Đài tỉnh", dead)
    assert wait_for(lambda: Stream.objects.get(pk=stream.pk).state == "failed", 30)
    stream.refresh_from_db()
    assert stream.detail.startswith("Không phát được luồng nguồn")
    assert stream.dispatch is None  # no device was told


def test_a_relay_source_must_be_http(tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        streams.start_relay(tree.commune_a1, "Tệp", "file:///etc/passwd")
    assert "http://" in exc.value.messages[0]


@pytest.mark.django_db
def test_only_the_approver_starts_streams_and_only_of_their_subtree(tree):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import tenant_context

    from tests.utils import admin_client

    unit = tree.commune_a1
    clients = {}
    for role, group in (
        ("editor", settings.UNIT_EDITOR_GROUP),
        ("approver", settings.UNIT_APPROVER_GROUP),
    ):
        with tenant_context(unit):
            user = get_user_model().objects.create_user(f"loa-{role}", password="x")
            user.groups.add(Group.objects.get(name=group))
        clients[role] = admin_client(unit, user)
    live = "/admin/truyen-thanh/luong/truc-tiep/"
    assert clients["editor"].get(live).status_code in (302, 403)
    assert clients["editor"].post(
        "/admin/truyen-thanh/luong/tiep-song/",
        {"title": "VOV1", "source_url": "http://vov.vn/a.mp3", "priority": "normal"},
    ).status_code in (302, 403)
    assert not Stream.objects.filter(unit=unit).exists()
    page = clients["approver"].get(live)
    assert page.status_code == 200 and "Bắt đầu phát" in page.content.decode()
    form = clients["approver"].post(
        "/admin/truyen-thanh/luong/tiep-song/",
        {"title": "VOV1", "source_url": "ftp://vov.vn/a.mp3", "priority": "normal"},
    )
    assert "http://" in form.content.decode() and not Stream.objects.exists()
    elsewhere = Stream.objects.create(unit=tree.commune_b1, kind="live", title="B1")
    for path in ("", "dung/", "am-thanh/"):
        url = f"/admin/truyen-thanh/luong/{elsewhere.pk}/{path}"
        answer = clients["approver"].post(url) if path else clients["approver"].get(url)
        assert answer.status_code == 404, url
    elsewhere.refresh_from_db()
    assert elsewhere.state == "starting"


@pytest.mark.django_db
def test_stop_now_on_a_streams_dispatch_ends_the_stream(tree):
    from datetime import timedelta

    from django.utils import timezone

    from broadcast.models import Dispatch, Program
    from tests.utils import admin_client

    unit = tree.commune_a1
    program = Program.objects.create(unit=unit, title="VOV1", kind="stream")
    dispatch = Dispatch.objects.create(
        unit=unit,
        program=program,
        priority="normal",
        expires_at=timezone.now() + timedelta(hours=4),
    )
    stream = Stream.objects.create(
        unit=unit,
        kind="relay",
        title="VOV1",
        state="on_air",
        program=program,
        dispatch=dispatch,
    )
    client = admin_client(unit)
    answer = client.post(f"/admin/truyen-thanh/luot-phat/{dispatch.pk}/dung/")
    assert answer.status_code == 302
    stream.refresh_from_db()
    assert stream.state == "ended" and stream.ended_at is not None
    dispatch.refresh_from_db()
    assert dispatch.expires_at <= timezone.now()  # no retry of the command
