"""Bench: our uncached commune pages against a plain single-tenant Wagtail
site (same Wagtail, same server), side by side in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs_bench_portal \\
    REDIS_URL=redis://127.0.0.1:6379/3 CACHE_KEY_PREFIX=bench-portal \\
    DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python bench/plain_wagtail.py --requests 300 --rounds 3

What it does, each run:

1. Our side: the database named in DATABASE_URL (it must be the bench's own,
   ``ttcs_bench_*``) is created and migrated if missing; a province, a
   district and a commune are provisioned (once) and the commune gets
   ``ARTICLES`` published articles in Tin tức.
2. The plain side: ``wagtail start plainsite`` in a temporary folder, with
   this venv's Wagtail; its ``home`` app gets an ``ArticlePage`` (title,
   date, summary, rich-text body) and a home page listing the latest
   articles; it runs on PostgreSQL (database ``<ours>_plain``, recreated),
   DEBUG off, and gets the same articles with the same text.
3. SQL queries per page: each site is loaded in a fresh process with the
   environment its server gets, one request warms it (a worker's steady
   state), and the next is counted with ``CaptureQueriesContext`` (every
   statement, ``SET search_path`` included). ``--explain`` prints them with
   the line of our code that caused each.
4. Requests/s: gunicorn serves each side with ``--workers`` workers (ours
   twice: page cache off and on), the same command line for both. The three
   servers stay up; each round measures, page by page, the three servers
   back to back (plain first in odd rounds, last in even ones) from
   ``--concurrency`` connections on loopback: by wrk (``--client wrk``, the
   default where Debian's wrk is installed; ``--seconds`` each) or Python
   threads (``--client python``, ``--requests`` each). Python's client cost
   the shared two cores about as much per request as a cached page did, so
   it measured itself more than the cached page. Every round's pair is
   printed with its ratios, then the medians of the per-round ratios: the
   machine may be shared, and its load changes between rounds more than
   within one. Beside req/s, the CPU the servers' workers spent per request
   (from /proc; PostgreSQL and Redis not counted), which load disturbs less,
   and the floor: a WSGI app answering constant bytes under the same
   gunicorn, what the client and gunicorn alone reach (no cached page can
   go faster).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if os.environ["DJANGO_SETTINGS_MODULE"].startswith("config."):
    # Not in the plain site's query-counting child: its own ``search`` app
    # would be shadowed by ours.
    sys.path.insert(0, str(ROOT))

ARTICLES = 6
TITLES = [
    "Ra quân làm đường giao thông nông thôn",
    "Tiêm phòng cúm gia cầm đợt hai",
    "Hội nghị tiếp xúc cử tri trước kỳ họp",
    "Khai giảng lớp dạy nghề cho lao động nông thôn",
    "Thông báo lịch cắt điện tuần này",
    "Trao nhà đại đoàn kết cho hộ nghèo",
]
SUMMARY = "Hơn 300 người dân cùng tham gia, góp công và góp đất làm đường."
PARAGRAPH = (
    "<p>Sáng nay, Ủy ban nhân dân xã phối hợp với Mặt trận Tổ quốc và các "
    "đoàn thể ra quân làm đường giao thông nông thôn trên tuyến ấp Bình Hòa. "
    "Người dân hiến đất, góp ngày công; tuyến đường dài 1,2 km dự kiến hoàn "
    "thành trước Tết.</p>"
)
BODY_HTML = PARAGRAPH * 12
PLAIN_HOST = "localhost"
FLOOR_APP = """
BODY = b"x" * 9000


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [BODY]
"""
OURS_ENV = {
    # What a production web process has: the host lookup kept in memory.
    "UNIT_LOOKUP_SECONDS": "30",
    "DJANGO_DEBUG": "0",
}


# --- our side -----------------------------------------------------------------


def ensure_database(url, recreate=False):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if recreate:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def provision_ours():
    """Province > district > commune 98001, with ARTICLES articles; returns
    (hostname, home path, article path)."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context
    from wagtail.rich_text import RichText

    from cms.models import ArticlePage
    from cms.services import section
    from tenants.models import Unit
    from tenants.services import create_unit, ensure_platform

    # Every schema (public, template, units): later releases add migrations.
    call_command("migrate_schemas", interactive=False, verbosity=0)
    ensure_platform()
    parent = None
    for code, name, kind in (
        ("98", "Tỉnh Đo Tải", "province"),
        ("981", "Huyện Đo Tải", "district"),
        ("98001", "Xã Đo Tải", "commune"),
    ):
        unit = Unit.objects.filter(structure=2025, code=code).first()
        if unit is None:
            unit = create_unit(
                code=code, name=name, kind=kind, structure=2025, parent=parent
            )
        parent = unit
    with tenant_context(unit):
        parent_page = section("tin-tuc")
        articles = list(ArticlePage.objects.live().order_by("pk"))
        for title in TITLES[len(articles) : ARTICLES]:
            article = parent_page.add_child(
                instance=ArticlePage(
                    title=title,
                    summary=SUMMARY,
                    body=[("paragraph", RichText(BODY_HTML))],
                    live=False,
                )
            )
            article.save_revision().publish()
            articles.append(article)
        article = ArticlePage.objects.live().order_by("pk").first()
        article_url = article.url
    connection.set_schema_to_public()
    return unit.primary_hostname, "/", article_url


# --- the plain side -----------------------------------------------------------

PLAIN_MODELS = """
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest"] = (
            ArticlePage.objects.live().public().descendant_of(self)
            .order_by("-first_published_at")[:6]
        )
        return context


class ArticlePage(Page):
    date = models.DateField("ngày đăng", null=True, blank=True)
    summary = models.TextField(blank=True)
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"), FieldPanel("summary"), FieldPanel("body"),
    ]
"""

PLAIN_HOME_TEMPLATE = """{% extends "base.html" %}
{% load wagtailcore_tags %}
{% block content %}
<h1>{{ page.title }}</h1>
<ul>
{% for item in latest %}
  <li><a href="{% pageurl item %}">{{ item.title }}</a>
      <time>{{ item.first_published_at|date:"d/m/Y" }}</time>
      <p>{{ item.summary }}</p></li>
{% endfor %}
</ul>
{% endblock %}
"""

PLAIN_ARTICLE_TEMPLATE = """{% extends "base.html" %}
{% load wagtailcore_tags %}
{% block content %}
<article>
  <h1>{{ page.title }}</h1>
  <time>{{ page.first_published_at|date:"d/m/Y" }}</time>
  <p>{{ page.summary }}</p>
  {{ page.body|richtext }}
</article>
{% endblock %}
"""

PLAIN_SETTINGS = """
from .base import *  # noqa

DEBUG = False
SECRET_KEY = "bench-only-plain-wagtail-site-not-a-secret-0123456789"
ALLOWED_HOSTS = ["*"]
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.postgresql",
    "NAME": {name!r}, "HOST": {host!r}, "PORT": {port!r}, "USER": {user!r},
    "PASSWORD": {password!r}, "CONN_MAX_AGE": 60,
}}}}
STORAGES = {{
    "default": {{"BACKEND": "django.core.files.storage.FileSystemStorage"}},
    "staticfiles": {{
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }},
}}
"""

PLAIN_CONTENT = """
from wagtail.models import Page, Site
from home.models import ArticlePage, HomePage

home = HomePage.objects.get()
home.title = "Trang chủ"
home.save_revision().publish()
for title in {titles!r}:
    article = home.add_child(instance=ArticlePage(
        title=title, summary={summary!r}, body={body!r}, live=False))
    article.save_revision().publish()
site = Site.objects.get()
site.hostname = {host!r}
site.save()
print(ArticlePage.objects.live().order_by("pk").first().url)
"""


def build_plain(folder, database_url):
    """``wagtail start`` in ``folder``, with our models, templates and
    content; returns (env for its processes, article path)."""
    from urllib.parse import urlparse

    wagtail = Path(sys.executable).parent / "wagtail"
    subprocess.run(
        [str(wagtail), "start", "plainsite", str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (folder / "home" / "models.py").write_text(PLAIN_MODELS)
    templates = folder / "home" / "templates" / "home"
    (templates / "home_page.html").write_text(PLAIN_HOME_TEMPLATE)
    (templates / "article_page.html").write_text(PLAIN_ARTICLE_TEMPLATE)
    url = urlparse(database_url + "_plain")
    (folder / "plainsite" / "settings" / "bench.py").write_text(
        PLAIN_SETTINGS.format(
            name=url.path.lstrip("/"),
            host=url.hostname or "127.0.0.1",
            port=str(url.port or 5432),
            user=url.username or "postgres",
            password=url.password or "",
        )
    )
    ensure_database(database_url + "_plain", recreate=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "plainsite.settings.bench",
        "PYTHONPATH": str(folder),
    }
    manage = [sys.executable, "manage.py"]
    run_env = {**os.environ, **env}
    for command in (["makemigrations", "home"], ["migrate"]):
        subprocess.run(
            manage + command + ["-v", "0"],
            cwd=folder,
            env=run_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    script = PLAIN_CONTENT.format(
        titles=TITLES[:ARTICLES], summary=SUMMARY, body=BODY_HTML, host=PLAIN_HOST
    )
    done = subprocess.run(
        manage + ["shell", "-c", script],
        cwd=folder,
        env=run_env,
        check=True,
        capture_output=True,
        text=True,
    )
    article_url = done.stdout.strip().splitlines()[-1]
    return env, urlparse(article_url).path or article_url


# --- SQL queries per page (runs in a child process) ---------------------------


def count_queries(host, paths, explain):
    """Warm with one GET, count the next; print JSON {path: count}."""
    import traceback

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    counts = {}
    for path in paths:
        assert client.get(path).status_code == 200, path
        callers = []

        def where(execute, sql, params, many, context, callers=callers):
            frames = [
                f"{Path(f.filename).relative_to(ROOT)}:{f.lineno} {f.name}"
                for f in traceback.extract_stack()
                if f.filename.startswith(str(ROOT))
                and "/.venv/" not in f.filename
                and "/bench/" not in f.filename
            ]
            outside = [
                f"{f.filename.split('site-packages/')[-1]}:{f.lineno} {f.name}"
                for f in traceback.extract_stack()
                if "site-packages" in f.filename
                and "django/db" not in f.filename
                and "django/test" not in f.filename
            ]
            callers.append((frames[-2:] or outside[-3:], sql[:160]))
            return execute(sql, params, many, context)

        with CaptureQueriesContext(connection) as queries:
            with connection.execute_wrapper(where):
                response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = {
            "queries": len(queries.captured_queries),
            "cache": response.get("X-Page-Cache", ""),
        }
        if explain:
            print(f"--- {host}{path}: {len(queries.captured_queries)}", file=sys.stderr)
            for frames, sql in callers:
                print(f"  {sql}\n      <- {' | '.join(frames)}", file=sys.stderr)
    print(json.dumps(counts))


def queries_in_child(env, cwd, host, paths, explain):
    command = [sys.executable, str(Path(__file__).resolve()), "--count", host, *paths]
    if explain:
        command.append("--explain")
    done = subprocess.run(
        command,
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    if explain:
        print(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- requests/s ---------------------------------------------------------------


def start_gunicorn(module, env, cwd, workers):
    from tests.utils import free_port, reachable

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", module, "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--log-level", "warning"],
        env={**os.environ, **env},
        cwd=cwd,
    )
    deadline = time.monotonic() + 90
    while not reachable(f"http://127.0.0.1:{port}"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"gunicorn {module} did not start")
        time.sleep(0.3)
    return process, port


def fetch(port, host, path):
    # http.client, not urllib: the client shares the cores with the servers,
    # and urllib's handler chain cost more than a cached page.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def worker_cpu_seconds(master_pid):
    """User + system CPU of a gunicorn master's workers so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def rate(port, host, path, total, concurrency, master_pid):
    """(requests/s, the workers' CPU ms per request)."""
    for _ in range(concurrency * 2):  # every worker warm
        fetch(port, host, path)
    errors, lock = [], threading.Lock()
    counter = iter(range(total))

    def worker():
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            try:
                if fetch(port, host, path) != 200:
                    errors.append(path)
            except Exception as error:  # noqa: BLE001 - counted
                errors.append(repr(error))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    cpu_before = worker_cpu_seconds(master_pid)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} failed requests to {host}{path}: {errors[0]}")
    cpu_ms = (worker_cpu_seconds(master_pid) - cpu_before) / total * 1000
    return total / took, cpu_ms


def rate_wrk(port, host, path, seconds, concurrency, master_pid):
    """(requests/s, the workers' CPU ms per request) measured by wrk (C, one
    thread): the client costs the shared cores far less than Python threads,
    whose own cost per request was as large as a cached page's."""
    for _ in range(concurrency * 2):  # every worker warm
        fetch(port, host, path)
    cpu_before = worker_cpu_seconds(master_pid)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "-H",
            f"Host: {host}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"failed requests to {host}{path}:\n{out}")
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    cpu_ms = (worker_cpu_seconds(master_pid) - cpu_before) / max(total, 1) * 1000
    return per_second, cpu_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--client",
        choices=("python", "wrk"),
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator: wrk (Debian's, scripts/system_packages.sh) or "
        "Python threads (http.client)",
    )
    parser.add_argument(
        "--seconds", type=int, default=5, help="length of each wrk measure"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--queries-only", action="store_true")
    parser.add_argument(
        "--count", nargs="+", metavar="HOST PATH", help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.count:
        return count_queries(args.count[0], args.count[1:], args.explain)

    url = os.environ.get("DATABASE_URL", "")
    if not url.rsplit("/", 1)[-1].startswith("ttcs_bench"):
        raise SystemExit(
            "Use a database of its own: DATABASE_URL=.../ttcs_bench_portal"
        )
    ensure_database(url)
    import django

    django.setup()
    host, home, article = provision_ours()
    from django.db import connections

    connections.close_all()

    folder = Path(tempfile.mkdtemp(prefix="ttcs-plain-wagtail-"))
    try:
        plain_env, plain_article = build_plain(folder, url)
        sites = {
            "plain": (plain_env, folder, PLAIN_HOST, "/", plain_article),
            "ours uncached": (
                {**OURS_ENV, "CMS_PAGE_CACHE": "0"},
                ROOT,
                host,
                home,
                article,
            ),
            "ours cached": (
                {**OURS_ENV, "CMS_PAGE_CACHE": "1"},
                ROOT,
                host,
                home,
                article,
            ),
        }
        queries = {
            name: queries_in_child(env, cwd, h, [hp, ap], args.explain)
            for name, (env, cwd, h, hp, ap) in sites.items()
        }
        print("\nSQL queries per page (second request of a warm process):")
        for name, (_env, _cwd, _h, hp, ap) in sites.items():
            q = queries[name]
            print(
                f"  {name:14} home {q[hp]['queries']:3}   article {q[ap]['queries']:3}"
            )
        if args.queries_only:
            return
        servers = {}
        try:
            for name, (env, cwd, *_rest) in sites.items():
                module = "plainsite.wsgi" if name == "plain" else "config.wsgi"
                servers[name] = start_gunicorn(module, env, cwd, args.workers)
            # What this client and gunicorn alone reach on this machine: the
            # ceiling of any cached page (its bytes from a constant).
            (folder / "floor.py").write_text(FLOOR_APP)
            servers["floor"] = start_gunicorn(
                "floor:application", {"PYTHONPATH": str(folder)}, folder, args.workers
            )

            def measure(port, host, path, concurrency, pid):
                if args.client == "wrk":
                    return rate_wrk(port, host, path, args.seconds, concurrency, pid)
                return rate(port, host, path, args.requests, concurrency, pid)

            floor = {"home": [], "article": []}
            results = {
                (name, page): [] for name in sites for page in ("home", "article")
            }
            cpu = {key: [] for key in results}
            for round_number in range(args.rounds):
                for page in ("home", "article"):
                    # Each page's three measures back to back, plain first in
                    # odd rounds and last in even ones: the machine's load
                    # changes between rounds, rarely within one.
                    names = list(sites)
                    if round_number % 2:
                        names.reverse()
                    process, port = servers["floor"]
                    floor[page].append(
                        measure(port, "localhost", "/", args.concurrency, process.pid)[
                            0
                        ]
                    )
                    for name in names:
                        _env, _cwd, h, hp, ap = sites[name]
                        process, port = servers[name]
                        per_second, cpu_ms = measure(
                            port,
                            h,
                            hp if page == "home" else ap,
                            args.concurrency,
                            process.pid,
                        )
                        results[(name, page)].append(per_second)
                        cpu[(name, page)].append(cpu_ms)
                print(f"round {round_number + 1}/{args.rounds} done", flush=True)
        finally:
            for process, _port in servers.values():
                process.terminate()
                process.wait(timeout=30)
        report(args, results, cpu, floor)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(args, results, cpu, floor):
    per_measure = (
        f"wrk for {args.seconds} s per measure, {args.concurrency} connections"
        if args.client == "wrk"
        else f"{args.requests} requests per measure, {args.concurrency} client threads"
    )
    print(
        f"\n{per_measure}, gunicorn {args.workers} workers "
        f"each, {args.rounds} rounds; req/s, and the workers' CPU ms per "
        "request (PostgreSQL and Redis not counted)"
    )
    for page in ("home", "article"):
        print(
            f"\n{page}: round  plain req/s  ours req/s  cached req/s  "
            "plain/ours  cached/ours   CPU ms plain / ours / cached   floor req/s"
        )
        ratios, cached_ratios = [], []
        for n in range(args.rounds):
            plain = results[("plain", page)][n]
            ours = results[("ours uncached", page)][n]
            cached = results[("ours cached", page)][n]
            ratios.append(plain / ours)
            cached_ratios.append(cached / ours)
            print(
                f"{'':9}{n + 1:2}  {plain:11.1f}  {ours:10.1f}  {cached:12.1f}  "
                f"{plain / ours:9.2f}x  {cached / ours:10.1f}x   "
                f"{cpu[('plain', page)][n]:.2f} / "
                f"{cpu[('ours uncached', page)][n]:.2f} / "
                f"{cpu[('ours cached', page)][n]:.2f}   {floor[page][n]:8.1f}"
            )
        median = statistics.median
        print(
            f"{page}: median plain/ours-uncached = {median(ratios):.2f}x "
            f"(target <= 1.2), median ours cached/uncached = "
            f"{median(cached_ratios):.1f}x (target >= 10); median CPU ms "
            f"{median(cpu[('plain', page)]):.2f} / "
            f"{median(cpu[('ours uncached', page)]):.2f} / "
            f"{median(cpu[('ours cached', page)]):.2f}; floor "
            f"{median(floor[page]):.0f} req/s"
        )


if __name__ == "__main__":
    main()
