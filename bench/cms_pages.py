"""Bench: a commune's home page and an article, uncached and cached, with
100 provisioned units, measured from a second process on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs_bench_cms \\
    REDIS_URL=redis://127.0.0.1:6379/3 CACHE_KEY_PREFIX=bench-cms \\
    DJANGO_SETTINGS_MODULE=config.settings.test UNIT_LOOKUP_SECONDS=30 \\
        .venv/bin/python bench/cms_pages.py --units 100 --requests 400

The database named in DATABASE_URL is the bench's own: it is created and
migrated if missing, then ``--units`` communes are provisioned (once; later
runs reuse them), each with one published article. Then gunicorn serves it
twice, first with the page cache off (CMS_PAGE_CACHE=0), then on; this
process (the second one) sends ``--requests`` GETs per page kind, spread
round-robin over the units, from ``--concurrency`` threads, and prints
requests/s with p50/p95 latency. Nothing here leaves loopback.
"""

import argparse
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from tests.utils import start_web_server  # noqa: E402


def ensure_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def provision(count):
    """Units 99xxx with one article each; returns [(hostname, article_url)]."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context
    from wagtail.rich_text import RichText

    from cms.models import ArticlePage
    from cms.services import section
    from tenants.models import Unit
    from tenants.services import create_unit, ensure_platform

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_platform()
    targets = []
    started = time.monotonic()
    for i in range(count):
        code = f"99{i:03d}"
        unit = Unit.objects.filter(structure=2025, code=code).first()
        if unit is None:
            unit = create_unit(
                code=code,
                name=f"Xã Đo Tải {i}",
                kind="commune",
                structure=2025,
                slug=f"xa-do-tai-{i}",
            )
        with tenant_context(unit):
            article = ArticlePage.objects.live().first()
            if article is None:
                parent = section("tin-tuc")
                article = parent.add_child(
                    instance=ArticlePage(
                        title="Ra quân làm đường giao thông nông thôn",
                        slug="ra-quan-lam-duong",
                        summary="Hơn 300 người dân cùng tham gia.",
                        body=[
                            ("paragraph", RichText("<p>Nội dung bài viết.</p>" * 20))
                        ],
                        live=False,
                    )
                )
                article.save_revision().publish()
                article.refresh_from_db()
            targets.append((unit.primary_hostname, article.url))
        connection.set_schema_to_public()
    print(f"{count} units ready in {time.monotonic() - started:.1f} s")
    return targets


def start_server(cache_on, workers):
    try:
        return start_web_server(
            {"CMS_PAGE_CACHE": "1" if cache_on else "0"}, workers=workers
        )
    except RuntimeError as error:
        raise SystemExit(str(error)) from error


def fetch(port, host, path):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status, response.headers.get("X-Page-Cache")


def run(port, targets, kind, total, concurrency):
    urls = [(host, "/" if kind == "home" else article) for host, article in targets]
    # Warm-up: one request per unit (connections, Python imports, and for the
    # cached run, the cache itself).
    for host, path in urls:
        fetch(port, host, path)
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(total))

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            host, path = urls[i % len(urls)]
            start = time.perf_counter()
            try:
                status, _ = fetch(port, host, path)
                ok = status == 200
            except Exception as error:  # noqa: BLE001 - counted and reported
                ok, status = False, repr(error)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(status)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    return {"rps": len(latencies) / wall, "p50": p50, "p95": p95, "errors": errors}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.rsplit("/", 1)[-1].startswith("ttcs_bench"):
        raise SystemExit("Use a database of its own: DATABASE_URL=.../ttcs_bench_cms")
    ensure_database(url)
    import django

    django.setup()
    targets = provision(args.units)
    from django.db import connections

    connections.close_all()

    rows = []
    for cache_on in (False, True):
        server = start_server(cache_on, args.workers)
        try:
            for kind in ("home", "article"):
                result = run(
                    server.port, targets, kind, args.requests, args.concurrency
                )
                rows.append((kind, "cached" if cache_on else "uncached", result))
        finally:
            server.stop()
    print(
        f"\n{args.units} units, {args.requests} requests per row, "
        f"{args.concurrency} client threads, gunicorn {args.workers} workers"
    )
    print(f"{'page':8} {'mode':9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} errors")
    for kind, mode, r in rows:
        print(
            f"{kind:8} {mode:9} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} "
            f"{len(r['errors'])}"
        )
    by = {(k, m): r for k, m, r in rows}
    for kind in ("home", "article"):
        ratio = by[(kind, "cached")]["rps"] / by[(kind, "uncached")]["rps"]
        print(f"{kind}: cached/uncached throughput = {ratio:.1f}x")


if __name__ == "__main__":
    main()
