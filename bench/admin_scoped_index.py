"""Benchmark: the unit-scoped admin index (base/admin.py) at 1,000 clusters.

Adds ``--clusters`` speaker clusters to one commune and as many to another,
logs an approver into the first commune's admin (Django test client, the
whole middleware stack, Wagtail's templates) and times, with the scope on
and then off (``UnitScope.filter`` short-circuited, the same run):

- the cluster index (``/admin/cum-loa/``, first page of 20),
- its last page (``?p=<last>``), and a search (``?q=...``),
- one edit view of a cluster (its scope check is one ``EXISTS`` query),

reporting the median and p95 in milliseconds and the SQL queries per request.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_ttcs_NAME \
        REDIS_URL=... DJANGO_SETTINGS_MODULE=config.settings.test
    .venv/bin/python bench/admin_scoped_index.py [--clusters 1000] [--rounds 30]

The database must hold the test tree (run the tests once) or a demo; the
clusters and the user it adds are deleted at the end.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def timed(client, path, rounds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm templates and caches
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "queries": len(queries),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_tenants.utils import tenant_context

    from base import admin as scoped_admin
    from broadcast.models import SpeakerCluster
    from tenants.models import Unit
    from tests.utils import admin_client

    communes = list(
        Unit.objects.filter(kind="commune", provisioned_at__isnull=False).order_by(
            "code"
        )[:2]
    )
    if len(communes) < 2:
        sys.exit("needs two provisioned communes (run the tests or make demo first)")
    unit, other = communes
    tag = uuid.uuid4().hex[:6]
    rows = [
        SpeakerCluster(
            unit=owner,
            name=f"Cụm loa ấp {i:04d}",
            hamlet=f"Ấp {i % 40}",
            device_id=f"bench-{tag}-{owner.code}-{i}",
        )
        for owner in (unit, other)
        for i in range(args.clusters)
    ]
    SpeakerCluster.objects.bulk_create(rows, batch_size=1000)
    username = f"bench-duyet-{tag}"
    with tenant_context(unit):
        user = get_user_model().objects.create_user(username, password="x" * 12)
        user.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
    try:
        client = admin_client(unit, user)
        one = SpeakerCluster.objects.filter(unit=unit, device_id__startswith="bench-")
        last_page = (SpeakerCluster.objects.filter(unit=unit).count() + 19) // 20
        paths = {
            "index": "/admin/cum-loa/",
            "last page": f"/admin/cum-loa/?p={last_page}",
            "search": "/admin/cum-loa/?q=0042",
            "edit": f"/admin/cum-loa/edit/{one.first().pk}/",
        }
        results = {}
        for label, path in paths.items():
            results[(label, "scoped")] = timed(client, path, args.rounds)
        original = scoped_admin.UnitScope.filter
        scoped_admin.UnitScope.filter = lambda self, queryset, unit=None: queryset
        try:
            for label, path in paths.items():
                if label == "last page":
                    path = f"/admin/cum-loa/?p={last_page * 2}"  # both units
                results[(label, "unscoped")] = timed(client, path, args.rounds)
        finally:
            scoped_admin.UnitScope.filter = original
        print(
            f"{args.clusters} clusters in {unit.code} and {args.clusters} in "
            f"{other.code}; {args.rounds} rounds; approver of {unit.code}"
        )
        print(f"{'view':<10} {'mode':<9} {'median ms':>9} {'p95 ms':>7} {'SQL':>4}")
        for (label, mode), figures in results.items():
            print(
                f"{label:<10} {mode:<9} {figures['median_ms']:>9} "
                f"{figures['p95_ms']:>7} {figures['queries']:>4}"
            )
    finally:
        SpeakerCluster.objects.filter(device_id__startswith=f"bench-{tag}-").delete()
        with tenant_context(unit):
            get_user_model().objects.filter(username=username).delete()


if __name__ == "__main__":
    main()
