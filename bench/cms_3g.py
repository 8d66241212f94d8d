"""Bench: a commune's home page on a throttled 3G connection in Chromium:
time to first contentful paint and bytes transferred, cold (no browser
cache) and warm (second visit).

    createdb -h 127.0.0.1 -U postgres -T test_ttcs_portal-ui ttcs_bench_3g
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs_bench_3g \\
    DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python bench/cms_3g.py [--runs 5]

DATABASE_URL names a database that has the test tree of units (the tests'
database after a ``--reuse-db`` run, or any migrated one with units): the
first commune gets demo content (six articles with photos, cms.demo: legal
documents, procedures, contacts) once, committed. gunicorn serves it; Debian's
Chromium loads the home page through DevTools' network emulation
(Network.emulateNetworkConditions) with the "Fast 3G" profile of Chrome's
DevTools (562.5 ms RTT, 1.44 Mbit/s down, 675 kbit/s up) and with "Slow 3G"
(2 s RTT, 400 kbit/s down and up). Images below the fold are lazy: the
bytes are what the first screen costs. Reports the median first contentful paint and
the bytes on the wire (encodedDataLength of every response). Nothing here
leaves loopback.
"""

import argparse
import io
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from tests.utils import start_web_server  # noqa: E402

PROFILES = {
    # Chrome DevTools' presets (throughput in bytes/s).
    "Fast 3G": {
        "latency": 562.5,
        "download": 1.6e6 / 8 * 0.9,
        "upload": 750e3 / 8 * 0.9,
    },
    "Slow 3G": {
        "latency": 2000,
        "download": 500e3 / 8 * 0.8,
        "upload": 500e3 / 8 * 0.8,
    },
}


def prepare():
    """The first commune with six illustrated articles and the demo content."""
    import django

    django.setup()
    from django.core.files.images import ImageFile
    from django_tenants.utils import tenant_context
    from PIL import Image
    from wagtail.images import get_image_model
    from wagtail.rich_text import RichText

    from cms import demo
    from cms.models import ArticlePage
    from cms.services import section
    from tenants.models import Unit

    unit = (
        Unit.objects.filter(kind__in=("commune", "ward"), provisioned_at__isnull=False)
        .order_by("path")
        .first()
    )
    if unit is None:
        sys.exit("No provisioned commune in this database: run the tests once.")
    with tenant_context(unit):
        news = section("tin-tuc")
        have = ArticlePage.objects.live().filter(title__startswith="[bench 3G]").count()
        Image_ = get_image_model()
        for n in range(have, 6):
            buffer = io.BytesIO()
            picture = Image.new("RGB", (1600, 900), (40 * n, 120, 200 - 20 * n))
            for x in range(0, 1600, 8):  # some detail, so JPEG is not trivial
                for y in range(0, 900, 90):
                    picture.putpixel((x, y), (255, 255, 255))
            picture.save(buffer, "JPEG", quality=85)
            image = Image_.objects.create(
                title=f"Ảnh bench {n}",
                file=ImageFile(buffer, name=f"bench-3g-{n}.jpg"),
            )
            article = ArticlePage(
                title=f"[bench 3G] Tin hoạt động số {n + 1} của xã",
                summary="Người dân tham gia làm đường, tiêm chủng, học nghề. " * 3,
                image=image,
                body=[("paragraph", RichText("<p>Nội dung bài viết.</p>" * 10))],
            )
            news.add_child(instance=article)
            article.save_revision().publish()
        demo.load(unit)
    return unit.primary_hostname


def measure(url, profile, runs):
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic"],
        )
        for _run in range(runs):
            context = browser.new_context(viewport={"width": 375, "height": 812})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": profile["latency"],
                    "downloadThroughput": profile["download"],
                    "uploadThroughput": profile["upload"],
                },
            )
            for visit in ("cold", "warm"):
                sizes = []
                cdp.on(
                    "Network.loadingFinished",
                    lambda event, sizes=sizes: sizes.append(event["encodedDataLength"]),
                )
                page.goto(url, wait_until="load")
                page.wait_for_timeout(300)
                fcp = page.evaluate(
                    "() => (performance.getEntriesByName('first-contentful-paint')[0]"
                    " || {}).startTime"
                )
                results.append((visit, fcp, sum(sizes), len(sizes)))
            context.close()
        browser.close()
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    host = prepare()
    server = start_web_server(
        {"DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}, threads=4
    )
    try:
        url = server.url(host, "/")
        print(f"{url} at 375×812, median of {args.runs} runs")
        for name, profile in PROFILES.items():
            rows = measure(url, profile, args.runs)
            for visit in ("cold", "warm"):
                mine = [r for r in rows if r[0] == visit]
                fcp = statistics.median(r[1] for r in mine)
                size = statistics.median(r[2] for r in mine)
                count = statistics.median(r[3] for r in mine)
                print(
                    f"{name:8} {visit}: first contentful paint {fcp / 1000:.2f} s, "
                    f"{size / 1024:.0f} kB in {count:.0f} responses"
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
