"""Benchmark: public boards at scale, with the event streams on their own
ASGI process (signage/events.py) and the website on gunicorn.

1. Emergency press -> on screen, for 1, 100 and 1,000 simulated boards
   holding event streams: each board, told "changed", fetches its manifest
   (one GET) and counts the emergency as shown when the manifest has it.
   p50 / p95 / max from the press (``services.interrupt``, what the admin's
   "Phát khẩn cấp ngay" calls).
2. 304 responses per second while 1,000 boards hold streams, against a
   WhiteNoise static file on the same gunicorn in the same run.
3. PNG render time per LED (192x96) and LCD (1920x1080) slide, one page
   and a long paged text.

    source .local/services.env
    .venv/bin/python bench/signage_boards.py [--boards 1000] [--seconds 8]
        [--workers 2] [--threads 4] [--unit SLUG]

Needs a provisioned commune in the database (after the test suite or
``make demo``); the boards it adds are deleted at the end.
"""

import argparse
import asyncio
import http.client
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from tests.utils import free_port, reachable, start_web_server  # noqa: E402


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def http_get(port, host, path, headers=()):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


class Board:
    """One simulated board: an event stream, and a manifest fetch per push."""

    def __init__(self, uid, token, host, web, events, title):
        self.uid, self.token, self.host = uid, token, host
        self.web, self.events, self.title = web, events, title
        self.connected = asyncio.Event()
        self.shown_at = None
        self.pressed = False

    async def run(self, stop):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.events)
        writer.write(
            f"GET /signage/api/boards/{self.uid}/events/?token={self.token} "
            f"HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode()
        )
        await writer.drain()
        buffer = b""
        try:
            while not stop.is_set():
                try:
                    chunk = await asyncio.wait_for(reader.read(4096), 1)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                buffer += chunk
                if b"data: connect" in buffer:
                    self.connected.set()
                if b"data: push" in buffer:
                    buffer = b""
                    if self.pressed and self.shown_at is None:
                        await self.fetch()
        finally:
            writer.close()

    async def fetch(self):
        auth = ("Authorization", f"Bearer {self.token}")
        path = f"/signage/api/boards/{self.uid}/manifest/"
        status, body = await http_get(self.web, self.host, path, [auth])
        if status == 200 and self.title.encode() in body:
            self.shown_at = time.perf_counter()


def hammer(args):
    """One client process: keep-alive GETs for ``seconds``; returns count."""
    port, host, targets, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done, i, deadline = {}, 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        path, headers = targets[i % len(targets)]
        i += 1
        try:
            conn.request("GET", path, headers={"Host": host, **headers})
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            done["error"] = done.get("error", 0) + 1
            continue
        done[response.status] = done.get(response.status, 0) + 1
    conn.close()
    return done


def rate(port, host, targets, seconds, clients=2):
    chunks = [targets[i::clients] for i in range(clients)]
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        started = time.monotonic()
        results = pool.map(hammer, [(port, host, c, seconds) for c in chunks])
        elapsed = time.monotonic() - started
    total = {}
    for result in results:
        for k, v in result.items():
            total[k] = total.get(k, 0) + v
    return total, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--unit", default="")
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from signage import render, services
    from signage.models import Board as BoardRow
    from signage.models import Interrupt, Slide
    from tenants.models import Unit

    units = Unit.objects.filter(provisioned_at__isnull=False, kind="commune")
    unit = (units.filter(slug=options.unit) if options.unit else units).first()
    if unit is None:
        sys.exit("Không có xã nào đã khởi tạo trong cơ sở dữ liệu này.")
    host = unit.primary_hostname
    print(f"unit: {unit} ({host}), boards: {options.boards}")
    from signage.models import Playlist

    had_default = Playlist.objects.filter(unit=unit, is_default=True).exists()
    playlist = services.default_playlist(unit)
    slide = Slide.objects.create(
        playlist=playlist, title="Đo hiệu năng bảng tin", body="Bản tin thử nghiệm."
    )
    tokens, rows = [], []
    for i in range(options.boards):
        token = services.new_token()
        tokens.append(token)
        led = i % 2 == 0
        rows.append(
            BoardRow(
                unit=unit,
                name=f"bench-{i:04d}",
                kind="led" if led else "lcd",
                width=192 if led else 1920,
                height=96 if led else 1080,
                token_hash=services.hash_token(token),
            )
        )
    rows = BoardRow.objects.bulk_create(rows)
    for row in rows:
        services.remember_auth(row)
    connection.close()

    web = start_web_server(
        workers=options.workers,
        threads=options.threads,
        args=["--keep-alive", "30"],
        own_session=True,
    )
    events_port = free_port()
    events = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "signage.events:application"]
        + ["--port", str(events_port), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT,
    )
    while not reachable(f"http://127.0.0.1:{events_port}"):
        time.sleep(0.2)
    try:
        run(options, unit, host, rows, tokens, web.port, events_port, services)
    finally:
        events.terminate()
        events.wait(timeout=20)
        web.stop()
        Interrupt.objects.filter(unit=unit, created_by="bench").delete()
        BoardRow.objects.filter(pk__in=[r.pk for r in rows]).delete()
        slide.delete()
        if not had_default:
            playlist.delete()
        services.content_changed(unit)

    headline = "Thông báo tiêm chủng mở rộng đợt ba năm 2026 tại trạm y tế xã"
    body = "Người dân mang theo căn cước công dân, đến từ 7 giờ sáng đến 11 giờ."
    long_body = body * 5
    for kind, width, height in (("led", 192, 96), ("lcd", 1920, 1080)):
        for label, text in (("one page", body), ("long, paged", long_body)):
            times, pages = [], 0
            for i in range(8):
                start = time.perf_counter()
                images = render.text_pages(f"{headline} {i}", text, width, height, kind)
                for image in images:
                    render.png_bytes(image, kind)
                times.append(time.perf_counter() - start)
                pages = len(images)
            print(
                f"render {kind} {width}x{height} {label} ({pages} page(s)): median "
                f"{statistics.median(times) * 1000:.0f} ms, max "
                f"{max(times) * 1000:.0f} ms per slide (layout + PNG encode)"
            )


def run(options, unit, host, rows, tokens, web_port, events_port, services):
    # Warm every manifest once (the cold build is bench/signage_manifest.py's).
    conn = http.client.HTTPConnection("127.0.0.1", web_port, timeout=60)
    etags = []
    for row, token in zip(rows, tokens, strict=True):
        conn.request(
            "GET",
            f"/signage/api/boards/{row.uid}/manifest/",
            headers={"Host": host, "Authorization": f"Bearer {token}"},
        )
        response = conn.getresponse()
        response.read()
        etags.append(response.getheader("ETag"))
    conn.close()

    for count in sorted({1, min(100, len(rows)), len(rows)}):
        title = f"Khẩn cấp thử nghiệm cho {count} bảng"

        async def scenario(count, title):
            stop = asyncio.Event()
            boards = [
                Board(str(r.uid), t, host, web_port, events_port, title)
                for r, t in zip(rows[:count], tokens[:count], strict=True)
            ]
            tasks = [asyncio.ensure_future(b.run(stop)) for b in boards]
            await asyncio.wait_for(
                asyncio.gather(*(b.connected.wait() for b in boards)), 120
            )
            for b in boards:
                b.pressed = True
            pressed = time.perf_counter()
            item = await asyncio.to_thread(
                services.interrupt, unit, title=title, minutes=5, by="bench"
            )
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if all(b.shown_at for b in boards):
                    break
                await asyncio.sleep(0.05)
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.to_thread(services.clear_interrupt, item)
            return [b.shown_at - pressed for b in boards if b.shown_at]

        shown = asyncio.run(scenario(count, title))
        print(
            f"emergency -> on screen, {count:4d} boards: "
            f"p50 {pct(shown, 50) * 1000:6.0f} ms  p95 {pct(shown, 95) * 1000:6.0f} ms"
            f"  max {max(shown) * 1000:6.0f} ms  ({len(shown)}/{count} shown)"
        )

    # 304 per second with every board holding its stream, vs a static file.
    conn = http.client.HTTPConnection("127.0.0.1", web_port, timeout=60)
    targets = []
    for row, token in zip(rows, tokens, strict=True):
        path = f"/signage/api/boards/{row.uid}/manifest/"
        headers = {"Authorization": f"Bearer {token}"}
        conn.request("GET", path, headers={"Host": host, **headers})
        response = conn.getresponse()
        response.read()
        targets.append((path, {**headers, "If-None-Match": response.getheader("ETag")}))
    conn.close()

    async def held(seconds_fn):
        stop = asyncio.Event()
        boards = [
            Board(str(r.uid), t, host, web_port, events_port, "-")
            for r, t in zip(rows, tokens, strict=True)
        ]
        tasks = [asyncio.ensure_future(b.run(stop)) for b in boards]
        await asyncio.wait_for(
            asyncio.gather(*(b.connected.wait() for b in boards)), 120
        )
        result = await asyncio.to_thread(seconds_fn)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        return result

    static = [("/static/signage/player.css", {})] * 2

    def both():
        hits = rate(web_port, host, targets, options.seconds)
        files = rate(web_port, host, static, options.seconds)
        return hits, files

    (hits, t_hits), (files, t_files) = asyncio.run(held(both))
    print(
        f"with {len(rows)} streams held: manifest 304 "
        f"{hits.get(304, 0) / t_hits:7.0f} req/s {hits}; WhiteNoise static file "
        f"{files.get(200, 0) / t_files:7.0f} req/s {files}"
    )


if __name__ == "__main__":
    main()
