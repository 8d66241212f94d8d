"""Benchmark: CAP 1.2 out for a province's year of alerts.

Makes ``--bulletins`` sent bulletins of the province (two in three priority,
one in three emergency; each to the communes of one district, spread over a
year), then times:

- issuing their CAP alerts (``alerts.services.publish``: XML built with
  ElementTree, one row and its area units per message),
- the province's Atom feed (``feed_xml``, every alert inline), its subtree
  feed, and the same through the test client on the province's host
  (whole middleware stack), median and p95 of ``--rounds``,
- validating the whole feed's alerts against the CAP 1.2 schema (xmlschema).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_ttcs_NAME \
        REDIS_URL=... DJANGO_SETTINGS_MODULE=config.settings.test
    .venv/bin/python bench/cap_feed.py [--bulletins 500] [--rounds 10]

The database must hold the test tree (run the tests once) or a demo; the
bulletins it adds are deleted at the end.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def timed(fn, rounds):
    fn()  # warm
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return (
        round(statistics.median(times), 1),
        round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        result,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bulletins", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    import xml.etree.ElementTree as ET

    from django.test import Client
    from django.utils import timezone

    from alerts import cap, services
    from bulletins.models import Bulletin
    from tenants.models import Unit

    province = Unit.objects.filter(kind="province").order_by("code").first()
    districts = list(
        Unit.objects.filter(parent=province, kind="district").order_by("code")
    )
    if province is None or not districts:
        sys.exit("needs a province with districts (run the tests or make demo first)")
    tag = uuid.uuid4().hex[:6]
    start_of_year = timezone.now() - timedelta(days=365)
    rows = [
        Bulletin(
            title=f"Cảnh báo {tag} số {i}: mưa lớn, nguy cơ lũ quét",
            body="Người dân chủ động phòng tránh, theo dõi thông tin.\n" * 5,
            category=("disaster", "health", "security")[i % 3],
            priority="emergency" if i % 3 == 0 else "priority",
            channels=["web"],
            target_mode="subtree",
            target_root=districts[i % len(districts)],
            valid_from=start_of_year + timedelta(hours=17 * i),
            valid_until=start_of_year + timedelta(hours=17 * i + 48),
            sender_unit=province,
            status="sent",
            sent_at=start_of_year + timedelta(hours=17 * i),
            created_by_name="bench",
        )
        for i in range(args.bulletins)
    ]
    Bulletin.objects.bulk_create(rows, batch_size=500)
    made = Bulletin.objects.filter(title__startswith=f"Cảnh báo {tag} ")
    try:
        start = time.perf_counter()
        for bulletin in made:
            services.publish(bulletin)
        issue_ms = (time.perf_counter() - start) * 1000
        own = timed(lambda: services.feed_xml(province), args.rounds)
        area = timed(lambda: services.feed_xml(province, subtree=True), args.rounds)
        client = Client(HTTP_HOST=province.primary_hostname)
        http = timed(lambda: client.get("/cap/"), args.rounds)
        assert http[2].status_code == 200
        feed = ET.fromstring(own[2])
        alerts = feed.findall(
            f"{{{cap.ATOM}}}entry/{{{cap.ATOM}}}content/{{{cap.NS}}}alert"
        )
        start = time.perf_counter()
        for alert in alerts:
            cap.schema().validate(alert)
        validate_ms = (time.perf_counter() - start) * 1000
        print(
            f"{args.bulletins} bulletins of {province} ({len(districts)} districts), "
            f"{args.rounds} rounds; feed {len(own[2]) // 1024} KB, "
            f"{len(alerts)} entries"
        )
        print(
            f"issue CAP alerts: {issue_ms:.0f} ms total, "
            f"{issue_ms / args.bulletins:.1f} ms each"
        )
        print(f"{'feed':<22} {'median ms':>9} {'p95 ms':>7}")
        for label, figures in (
            ("feed_xml /cap/", own),
            ("feed_xml /cap/khu-vuc/", area),
            ("HTTP GET /cap/", http),
        ):
            print(f"{label:<22} {figures[0]:>9} {figures[1]:>7}")
        print(f"validate {len(alerts)} alerts (xmlschema): {validate_ms:.0f} ms")
    finally:
        made.delete()


if __name__ == "__main__":
    main()
