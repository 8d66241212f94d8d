"""Bench: audio for 3G loudspeakers.

1. Bytes per second of speech: a passage of a real plan from the corpus
   (``../shared/corpus``), read by espeak-ng, as the WAV it writes and as
   the mono CBR MP3 the platform stores (ffmpeg, 32/48/64 kbit/s).
2. Stream start latency to a device: an officer presses "Bắt đầu tiếp
   sóng" (``streams.start_relay``) → the device receives the signed
   ``stream`` command → the first audio bytes reach it from the Icecast
   mount. Real icecast2 (configured as make run), ffmpeg, the streamer, the
   project's Mosquitto, gunicorn answering Icecast's listener check, and one
   simulated device (``fetch_audio``) reading the mount.

    DATABASE_URL=<the test database> DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python bench/broadcast_audio.py --rounds 5

The database must be migrated and hold a commune (the test database after
one test run will do).
"""

import argparse
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

CORPUS = Path(os.environ.get("TTCS_SHARED_DIR", ROOT.parent / "shared")) / "corpus"


def speech_passage(chars):
    """The plan's objectives, as prose (lines joined, page furniture out)."""
    text = (CORPUS / "ke-hoach-tra-vinh-2021-2025.txt").read_text()
    start = text.index("1. Mục tiêu tổng quát")
    lines = [line.strip() for line in text[start:].splitlines() if line.strip()]
    passage = " ".join(lines)
    return passage[: passage.rfind(".", 0, chars) + 1]


def bench_bytes(chars):
    from broadcast.speech import encoding, tts

    text = speech_passage(chars)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        seconds = tts.synthesize(text, wav)
        size = wav.stat().st_size
        rows.append(("WAV (espeak-ng, 16-bit mono 22.05 kHz)", size, seconds))
        for kbps in (32, 48, 64):
            settings.BROADCAST_MP3_KBPS = kbps
            mp3 = Path(tmp) / f"speech-{kbps}.mp3"
            started = time.monotonic()
            encoding.to_mp3(wav, mp3)
            took = time.monotonic() - started
            info = encoding.mp3_info(mp3)
            assert info["channels"] == 1 and info["kbps"] == kbps, info
            rows.append(
                (
                    f"MP3 mono {kbps} kbit/s (ffmpeg {took:.2f} s)",
                    mp3.stat().st_size,
                    seconds,
                )
            )
    print(f"\n## Speech: {len(text)} characters of the Trà Vinh plan, {seconds:.1f} s")
    print("| file | bytes | bytes per second of speech | 13 s clip |")
    print("|---|---|---|---|")
    for name, size, secs in rows:
        rate = size / secs
        print(f"| {name} | {size:,} | {rate:,.0f} | {rate * 13 / 1000:,.0f} kB |")
    settings.BROADCAST_MP3_KBPS = 48


def serve_radio(folder):
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=600",
        ]
        + ["-ac", "2", "-b:a", "128k", str(folder / "radio.mp3")],
        check=True,
    )
    quiet = type(
        "Q", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: 0}
    )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: quiet(*a, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/radio.mp3"


def bench_latency(rounds, live_rounds=0):
    from broadcast.devices import broker_config, credentials
    from broadcast.devices import icecast as icecast_admin
    from broadcast.devices.mqtt import Publisher
    from broadcast.devices.simulator import Fleet
    from broadcast.devices.streamer import Streamer
    from broadcast.models import SpeakerCluster, Stream
    from broadcast.services import streams
    from tenants.models import Unit
    from tests.icecast import ProjectIcecast
    from tests.mqtt_broker import ProjectBroker
    from tests.utils import start_web_server, test_database_url

    unit = Unit.objects.filter(kind="commune").first()
    broker = ProjectBroker(credentials.new_password()).start()
    for key, value in broker.settings().items():
        setattr(settings, key, value)
    Publisher.reset()
    web = start_web_server(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
        },
        threads=8,
    )
    ice = ProjectIcecast(f"http://127.0.0.1:{web.port}/_icecast/auth/").start()
    for key, value in ice.settings().items():
        setattr(settings, key, value)
    folder = Path(tempfile.mkdtemp())
    radio, url = serve_radio(folder)
    others = list(
        SpeakerCluster.objects.filter(unit=unit, is_active=True).values_list(
            "pk", flat=True
        )
    )
    SpeakerCluster.objects.filter(pk__in=others).update(is_active=False)
    SpeakerCluster.objects.filter(device_id__startswith="bench-stream-").delete()
    password = credentials.new_password()
    cluster = SpeakerCluster.objects.create(
        unit=unit,
        name="Cụm loa đo luồng",
        device_id="bench-stream-1",
        password_hash=credentials.mosquitto_hash(password),
        signing_key=credentials.new_signing_key(),
        on_time="00:00",
        off_time="00:00",
    )
    broker_config.sync_broker()
    time.sleep(1)
    spec = {
        "device_id": cluster.device_id,
        "username": cluster.device_id,
        "password": password,
        "signing_key": cluster.signing_key,
    }
    fleet = Fleet(
        [spec], url=broker.device_url, heartbeat=600, fetch_audio=True
    ).start()
    assert fleet.wait_online(30), "the device did not connect"
    streamer = Streamer(ice.url, ice.source_password, ice.admin_password).start()
    results, live = [], []
    try:
        for index in range(rounds):
            pressed = time.time()
            stream = streams.start_relay(unit, f"Tiếp sóng đo {index + 1}", url)
            deadline = time.monotonic() + 60
            received = first = None
            cid = None
            while time.monotonic() < deadline and first is None:
                stream.refresh_from_db()
                if stream.dispatch_id and cid is None:
                    cid = str(stream.dispatch.cid)
                if cid:
                    got = fleet.events_for("received", cid)
                    data = fleet.events_for("stream_bytes", cid)
                    received = got[0][0] if got else None
                    first = data[0][0] if data else None
                time.sleep(0.01)
            if first is None:
                print(f"round {index + 1}: no audio in 60 s: {stream.detail}")
                continue
            on_air = stream.on_air_at.timestamp()
            results.append((on_air - pressed, received - pressed, first - pressed))
            print(
                f"round {index + 1}: on air {on_air - pressed:.2f} s, command "
                f"{received - pressed:.2f} s, first bytes {first - pressed:.2f} s"
            )
            streams.stop_stream(stream)
            end = time.monotonic() + 15
            while stream.mount in icecast_admin.mounts(ice.url, ice.admin_password):
                if time.monotonic() > end:
                    break
                time.sleep(0.1)
            time.sleep(1)
        if live_rounds:
            live = bench_live(live_rounds, unit, fleet, web)
    finally:
        streamer.stop()
        fleet.stop()
        radio.shutdown()
        ice.stop()
        web.stop()
        broker.stop()
        Stream.objects.filter(unit=unit, title__startswith="Tiếp sóng đo").delete()
        cluster.delete()
        SpeakerCluster.objects.filter(pk__in=others).update(is_active=True)
    for title, rows in (("local MP3 relayed", results), ("browser microphone", live)):
        table(title, rows)


def table(title, results):
    if results:
        print(f"\n## Stream start latency ({title}), {len(results)} rounds")
        print("| press → | median | min | max |")
        print("|---|---|---|---|")
        for name, column in (
            ("stream on the air (mount has audio)", 0),
            ("device received the stream command", 1),
            ("first audio bytes at the device", 2),
        ):
            values = [row[column] for row in results]
            print(
                f"| {name} | {statistics.median(values):.2f} s | {min(values):.2f} s "
                f"| {max(values):.2f} s |"
            )


def bench_live(rounds, unit, fleet, web):
    """Press "Bắt đầu phát" on the microphone page in Chromium (fake
    microphone) → the device's stream command → its first bytes."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import tenant_context
    from playwright.sync_api import sync_playwright

    from broadcast.models import Stream
    from tests.utils import admin_log_in

    # Playwright's sync API keeps an event loop on this thread; the ORM calls
    # beside it stay synchronous (as in tests/conftest.py).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    password = "mat-khau-do-123"
    with tenant_context(unit):
        user = get_user_model().objects.create_user("do-luong", password=password)
        user.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
    results = []
    args = ["--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream"]
    args.append("--use-fake-ui-for-media-stream")
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=args
            )
            page = chromium.new_page()
            admin_log_in(page, web.url(unit, "/admin/login/"), user.username, password)
            for index in range(rounds):
                page.goto(web.url(unit, "/admin/truyen-thanh/luong/truc-tiep/"))
                pressed = time.time()
                page.click("#live-start")
                deadline = time.monotonic() + 60
                received = first = stream = None
                while time.monotonic() < deadline and first is None:
                    stream = (
                        Stream.objects.filter(unit=unit, kind="live")
                        .exclude(dispatch=None)
                        .order_by("-pk")
                        .first()
                    )
                    if stream and stream.created_at.timestamp() >= pressed - 1:
                        cid = str(stream.dispatch.cid)
                        got = fleet.events_for("received", cid)
                        data = fleet.events_for("stream_bytes", cid)
                        received = got[0][0] if got else None
                        first = data[0][0] if data else None
                    time.sleep(0.01)
                if first is None:
                    print(f"live round {index + 1}: no audio at the device in 60 s")
                    continue
                on_air = stream.on_air_at.timestamp()
                results.append((on_air - pressed, received - pressed, first - pressed))
                print(
                    f"live round {index + 1}: on air {on_air - pressed:.2f} s, "
                    f"command {received - pressed:.2f} s, first bytes "
                    f"{first - pressed:.2f} s"
                )
                page.click("#live-stop")
                page.wait_for_function(
                    "() => document.getElementById('live-status')"
                    ".textContent.includes('Đã dừng')",
                    timeout=20000,
                )
                time.sleep(1)
            chromium.close()
    finally:
        Stream.objects.filter(unit=unit, kind="live", started_by="do-luong").delete()
        with tenant_context(unit):
            user.delete()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--live-rounds",
        type=int,
        default=3,
        help="rounds pressing Start on the microphone page in Chromium",
    )
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    bench_bytes(args.chars)
    if not args.skip_latency:
        bench_latency(args.rounds, args.live_rounds)


if __name__ == "__main__":
    main()
