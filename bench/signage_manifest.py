"""Benchmark: board manifests per second (ETag hits and misses) and PNG renders.

Registers 1,000 boards on one commune, starts gunicorn on loopback, and
hammers the manifest endpoint from separate client processes:

- hits:   every request carries the board's current ETag -> 304
- misses: no ETag -> 200 with the manifest body (cached in Redis)
- cold:   the cached manifests are dropped first -> built from the database

then times the Pillow renderer per slide at 192x96 (LED) and 1920x1080 (LCD).

    export DATABASE_URL=... REDIS_URL=... DJANGO_SETTINGS_MODULE=config.settings.test
    .venv/bin/python bench/signage_manifest.py [--boards 1000] [--seconds 10]
        [--clients 2] [--workers 2] [--threads 4] [--unit SLUG]

The database must already hold a provisioned commune (e.g. after the test
suite or ``make demo``); the boards it adds are deleted at the end.
"""

import argparse
import http.client
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from tests.utils import start_web_server  # noqa: E402


def client_loop(args):
    """One client process: keep-alive requests in a loop for ``seconds``."""
    port, host, targets, seconds, with_etag = args
    counts, latencies = {}, []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        uid, token, etag = targets[i % len(targets)]
        i += 1
        headers = {"Host": host, "Authorization": f"Bearer {token}"}
        if with_etag and etag:
            headers["If-None-Match"] = etag
        start = time.perf_counter()
        try:
            conn.request("GET", f"/signage/api/boards/{uid}/manifest/", headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            counts["error"] = counts.get("error", 0) + 1
            continue
        latencies.append(time.perf_counter() - start)
        counts[response.status] = counts.get(response.status, 0) + 1
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    return counts, latencies


def run_phase(name, port, host, targets, seconds, clients, with_etag):
    chunks = [targets[i::clients] for i in range(clients)]
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        started = time.monotonic()
        results = pool.map(
            client_loop,
            [(port, host, chunk, seconds, with_etag) for chunk in chunks],
        )
        elapsed = time.monotonic() - started
    counts, latencies = {}, []
    for c, lat in results:
        latencies.extend(lat)
        for k, v in c.items():
            counts[k] = counts.get(k, 0) + v
    total = sum(v for k, v in counts.items() if k != "error")
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0
    print(
        f"{name:<8} {total / elapsed:8.0f} req/s  statuses={counts}  "
        f"p50={p50:.1f} ms  p99={p99:.1f} ms"
    )
    return total / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--unit", default="")
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from signage import render, services
    from signage.models import Board, Slide
    from tenants.models import Unit

    units = Unit.objects.filter(provisioned_at__isnull=False, kind="commune")
    unit = (units.filter(slug=options.unit) if options.unit else units).first()
    if unit is None:
        sys.exit("Không có xã nào đã khởi tạo trong cơ sở dữ liệu này.")
    print(f"unit: {unit} ({unit.primary_hostname}), boards: {options.boards}")

    from signage.models import Playlist

    had_default = Playlist.objects.filter(unit=unit, is_default=True).exists()
    playlist = services.default_playlist(unit)
    slide = Slide.objects.create(
        playlist=playlist, title="Đo hiệu năng bảng tin", body="Bản tin thử nghiệm."
    )
    tokens, boards = [], []
    for i in range(options.boards):
        token = services.new_token()
        tokens.append(token)
        boards.append(
            Board(
                unit=unit,
                name=f"bench-{i:04d}",
                kind="lcd" if i % 2 else "led",
                width=1920 if i % 2 else 192,
                height=1080 if i % 2 else 96,
                token_hash=services.hash_token(token),
            )
        )
    boards = Board.objects.bulk_create(boards)
    connection.close()

    try:
        server = start_web_server(
            workers=options.workers,
            threads=options.threads,
            args=["--keep-alive", "30"],
            own_session=True,
        )
    except RuntimeError as error:
        sys.exit(str(error))
    port = server.port
    try:
        host = unit.primary_hostname
        # Warm: one request per board builds and caches every manifest.
        targets = []
        warm_start = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for board, token in zip(boards, tokens, strict=True):
            conn.request(
                "GET",
                f"/signage/api/boards/{board.uid}/manifest/",
                headers={"Host": host, "Authorization": f"Bearer {token}"},
            )
            response = conn.getresponse()
            response.read()
            targets.append((str(board.uid), token, response.getheader("ETag")))
        conn.close()
        print(
            f"cold     {len(boards) / (time.monotonic() - warm_start):8.0f} req/s  "
            "(one client, every manifest built from the database)"
        )
        run_phase("hits", port, host, targets, options.seconds, options.clients, True)
        run_phase(
            "misses", port, host, targets, options.seconds, options.clients, False
        )
    finally:
        server.stop()
        Board.objects.filter(pk__in=[b.pk for b in boards]).delete()
        slide.delete()
        if not had_default:
            playlist.delete()
        services.content_changed(unit)

    headline = (
        "THÔNG BÁO: Ủy ban nhân dân xã tổ chức tiêm chủng mở rộng đợt ba năm 2025 "
        "tại trạm y tế xã"
    )
    body = "Người dân mang theo căn cước công dân, đến từ 7 giờ sáng đến 11 giờ."
    for kind, width, height in (("led", 192, 96), ("lcd", 1920, 1080)):
        times = []
        for i in range(10):
            start = time.perf_counter()
            image = render.render_text(f"{headline} {i}", body, width, height, kind)
            render.png_bytes(image)
            times.append(time.perf_counter() - start)
        print(
            f"render {kind} {width}x{height}: median "
            f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
            " per slide (layout + PNG encode)"
        )


if __name__ == "__main__":
    main()
