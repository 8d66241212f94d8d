"""Time to fan out one bulletin to every commune of a province.

    export DATABASE_URL=postgres://.../ttcs_h4 REDIS_URL=redis://127.0.0.1:6379/4 \
        DJANGO_SETTINGS_MODULE=config.settings.test
    .venv/bin/python manage.py import_units --structure 2025 --province 86
    .venv/bin/python bench/bulletins_fanout.py --province 86 [--runs 5]

Sends a bulletin to the province's subtree on web, board and speaker
(124 communes × 3 channels for province 86) and times the fan-out (the
outbox task's work: deliveries, first transitions, signals), for a normal
and an emergency bulletin (emergency also dispatches boards and speakers).
The bulletins it creates are deleted afterwards.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from bulletins import services  # noqa: E402
from bulletins.models import Bulletin, Delivery  # noqa: E402
from tenants.models import Unit  # noqa: E402


def run_once(province, priority):
    bulletin = Bulletin.objects.create(
        title=f"Đo thời gian chuyển ({priority})",
        body="Nội dung đo.",
        priority=priority,
        channels=["web", "board", "speaker"],
        target_mode="subtree",
        target_root=province,
        sender_unit=province,
        valid_from=django.utils.timezone.now(),
    )
    services.send_bulletin(bulletin, approver_name="bench")
    outbox = bulletin.outbox.get()
    start = time.perf_counter()
    services.fan_out(outbox.pk)
    elapsed = time.perf_counter() - start
    units = Delivery.objects.filter(bulletin=bulletin).values("unit").distinct().count()
    rows = Delivery.objects.filter(bulletin=bulletin).count()
    bulletin.delete()
    return elapsed, units, rows


def main():
    import django.utils.timezone  # noqa: F401

    parser = argparse.ArgumentParser()
    parser.add_argument("--province", default="86")
    parser.add_argument("--structure", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    province = Unit.objects.get(structure=args.structure, code=args.province)
    for priority in ("normal", "emergency"):
        times = []
        for _ in range(args.runs):
            elapsed, units, rows = run_once(province, priority)
            times.append(elapsed * 1000)
        print(
            f"{priority}: units={units} deliveries={rows} "
            f"median={statistics.median(times):.0f} ms max={max(times):.0f} ms "
            f"(runs={args.runs})"
        )


if __name__ == "__main__":
    main()
