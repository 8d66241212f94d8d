"""Bench: pages served per second with the security middleware (CSP,
bad-input check, log-in lockout) and without it, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_ttcs_<name> \\
    DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python bench/security_headers.py --requests 300 --rounds 3

Runs in-process (Django's test client, no network) against a database that
already holds the test tree (a worktree's test database after one test
run; nothing is written). Each round measures both variants, alternating,
for: a cached commune home page (the page-cache hit path, where the extra
middleware weighs most), the uncached search page, and a media file.
Prints the median requests/s of the rounds per variant and path.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

SECURITY = {
    "base.security.ContentSecurityPolicyMiddleware",
    "base.middleware.RejectBadInputMiddleware",
    "axes.middleware.AxesMiddleware",
}


def rate(host, path, n, middleware):
    unlimited = {group: "1000000/s" for group in settings.RATELIMITS}
    with override_settings(
        MIDDLEWARE=middleware, ALLOWED_HOSTS=["*"], RATELIMITS=unlimited
    ):
        client = Client(HTTP_HOST=host)
        client.get(path)  # warm: cache filled, middleware loaded
        started = time.perf_counter()
        for _ in range(n):
            response = client.get(path)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return n / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_test_environment()
    from tenants.models import Unit

    unit = Unit.objects.filter(code="90101").first() or (
        Unit.objects.filter(provisioned_at__isnull=False)
        .exclude(kind="platform")
        .first()
    )
    host = unit.primary_hostname
    media = settings.MEDIA_ROOT / unit.schema_name / "bench" / "dot.png"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    paths = ["/", "/tim-kiem/?q=thong+tin", f"/media/{unit.schema_name}/bench/dot.png"]
    full = list(settings.MIDDLEWARE)
    bare = [m for m in full if m not in SECURITY]
    results = {(p, v): [] for p in paths for v in ("with", "without")}
    for _ in range(args.rounds):
        for path in paths:
            results[(path, "without")].append(rate(host, path, args.requests, bare))
            results[(path, "with")].append(rate(host, path, args.requests, full))
    print(f"unit {host}, {args.requests} requests x {args.rounds} rounds")
    for path in paths:
        without = statistics.median(results[(path, "without")])
        with_ = statistics.median(results[(path, "with")])
        print(
            f"{path:45} without {without:8.1f}/s  with {with_:8.1f}/s  "
            f"({(with_ / without - 1) * 100:+.1f} %)"
        )


if __name__ == "__main__":
    main()
