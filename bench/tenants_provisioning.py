"""Provisioning, no-op migrate and web memory with many units.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs_bench \\
        .venv/bin/python bench/tenants_provisioning.py --units 100

Measures, in one run:
- seconds per unit to provision by cloning the template schema, against
  creating one schema by running every migration;
- seconds for a no-op ``migrate_schemas`` over all units (in-process, and as
  the whole command from the shell, start-up included);
- resident memory of one gunicorn worker after serving the home page of
  every unit.
The bench units (codes 8xxxx, structure 2025) are removed at the end unless
--keep is given. Use a database of its own: it creates and drops schemas.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tenants.models import Unit  # noqa: E402
from tenants.services import (  # noqa: E402
    create_unit,
    ensure_platform,
    ensure_template_schema,
)
from tests.utils import start_web_server  # noqa: E402


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--migration-samples", type=int, default=2)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    call_command("migrate_schemas", interactive=False, verbosity=0)
    ensure_platform()
    ensure_template_schema()
    codes = [f"8{i:04d}" for i in range(args.units)]
    for unit in Unit.objects.filter(structure=2025, code__in=codes):
        unit.delete(force_drop=True)

    clone_times = []
    for code in codes:
        start = time.perf_counter()
        create_unit(
            code=code,
            name=f"Xã Đo Lường {code}",
            kind="commune",
            structure=2025,
            slug=f"bench-{code}",
        )
        clone_times.append(time.perf_counter() - start)

    migrate_times = []
    for i in range(args.migration_samples):
        schema = f"bench_migrate_{i}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        call_command(
            "migrate_schemas",
            schema_name=schema,
            tenant=True,
            interactive=False,
            verbosity=0,
        )
        migrate_times.append(time.perf_counter() - start)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')

    total_units = Unit.objects.exclude(schema_name="public").count()
    start = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    noop_in_process = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "-v", "0"],
        cwd=ROOT,
        check=True,
    )
    noop_command = time.perf_counter() - start

    print(f"units provisioned: {len(codes)} (all units now: {total_units})")
    print(
        f"clone provisioning: mean {statistics.mean(clone_times):.3f} s, "
        f"p50 {statistics.median(clone_times):.3f} s, max {max(clone_times):.3f} s "
        "per unit"
    )
    print(
        f"migration path: mean {statistics.mean(migrate_times):.2f} s per schema "
        f"({len(migrate_times)} samples)"
    )
    print(
        f"clone is {statistics.mean(migrate_times) / statistics.mean(clone_times):.1f}"
        "x faster"
    )
    print(
        f"no-op migrate_schemas over {total_units} units: "
        f"{noop_in_process:.2f} s in process, {noop_command:.2f} s as a command"
    )
    sys.stdout.flush()

    call_command("collectstatic", interactive=False, verbosity=0)
    # One gunicorn worker serving every bench unit's home page.
    server = start_web_server(
        {"DJANGO_DEBUG": "0"}, port=args.port, args=["--log-level", "error"]
    )
    try:
        worker = int(
            subprocess.run(
                ["pgrep", "-P", str(server.process.pid)],
                capture_output=True,
                text=True,
            ).stdout.split()[0]
        )
        before = rss_kib(worker)
        statuses = []
        for code in codes:
            request = urllib.request.Request(
                f"http://127.0.0.1:{args.port}/",
                headers={"Host": f"bench-{code}.localhost"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        after = rss_kib(worker)
    finally:
        server.stop()

    print(
        f"gunicorn worker RSS: {before / 1024:.0f} MiB after start, "
        f"{after / 1024:.0f} MiB after serving {len(codes)} units "
        f"(all 200: {set(statuses) == {200}})"
    )

    if not args.keep:
        for unit in Unit.objects.filter(structure=2025, code__in=codes):
            unit.delete(force_drop=True)


if __name__ == "__main__":
    main()
