"""Bench: API v1 read operations across units (articles, announcements by
priority, bulletins), anonymous and with a key, through gunicorn on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs_bench_cms \\
    REDIS_URL=redis://127.0.0.1:6379/3 CACHE_KEY_PREFIX=bench-api \\
    DJANGO_SETTINGS_MODULE=config.settings.test UNIT_LOOKUP_SECONDS=30 \\
        .venv/bin/python bench/api_v1.py --units 20 --requests 300

Uses bench/cms_pages.py's database and units (created if missing: ``--units``
communes with one article each); each unit also gets an announcement and an
API key. Rates are lifted (API_RATELIMIT) so the run measures the work, not
the limiter. Prints requests/s with p50/p95 latency per operation.
"""

import argparse
import importlib.util
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
os.environ["API_RATELIMIT"] = "100000000/m"

from tests.utils import start_web_server  # noqa: E402

spec = importlib.util.spec_from_file_location("cms_pages", ROOT / "bench/cms_pages.py")
cms_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cms_pages)

OPERATIONS = {
    "articles": "/api/v1/articles/",
    "announcements": "/api/v1/announcements/?priority=emergency",
    "bulletins": "/api/v1/bulletins/",
}


def prepare(targets):
    """An emergency announcement and a key per unit: [(host, key)]."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from api.models import ApiKey
    from cms.models import AnnouncementPage
    from cms.services import section
    from tenants.models import Domain

    out = []
    for host, _article in targets:
        unit = Domain.objects.get(domain=host).tenant
        with tenant_context(unit):
            if not AnnouncementPage.objects.filter(slug="bao-khan").exists():
                page = section("thong-bao").add_child(
                    instance=AnnouncementPage(
                        title="Cảnh báo bão khẩn cấp",
                        slug="bao-khan",
                        summary="Người dân không ra khơi.",
                        priority="emergency",
                        live=False,
                    )
                )
                page.save_revision().publish()
        connection.set_schema_to_public()
        ApiKey.objects.filter(unit=unit, name="bench").delete()
        key = ApiKey(unit=unit, name="bench", rate="100000000/m")
        raw = key.issue()
        key.save()
        out.append((host, raw))
    return out


def fetch(port, host, path, key=None):
    headers = {"Host": host}
    if key:
        headers["X-API-Key"] = key
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status


def run(port, hosts, path, total, concurrency, keyed):
    for host, key in hosts:
        fetch(port, host, path, key if keyed else None)
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(total))

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            host, key = hosts[i % len(hosts)]
            start = time.perf_counter()
            try:
                ok = fetch(port, host, path, key if keyed else None) == 200
            except Exception as error:  # noqa: BLE001 - counted and reported
                ok = False
                with lock:
                    errors.append(repr(error))
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok and not errors:
                    errors.append("not 200")

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": errors,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.rsplit("/", 1)[-1].startswith("ttcs_bench"):
        raise SystemExit("Use a database of its own: DATABASE_URL=.../ttcs_bench_cms")
    cms_pages.ensure_database(url)
    import django

    django.setup()
    targets = cms_pages.provision(args.units)
    hosts = prepare(targets)
    from django.db import connections

    connections.close_all()
    server = start_web_server({}, workers=args.workers)
    rows = []
    try:
        for name, path in OPERATIONS.items():
            for keyed in (False, True):
                result = run(
                    server.port, hosts, path, args.requests, args.concurrency, keyed
                )
                rows.append((name, "key" if keyed else "anonymous", result))
    finally:
        server.stop()
    print(
        f"\n{args.units} units, {args.requests} requests per row, "
        f"{args.concurrency} client threads, gunicorn {args.workers} workers"
    )
    print(
        f"{'operation':14} {'client':10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        "errors"
    )
    for name, mode, r in rows:
        print(
            f"{name:14} {mode:10} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} "
            f"{len(r['errors'])}"
        )


if __name__ == "__main__":
    main()
