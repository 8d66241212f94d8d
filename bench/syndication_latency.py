"""Publish-to-portal latency: a commune publishes, how long until its
district's "Tin từ cơ sở" lists it (real worker, real Redis, PostgreSQL).

    export DATABASE_URL=postgres://.../ttcs_h4 REDIS_URL=redis://127.0.0.1:6379/4 \
        DJANGO_SETTINGS_MODULE=config.settings.test
    .venv/bin/python manage.py migrate_schemas
    .venv/bin/python bench/syndication_latency.py [--n 50]

Creates (once) a bench district and commune, starts a Celery worker on a
queue of its own, publishes N articles one after another and polls the
district portal (through Django's test client, host routing included)
until each appears. Prints p50 / p95 / max in milliseconds.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from tenants.models import Unit  # noqa: E402
from tenants.services import create_unit, ensure_platform  # noqa: E402


def bench_units():
    ensure_platform()
    district = Unit.objects.filter(structure=2020, code="991").first() or create_unit(
        code="991", name="Huyện Đo Đạc", kind="district", structure=2020
    )
    commune = Unit.objects.filter(structure=2020, code="99101").first() or create_unit(
        code="99101", name="Xã Đo Đạc", kind="commune", structure=2020, parent=district
    )
    return district, commune


def start_worker():
    from config.celery import app

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    node = f"{queue}@{socket.gethostname()}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env={**os.environ, "CELERY_QUEUE": queue},
    )
    app.conf.task_default_queue = queue
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[node], timeout=0.5):
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit("worker did not start")
    return process


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    from wagtail.models import Page

    from cms.models import ArticlePage

    district, commune = bench_units()
    worker = start_worker()
    portal = Client(HTTP_HOST=district.primary_hostname)
    latencies, created = [], []
    try:
        for n in range(args.n):
            title = f"Bài đo độ trễ {n} {uuid.uuid4().hex[:6]}"
            with tenant_context(commune):
                parent = Page.objects.get(slug="tin-tuc", depth=3)
                page = ArticlePage(title=title, slug=f"do-tre-{uuid.uuid4().hex[:10]}")
                parent.add_child(instance=page)
                revision = page.save_revision()
                start = time.perf_counter()
                revision.publish()
            created.append(page.pk)
            while title not in portal.get("/tin-tu-co-so/").content.decode():
                if time.perf_counter() - start > 30:
                    raise SystemExit(f"not listed after 30 s: {title}")
                time.sleep(0.01)
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        with tenant_context(commune):
            Page.objects.filter(pk__in=created).delete()
        time.sleep(2)
        worker.terminate()
        worker.wait(timeout=20)
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    print(
        f"publishes={len(latencies)} p50={statistics.median(latencies):.0f} ms "
        f"p95={p95:.0f} ms max={latencies[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
