"""Benchmark: a district's schedule aimed at a board group of its communes.

Registers ``--boards`` boards spread over the district's communes, puts them
in one district group, and aims a district schedule (a text and an image
slide) at the group, then times:

- push: ``content_changed(district)`` after an edit of the district's
  playlist (finding the group's boards, dropping their cached manifests,
  publishing on each commune's channel), median of ``--rounds``;
- cold manifest of a group board (its unit's own content plus the
  district's slides, the district's picture linked into the commune's
  files) against a board of the same commune outside any group;
- warm manifest (Redis hit) of a group board.

    export DATABASE_URL=... REDIS_URL=... DJANGO_SETTINGS_MODULE=config.settings.test
    .venv/bin/python bench/signage_groups.py [--boards 200] [--rounds 20]

The database must hold a provisioned district with communes (the test
suite's tree or ``make demo``); everything the bench adds is deleted.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def _ms(values):
    values = sorted(values)
    return (
        f"median {statistics.median(values) * 1000:.1f} ms, "
        f"p95 {values[int(0.95 * (len(values) - 1))] * 1000:.1f} ms"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()

    import django

    django.setup()
    from datetime import time as clock

    from django.core.files.base import ContentFile
    from django.db import connection
    from django_tenants.utils import tenant_context
    from PIL import Image

    from signage import services
    from signage.models import Board, BoardGroup, Playlist, Schedule, Slide
    from tenants.models import Unit

    district = None
    for unit in Unit.objects.filter(provisioned_at__isnull=False, kind="district"):
        communes = [
            c for c in unit.descendants() if c.provisioned_at and c.kind == "commune"
        ]
        if len(communes) >= 2:
            district = unit
            break
    if district is None:
        sys.exit("Không có huyện nào có từ hai xã đã khởi tạo trong cơ sở dữ liệu.")
    print(
        f"{district} · {len(communes)} xã · {options.boards} bảng trong nhóm",
        flush=True,
    )
    boards = [
        Board(
            unit=communes[i % len(communes)],
            name=f"Bảng đo nhóm {i}",
            kind="led" if i % 2 else "lcd",
            width=192 if i % 2 else 1920,
            height=96 if i % 2 else 1080,
        )
        for i in range(options.boards)
    ]
    Board.objects.bulk_create(boards)
    boards = list(
        Board.objects.filter(name__startswith="Bảng đo nhóm ").select_related("unit")
    )
    lone = Board.objects.create(unit=communes[0], name="Bảng đo ngoài nhóm", kind="lcd")
    group = BoardGroup.objects.create(unit=district, name="Nhóm đo")
    group.boards.set(boards)
    playlist = Playlist.objects.create(unit=district, name="Lịch huyện đo")
    Slide.objects.create(
        playlist=playlist, title="Mực nước sông Hậu", body="Lên 2,1 m lúc 6 giờ."
    )
    picture = io.BytesIO()
    Image.new("RGB", (640, 360), (0, 120, 200)).save(picture, "PNG")
    image = Slide(playlist=playlist, kind="image", title="Bản đồ vùng ngập")
    with tenant_context(district):
        image.image.save("ban-do-do.png", ContentFile(picture.getvalue()), save=True)
    schedule = Schedule.objects.create(
        unit=district,
        name="Cả ngày đo",
        playlist=playlist,
        start_time=clock(0),
        end_time=clock(23, 59),
        priority=9,
    )
    schedule.groups.set([group])
    try:
        pushes = []
        for _ in range(options.rounds):
            start = time.perf_counter()
            services.content_changed(district)  # outside a transaction: runs now
            pushes.append(time.perf_counter() - start)
        print(f"push to {len(boards)} group boards: {_ms(pushes)}", flush=True)

        def cold(board):
            services.forget_board(board.uid)
            start = time.perf_counter()
            services.manifest_for(board)
            return time.perf_counter() - start

        sample = [b for b in boards if b.kind == "lcd"][: options.rounds]
        sample_led = [b for b in boards if b.kind == "led"][: options.rounds]
        # Renders are cached per content: the first board of a size pays them.
        services.manifest_for(sample[0])
        services.manifest_for(sample_led[0])
        services.manifest_for(lone)
        print(f"cold manifest, LCD group board: {_ms([cold(b) for b in sample])}")
        print(f"cold manifest, LED group board: {_ms([cold(b) for b in sample_led])}")
        print(
            "cold manifest, LCD board outside any group: "
            f"{_ms([cold(lone) for _ in range(options.rounds)])}"
        )
        warm = []
        for board in sample:
            start = time.perf_counter()
            services.manifest_for(board)
            warm.append(time.perf_counter() - start)
        print(f"warm manifest (Redis), group board: {_ms(warm)}", flush=True)
    finally:
        connection.set_schema_to_public()
        for board in [*boards, lone]:
            services.forget_board(board.uid)
        Schedule.objects.filter(pk=schedule.pk).delete()
        BoardGroup.objects.filter(pk=group.pk).delete()
        Board.objects.filter(pk__in=[b.pk for b in boards] + [lone.pk]).delete()
        Playlist.objects.filter(pk=playlist.pk).delete()


if __name__ == "__main__":
    main()
