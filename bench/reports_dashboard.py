"""Dashboard response time and annual_report wall time for a province of
125 communes with a year of generated data.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_ttcs_reports \
        DJANGO_SETTINGS_MODULE=config.settings.test
    .venv/bin/python bench/reports_dashboard.py [--runs 20] [--keep]

Creates province B9 (structure 2020, units without schemas: the indicators
read only public tables) with 5 districts × 25 communes, and for the report
year: 5 hamlets, ~4 clusters, boards, 2–3 legacy stations, propagandists and
training per commune; 100 syndicated articles per commune; 240 bulletins
(province, districts, departments) delivered to every commune of their
target with transitions; 20 feedback and 10 questions per commune; a play
log per cluster and day. Then times GET /admin/danh-gia-bao-cao/ (an officer
of the province, Django test client, nothing cached: the dashboard has no
cache) and annual_report to XLSX and DOCX. Deletes it all unless --keep;
--reuse times what a --keep run left. The tables are ANALYZEd after the data
is generated (as autovacuum would soon do) unless --no-analyze.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from broadcast.models import PlayLog, Program, SpeakerCluster  # noqa: E402
from bulletins.models import (  # noqa: E402
    Bulletin,
    Delivery,
    DeliveryTransition,
    OfficerProfile,
)
from engage.models import Feedback, Question  # noqa: E402
from reports import demo  # noqa: E402
from reports.registry import Period  # noqa: E402
from signage.models import Board  # noqa: E402
from syndication.models import SyndicatedItem  # noqa: E402
from tenants.models import Hamlet, Unit  # noqa: E402
from tenants.services import create_unit, ensure_platform  # noqa: E402
from tests.utils import admin_client  # noqa: E402

CODE = "B9"


def unit(code, name, kind, parent=None):
    return create_unit(
        code=code,
        name=name,
        kind=kind,
        structure=2020,
        parent=parent,
        provision=False,
    )


def generate(year, rng):
    period = Period.report_year(year)
    start = period.start_dt
    days = (period.end - period.start).days + 1

    def moment():
        return start + datetime.timedelta(seconds=rng.randrange(days * 86400))

    province = unit(CODE, "Tỉnh Đo Đạc", "province")
    communes = []
    for d in range(5):
        district = unit(f"{CODE}{d}", f"Huyện Số {d + 1}", "district", province)
        for c in range(25):
            communes.append(
                unit(f"{CODE}{d}{c:02d}", f"Xã Số {d + 1}-{c + 1}", "commune", district)
            )
    districts = list(province.children.all())
    demo.ensure_plan(province)
    departments = demo.ensure_departments(province, rng)
    for commune in communes:
        demo.fill_commune(commune, rng, year=year, hamlets=5)
    clusters = []
    for commune in communes:
        for hamlet in Hamlet.objects.filter(unit=commune)[: rng.randint(2, 5)]:
            clusters.append(
                SpeakerCluster(
                    unit=commune,
                    name=f"Cụm {hamlet.name}",
                    hamlet_ref=hamlet,
                    device_id=f"bench-{commune.code}-{hamlet.pk}",
                )
            )
    SpeakerCluster.objects.bulk_create(clusters)
    SpeakerCluster.objects.filter(unit__in=communes).update(created_at=start)
    boards = [
        Board(unit=u, name=f"Bảng {u.code}", token_hash=f"{u.pk:064d}", paired_at=start)
        for u in communes + districts
        if rng.random() < 0.75
    ]
    Board.objects.bulk_create(boards)
    SyndicatedItem.objects.bulk_create(
        SyndicatedItem(
            unit=u,
            unit_path=u.path,
            page_id=i,
            page_type="cms.ArticlePage",
            url=f"http://{u.slug}.example/{i}/",
            title=f"Bài {i}",
            published_at=moment(),
        )
        for u in communes
        for i in range(100)
    )
    senders = [province, *districts, *departments[:3]]
    for b in range(240):
        sender = senders[b % len(senders)]
        sent = moment()
        bulletin = Bulletin.objects.create(
            title=f"Tin đo {b}",
            body="Nội dung",
            channels=["web"],
            target_mode="subtree",
            target_root=province,
            valid_from=sent,
            sender_unit=sender,
            status="sent",
            sent_at=sent,
            priority=rng.choice(["normal", "normal", "priority", "emergency"]),
        )
        targets = (
            communes
            if sender.kind != "district"
            else [c for c in communes if c.parent_id == sender.pk]
        )
        rows = Delivery.objects.bulk_create(
            Delivery(
                bulletin=bulletin,
                unit=c,
                channel="web",
                state=rng.choice(["sent", "received", "used", "used"]),
            )
            for c in targets
        )
        DeliveryTransition.objects.bulk_create(
            DeliveryTransition(delivery=d, from_state="sent", to_state="received")
            for d in rows
            if d.state != "sent"
        )
    for u in communes:
        Feedback.objects.bulk_create(
            Feedback(
                unit=u,
                filed_with=u,
                code=f"P{u.pk:05d}{i:03d}",
                title="Phản ánh",
                body="Nội dung",
                status=rng.choice(["received", "closed", "answered", "in_progress"]),
                deadline=start + datetime.timedelta(days=15),
            )
            for i in range(20)
        )
        Question.objects.bulk_create(
            Question(
                unit=u,
                code=f"H{u.pk:05d}{i:03d}",
                title="Hỏi",
                body="Hỏi",
                status=rng.choice(["pending", "answered"]),
            )
            for i in range(10)
        )
    Feedback.objects.filter(unit__in=communes).update(created_at=start)
    Question.objects.filter(unit__in=communes).update(created_at=start)
    programs = {
        u.pk: [
            Program.objects.create(unit=u, title="Bản tin", kind=kind, language=lang)
            for kind, lang in (("tts", "vi"), ("audio", "vi"), ("audio", "km"))
        ]
        for u in communes
    }
    logs = []
    for cluster in SpeakerCluster.objects.filter(unit__in=communes):
        for day in range(days):
            began = start + datetime.timedelta(days=day, hours=6)
            logs.append(
                PlayLog(
                    cluster=cluster,
                    unit_id=cluster.unit_id,
                    program=rng.choice(programs[cluster.unit_id]),
                    started_at=began,
                    ended_at=began + datetime.timedelta(minutes=30),
                    seconds=1800,
                    result="done",
                )
            )
    PlayLog.objects.bulk_create(logs, batch_size=5000)
    return province


def clean():
    province = Unit.objects.filter(structure=2020, code=CODE).first()
    if province is None:
        return
    units = list(province.descendants(include_self=True))
    Bulletin.objects.filter(sender_unit__in=units).delete()
    # Their delete signals read the unit: remove them while it still exists.
    Question.objects.filter(unit__in=units).delete()
    Feedback.objects.filter(unit__in=units).delete()
    for u in sorted(units, key=lambda u: -u.path.count("/")):
        u.delete(force_drop=False)
    get_user_model().objects.filter(username="bench-reports").delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the data a previous --keep run left (generated with the same "
        "seed) instead of generating it again",
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="time the freshly inserted rows before ANALYZE (the planner then "
        "guesses the tables' sizes, as before autovacuum has run)",
    )
    args = parser.parse_args()
    year = datetime.date.today().year
    ensure_platform()
    t = time.perf_counter()
    existing = Unit.objects.filter(structure=2020, code=CODE).first()
    if args.reuse and existing is not None:
        province = existing
        get_user_model().objects.filter(username="bench-reports").delete()
    else:
        clean()
        province = generate(year, random.Random(7))
    if not args.no_analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    below = CODE + "/"
    plays = PlayLog.objects.filter(unit__path__startswith=below).count()
    deliveries = Delivery.objects.filter(unit__path__startswith=below).count()
    articles = SyndicatedItem.objects.filter(unit_path__startswith=below).count()
    print(
        f"{'reused' if province is existing else 'generated'}"
        f"{'' if args.no_analyze else ' and analysed'} in "
        f"{time.perf_counter() - t:.1f} s: {plays} play logs, "
        f"{deliveries} deliveries, {articles} articles"
    )
    user = get_user_model().objects.create_user("bench-reports", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    OfficerProfile.objects.create(user=user, unit=province, role="approver")
    client = admin_client(settings.BASE_DOMAIN, user)
    timings, cpu, sql = [], [], []
    in_sql = [0.0, 0]

    def timed(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            in_sql[0] += time.perf_counter() - started
            in_sql[1] += 1

    with override_settings(DEBUG=False), connection.execute_wrapper(timed):
        for _ in range(args.runs + 2):
            in_sql[:] = [0.0, 0]
            t, c = time.perf_counter(), time.process_time()
            response = client.get("/admin/danh-gia-bao-cao/", {"nam": year})
            timings.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            sql.append(tuple(in_sql))
            assert response.status_code == 200, response.status_code
    timings = sorted(timings[2:])
    # The machine is shared: the CPU this process spent per request (the
    # database's is not in it) moves less with the neighbours' load.
    load = os.getloadavg()[0]
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    median = statistics.median(timings) * 1000
    print(
        f"dashboard, province of 125 communes: p50 {median:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms "
        f"({args.runs} runs)\n  per request, medians: {sql[-1][1]} queries taking "
        f"{statistics.median(t for t, _ in sql[2:]) * 1000:.0f} ms, "
        f"Django process CPU {statistics.median(cpu[2:]) * 1000:.0f} ms; "
        f"load {load:.1f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("xlsx", "docx"):
            out = Path(tmp) / f"bao-cao.{fmt}"
            t = time.perf_counter()
            call_command(
                "annual_report",
                unit=CODE,
                year=year,
                output=str(out),
                structure=2020,
                stdout=open(os.devnull, "w"),
            )
            print(
                f"annual_report {fmt}: {time.perf_counter() - t:.2f} s, "
                f"{out.stat().st_size:,} bytes"
            )
    if not args.keep:
        clean()


if __name__ == "__main__":
    main()
