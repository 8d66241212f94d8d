"""Benchmark of the cross-unit search index (PostgreSQL backend).

Builds a synthetic corpus of 200,000 Vietnamese documents over 124 units
(1 province, 10 districts, 113 communes) from the texts in
``$TTCS_SHARED_DIR/corpus`` (sentences shuffled), measures the index time
and the p50/p95 latency of 50 queries (with and without diacritics, with
facets, at unit / district / province scope), and, in the same run, the
latency of Wagtail's built-in database search for the same queries inside
one unit that holds the same documents as pages.

    export DATABASE_URL=postgres://.../ttcs_bench
    DJANGO_SETTINGS_MODULE=config.settings.test LOG_LEVEL=WARNING \\
        .venv/bin/python bench/search_corpus.py [--docs 200000] [--skip-index]

Uses its own units (structure 2020, codes starting 8x); run on a database of
your own, never on production.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import schema_exists, tenant_context  # noqa: E402

from search import services  # noqa: E402
from search.folding import fold  # noqa: E402
from search.models import SearchDocument  # noqa: E402
from tenants.models import Unit  # noqa: E402
from tenants.services import create_unit, ensure_platform  # noqa: E402

KINDS = ["article"] * 5 + ["announcement"] * 2 + ["legal", "page", "question"]
CATEGORIES = [
    "Tin tức",
    "Thông báo",
    "Văn bản",
    "Kinh tế",
    "Văn hóa - Xã hội",
    "Y tế",
    "Giáo dục",
    "Nông nghiệp",
]
QUERIES = [
    "thông tin cơ sở",
    "truyền thanh",
    "loa truyền thanh cơ sở",
    "bảng tin điện tử công cộng",
    "chuyển đổi số",
    "kế hoạch",
    "ủy ban nhân dân",
    "đào tạo bồi dưỡng",
    "ứng dụng công nghệ thông tin",
    "kinh phí thực hiện",
    "đồng bào dân tộc thiểu số",
    "xã đảo",
    "phát thanh truyền hình",
    "tuyên truyền pháp luật",
    "biên giới",
    "cổng thông tin điện tử",
    "nội dung thông tin",
    "hệ thống thông tin nguồn",
    "nông thôn mới",
    "đội ngũ cán bộ",
    "Sóc Trăng",
    "Vĩnh Long",
    "Thừa Thiên Huế",
    "Trà Vinh",
    "Hớn Quản",
]


def sentences():
    corpus = Path(settings.SHARED_DIR) / "corpus"
    out = []
    for path in sorted(corpus.glob("*")):
        if path.name == "README.md":
            continue
        text = path.read_text(errors="replace")
        text = re.sub(r"[#*|>_`]+", " ", text)
        for part in re.split(r"(?<=[.;:!?])\s+|\n{2,}", text):
            part = " ".join(part.split())
            if 20 <= len(part) <= 600:
                out.append(part)
    return out


def ensure_units(n_districts=10, n_communes=113):
    """124 units: province 80, districts 80xx, communes 80xxyy (no schemas
    except the first commune, which gets a real site for the Wagtail run)."""
    ensure_platform()
    province = Unit.objects.filter(structure=2020, code="80").first() or create_unit(
        code="80",
        name="Tỉnh Đo Kiểm",
        kind="province",
        structure=2020,
        provision=False,
    )
    units = [province]
    districts = []
    for d in range(n_districts):
        code = f"80{d:02d}"
        unit = Unit.objects.filter(structure=2020, code=code).first() or create_unit(
            code=code,
            name=f"Huyện Đo Kiểm {d + 1}",
            kind="district",
            structure=2020,
            parent=province,
            provision=False,
        )
        districts.append(unit)
        units.append(unit)
    for c in range(n_communes):
        district = districts[c % n_districts]
        code = f"{district.code}{c:03d}"
        unit = Unit.objects.filter(structure=2020, code=code).first() or create_unit(
            code=code,
            name=f"Xã Đo Kiểm {c + 1}",
            kind="commune",
            structure=2020,
            parent=district,
            provision=(c == 0),
        )
        units.append(unit)
    return units


def synthetic_docs(units, count, pool, rng):
    for i in range(count):
        unit = units[i % len(units)]
        title_words = rng.choice(pool).split()[: rng.randint(6, 14)]
        body = " ".join(rng.choice(pool) for _ in range(rng.randint(3, 8)))
        kind = rng.choice(KINDS)
        year = rng.randint(2019, 2025)
        extra = {}
        if kind == "legal":
            extra = {
                "number": f"{rng.randint(1, 999)}/{year}/QĐ-UBND",
                "doc_type": "Quyết định",
                "issuer": f"UBND {unit.name}",
            }
        yield services.build_document(
            unit=unit,
            kind=kind,
            object_id=i,
            title=" ".join(title_words),
            body=body,
            url=f"/tin-tuc/bai-{i}/",
            category=rng.choice(CATEGORIES),
            published_at=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            "T08:00:00+07:00",
            extra=extra,
        )


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(fn, repeat=1):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        elapsed = (time.perf_counter() - start) * 1000
        best = elapsed if best is None else min(best, elapsed)
    return best


def query_plan(units):
    """50 queries: 25 phrases with diacritics + the same 25 folded, each
    with facets; scopes and filters rotate over them."""
    province, districts = units[0], units[1:11]
    communes = units[11:]
    plan = []
    for i, phrase in enumerate(QUERIES):
        for text in (phrase, fold(phrase)):
            rotation = len(plan) % 5
            kw = {"with_facets": True}
            if rotation == 0:
                kw.update(scope_unit=None)  # whole province (platform)
            elif rotation == 1:
                kw.update(scope_unit=province, scope="province", kinds=["article"])
            elif rotation == 2:
                kw.update(scope_unit=communes[i % len(communes)], scope="district")
            elif rotation == 3:
                kw.update(scope_unit=communes[i % len(communes)], scope="unit")
            else:
                kw.update(scope_unit=districts[i % 10], scope="district", years=[2024])
            plan.append((text, kw))
    return plan


def wagtail_pages(unit, docs):
    from wagtail.models import Page

    from cms.models import ArticlePage

    with tenant_context(unit):
        section = Page.objects.get(slug="tin-tuc")
        if ArticlePage.objects.descendant_of(section).count() >= len(docs):
            return
        ArticlePage.objects.descendant_of(section).delete()
        section = Page.objects.get(pk=section.pk)
        for i, doc in enumerate(docs):
            section.add_child(
                instance=ArticlePage(
                    title=doc.title[:250] or f"Bài {i}",
                    slug=f"bai-{i}",
                    summary=doc.body,
                )
            )
            if i % 200 == 0:
                section = Page.objects.get(pk=section.pk)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--wagtail-pages", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-index", action="store_true")
    parser.add_argument("--broad-threshold", type=int, default=None)
    parser.add_argument("--broad-candidates", type=int, default=None)
    args = parser.parse_args()
    if args.broad_threshold is not None:
        settings.SEARCH_BROAD_THRESHOLD = args.broad_threshold
    if args.broad_candidates is not None:
        settings.SEARCH_BROAD_CANDIDATES = args.broad_candidates
    print(
        "broad query threshold / candidates: "
        f"{settings.SEARCH_BROAD_THRESHOLD or 'computed'} / "
        f"{settings.SEARCH_BROAD_CANDIDATES}"
    )
    rng = random.Random(args.seed)

    # Only the shared tables and the schemas that exist (the bench's units
    # have no schema except the one holding Wagtail pages).
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    for schema in (settings.TENANT_BASE_SCHEMA, "unit_2020_8000000"):
        if schema_exists(schema):
            call_command(
                "migrate_schemas", schema_name=schema, interactive=False, verbosity=0
            )
    pool = sentences()
    rng.shuffle(pool)
    units = ensure_units()
    schemas = [u.schema_name for u in units]
    print(f"units: {len(units)}; sentence pool: {len(pool)}")

    if not args.skip_index:
        SearchDocument.objects.filter(schema__in=schemas).delete()
        batch, indexed = [], 0
        start = time.perf_counter()
        for doc in synthetic_docs(units, args.docs, pool, rng):
            batch.append(doc)
            if len(batch) == 2000:
                services.index_documents(batch)
                indexed += len(batch)
                batch = []
        services.index_documents(batch)
        indexed += len(batch)
        elapsed = time.perf_counter() - start
        print(
            f"indexed {indexed} documents in {elapsed:.1f} s "
            f"({indexed / elapsed:.0f} docs/s)"
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('search_searchdocument'))"
        )
        print(f"index table size: {cursor.fetchone()[0]}")

    plan = query_plan(units)
    # Cold figures: the Redis result cache is off until the last pass.
    cache_seconds = settings.SEARCH_CACHE_SECONDS
    settings.SEARCH_CACHE_SECONDS = 0
    for text, kw in plan[:5]:  # warm PostgreSQL's buffers
        services.search(text, **kw)
    latencies, accent, plain, totals, slowest = [], [], [], [], []
    approximate = 0
    for n, (text, kw) in enumerate(plan):
        holder = {}

        def run(text=text, kw=kw, holder=holder):
            holder["r"] = services.search(text, **kw)

        ms = timed(run)
        latencies.append(ms)
        (accent if n % 2 == 0 else plain).append(ms)
        r = holder["r"]
        totals.append(r.estimated_total if r.approximate else r.total)
        approximate += bool(r.approximate)
        slowest.append((ms, text, r.total))
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    print(
        f"cross-unit search, 50 queries with facets: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(latencies):.1f} ms "
        f"(with diacritics p50 {statistics.median(accent):.1f} ms, "
        f"without p50 {statistics.median(plain):.1f} ms; "
        f"median matches {statistics.median(totals):.0f}, "
        f"{approximate} of 50 ranked among capped candidates)"
    )
    print(
        f"  with diacritics p95 {percentile(accent, 95):.1f} ms, "
        f"without p95 {percentile(plain, 95):.1f} ms; slowest: "
        + "; ".join(
            f"{t!r} {ms:.0f} ms ({n} matches)"
            for ms, t, n in sorted(slowest, reverse=True)[:3]
        )
    )

    # Autocomplete as a citizen types (prefixes of the same phrases).
    typed = []
    for n, phrase in enumerate(QUERIES):
        folded = fold(phrase)
        for cut in (2, len(folded) // 2, len(folded)):
            scope = (
                {"scope_unit": None}
                if n % 2
                else {"scope_unit": units[11 + n], "scope": "district"}
            )
            typed.append(
                timed(lambda p=folded[:cut], s=scope: services.autocomplete(p, **s))
            )
    print(
        f"autocomplete, {len(typed)} prefixes (province / district): "
        f"p50 {percentile(typed, 50):.1f} ms, p95 {percentile(typed, 95):.1f} ms, "
        f"max {max(typed):.1f} ms"
    )

    # Wagtail's own database search inside one unit, same queries.
    unit = units[11]
    unit_docs = [
        d
        for d in synthetic_docs(units, args.docs, pool, random.Random(args.seed))
        if d.schema == unit.schema_name
    ]
    if args.wagtail_pages:
        unit_docs = unit_docs[: args.wagtail_pages]
    start = time.perf_counter()
    wagtail_pages(unit, unit_docs)
    ready = time.perf_counter() - start
    print(f"wagtail: {len(unit_docs)} pages in {unit} ready in {ready:.1f} s")
    from cms.models import ArticlePage

    ours, theirs = [], []
    with tenant_context(unit):
        for text, _ in plan:
            theirs.append(
                timed(
                    lambda text=text: list(ArticlePage.objects.live().search(text)[:10])
                )
            )
    for text, _ in plan:
        ours.append(
            timed(
                lambda text=text: services.search(
                    text, scope_unit=unit, scope="unit", with_facets=True
                )
            )
        )
    # The same 50 queries again within the cache TTL (Redis).
    settings.SEARCH_CACHE_SECONDS = cache_seconds or 60
    for text, kw in plan:
        services.search(text, **kw)
    cached = [
        timed(lambda text=text, kw=kw: services.search(text, **kw)) for text, kw in plan
    ]
    settings.SEARCH_CACHE_SECONDS = 0
    print(
        f"same 50 queries repeated within SEARCH_CACHE_SECONDS (Redis): "
        f"p50 {percentile(cached, 50):.1f} ms, p95 {percentile(cached, 95):.1f} ms"
    )
    print(
        f"one unit ({len(unit_docs)} docs), same 50 queries: "
        f"Wagtail database search p50 {percentile(theirs, 50):.1f} ms, "
        f"p95 {percentile(theirs, 95):.1f} ms; "
        f"cross-unit index (unit scope, facets) p50 {percentile(ours, 50):.1f} ms, "
        f"p95 {percentile(ours, 95):.1f} ms"
    )


if __name__ == "__main__":
    main()
