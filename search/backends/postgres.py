"""The PostgreSQL backend: full-text search on ``search.SearchDocument``.

Works on a server without contrib extensions: text is folded in Python
(search.folding) and matched with the ``simple`` configuration against the
folded vector; the vector of the text as written adds to the rank, so an
exact-accent match comes before a folded one.
"""

import json

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F

from ..folding import clean, fold, has_diacritics, words
from ..models import SearchDocument
from .base import BaseBackend, Hit, Results

FACET_FIELDS = ("schema", "kind", "category", "year")
HIT_FIELDS = (
    "doc_id",
    "schema",
    "unit_id",
    "kind",
    "object_id",
    "title",
    "url",
    "category",
    "published_at",
    "extra",
    "body",
)
# Weight of the as-written rank against the folded one.
EXACT_BOOST = 2.0


def _tsquery(text):
    return SearchQuery(text, search_type="websearch", config="simple")


class PostgresBackend(BaseBackend):
    name = "postgres"

    # --- writing ----------------------------------------------------------------

    def index(self, documents):
        rows = [self._row(doc.normalised()) for doc in documents]
        if not rows:
            return
        with transaction.atomic():
            SearchDocument.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["doc_id"],
                update_fields=[
                    "unit",
                    "schema",
                    "title",
                    "body",
                    "url",
                    "language",
                    "category",
                    "published_at",
                    "year",
                    "extra",
                    "title_folded",
                    "body_folded",
                    "indexed_at",
                ],
                batch_size=1000,
            )
        self.written()

    @staticmethod
    def _row(doc):
        from django.utils import timezone

        return SearchDocument(
            doc_id=doc.doc_id,
            unit_id=doc.unit_id,
            schema=doc.schema,
            kind=doc.kind,
            object_id=str(doc.object_id),
            title=doc.title,
            body=doc.body,
            url=doc.url,
            language=doc.language,
            category=doc.category,
            published_at=doc.published_at,
            year=doc.year,
            extra=doc.extra,
            title_folded=fold(doc.title),
            body_folded=fold(doc.body),
            indexed_at=timezone.now(),
        )

    def remove(self, doc_ids):
        SearchDocument.objects.filter(doc_id__in=list(doc_ids)).delete()
        self.written()

    def clear(self, schema=None):
        qs = SearchDocument.objects.all()
        if schema:
            qs = qs.filter(schema=schema)
        qs.delete()
        self.written()

    def generation(self):
        # Ids only grow (identity), also across rolled-back transactions.
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(id) FROM search_searchdocument")
            return cursor.fetchone()[0]

    def count(self, schema=None):
        qs = SearchDocument.objects.all()
        return qs.filter(schema=schema).count() if schema else qs.count()

    # --- reading ----------------------------------------------------------------

    def _filtered(self, query):
        qs = SearchDocument.objects.all()
        folded = query.folded
        if folded:
            qs = qs.filter(vector=_tsquery(folded))
        if query.schemas is not None:
            qs = qs.filter(schema__in=query.schemas)
        if query.units:
            qs = qs.filter(schema__in=query.units)
        if query.kinds:
            qs = qs.filter(kind__in=query.kinds)
        if query.categories:
            qs = qs.filter(category__in=query.categories)
        if query.years:
            qs = qs.filter(year__in=[int(y) for y in query.years])
        for key, value in (query.extra or {}).items():
            if value:
                qs = qs.filter(**{f"extra__folded__{key}__icontains": fold(value)})
        if query.date_from:
            qs = qs.filter(published_at__date__gte=query.date_from)
        if query.date_to:
            qs = qs.filter(published_at__date__lte=query.date_to)
        return qs

    def search(self, query):
        """One round trip: match, count, facets, rank a page.

        The matches are read once into a materialized CTE holding only
        narrow heap columns (the GIN bitmap answers ``@@`` without reading
        the large, TOASTed vectors), so the total and the facets are always
        exact. Ranking has to read both vectors of every ranked row, so at
        most ``SEARCH_BROAD_CANDIDATES`` matches are ranked: those whose
        title matches first, then the newest. When there are more matches
        than that the results say ``approximate`` (the ranking covers the
        candidates; paging stays within them).
        """
        folded = query.folded
        cap = max(1, int(getattr(settings, "SEARCH_BROAD_CANDIDATES", 300)))
        relevance = bool(folded) and query.order == "relevance"
        matched = self._filtered(query).order_by()
        # A word in most documents (province-wide) would make the exact
        # count read most of the table: past SEARCH_BROAD_THRESHOLD
        # estimated matches only the newest ``cap`` are taken (walking the
        # published_at index), and total / facets are approximate.
        estimated = self.estimate(matched) if folded else 0
        # The planner treats the words of a query as independent and
        # under-estimates phrases whose words go together ("bảng tin điện tử
        # công cộng": 4,356 estimated, 22,761 real), so the bar is low.
        broad = estimated > getattr(settings, "SEARCH_BROAD_THRESHOLD", 1500)
        if broad:
            matched = matched.order_by("-published_at")[:cap]
        inner, params = matched.values(
            "id", "schema", "kind", "category", "year", "published_at"
        ).query.sql_with_params()
        params = list(params)
        if relevance:
            # Does the (small, in-row) title vector match: ranked first.
            # (appended to the select list: ORDER BY refers to positions)
            inner = inner.replace(
                ' FROM "search_searchdocument"',
                ", title_vector @@ websearch_to_tsquery('simple', %s) "
                'AS in_title FROM "search_searchdocument"',
                1,
            )
            params.insert(0, folded)
        start = (query.page - 1) * query.page_size
        sql, params = self._page_sql(inner, params, relevance, query, cap, start)
        all_bits = (1 << len(FACET_FIELDS)) - 1
        if query.with_facets:
            sets = ", ".join(f"({f})" for f in FACET_FIELDS)
            sql += (
                " UNION ALL SELECT 1, NULL, NULL, schema, kind, category, year, "
                f"GROUPING({', '.join(FACET_FIELDS)}), COUNT(*) FROM m "
                f"GROUP BY GROUPING SETS ({sets}, ())"
            )
        else:
            sql += (
                " UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, "
                f"{all_bits}, COUNT(*) FROM m"
            )
        ranked, facets, total = [], {name: {} for name in FACET_FIELDS}, 0
        bits = len(FACET_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for part, pk, rank, *values, grouping, count in cursor.fetchall():
                if part == 0:
                    ranked.append((pk, rank))
                elif grouping == (1 << bits) - 1:
                    total = count
                else:
                    for index, name in enumerate(FACET_FIELDS):
                        if not grouping & (1 << (bits - 1 - index)):
                            if values[index] not in (None, ""):
                                facets[name][values[index]] = count
        rows = {
            row["id"]: row
            for row in SearchDocument.objects.filter(
                pk__in=[pk for pk, _ in ranked]
            ).values("id", *HIT_FIELDS)
        }
        hits = [
            Hit(**{k: rows[pk][k] for k in HIT_FIELDS}, score=float(rank or 0))
            for pk, rank in ranked
            if pk in rows
        ]
        approximate = broad or (relevance and total > cap)
        results = Results(
            total=min(total, cap) if approximate else total,
            hits=hits,
            facets={
                name: sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
                for name, counts in facets.items()
            }
            if query.with_facets
            else {},
            page=query.page,
            page_size=query.page_size,
        )
        if approximate:
            results.approximate = True
            results.estimated_total = max(total, estimated)
        return results

    @staticmethod
    def estimate(qs):
        """The planner's estimate of how many rows ``qs`` matches (cheap)."""
        sql, params = qs.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    @staticmethod
    def _page_sql(inner, params, relevance, query, cap, start):
        """SQL of the matches CTE ``m`` and the page's rows (part 0)."""
        newest = "published_at DESC NULLS LAST, id"
        nulls = "NULL, NULL, NULL, NULL::smallint, NULL::int, NULL::bigint"
        if not relevance:
            sql = (
                f"WITH m AS MATERIALIZED ({inner}) "
                f"SELECT * FROM (SELECT 0 AS part, id, NULL::float4, {nulls} "
                f"FROM m ORDER BY {newest} LIMIT %s OFFSET %s) AS page"
            )
            return sql, [*params, query.page_size, start]
        rank = "ts_rank(d.vector, websearch_to_tsquery('simple', %s))"
        rank_params = [query.folded]
        if has_diacritics(query.text):
            # The words as typed: an exact-accent match ranks first.
            rank += (
                " + ts_rank(d.vector_exact, websearch_to_tsquery('simple', %s))"
                f" * {EXACT_BOOST}"
            )
            rank_params.append(clean(query.text).lower().strip())
        sql = (
            f"WITH m AS MATERIALIZED ({inner}), "
            f"c AS (SELECT id, published_at FROM m "
            f"ORDER BY in_title DESC, {newest} LIMIT %s), "
            f"r AS (SELECT c.id, ({rank})::float4 AS rank, c.published_at "
            "FROM c JOIN search_searchdocument d ON d.id = c.id) "
            f"SELECT * FROM (SELECT 0 AS part, id, rank, {nulls} FROM r "
            f"ORDER BY rank DESC, {newest} LIMIT %s OFFSET %s) AS page"
        )
        return sql, [*params, cap, *rank_params, query.page_size, start]

    def autocomplete(self, prefix, *, schemas=None, limit=8):
        terms = words(prefix)
        if not terms or (len(terms) == 1 and len(terms[0]) < 2):
            return []
        raw = " & ".join(terms[:-1] + [terms[-1] + ":*"])
        tsq = SearchQuery(raw, search_type="raw", config="simple")
        qs = SearchDocument.objects.filter(vector=tsq)
        if schemas is not None:
            qs = qs.filter(schema__in=schemas)
        # Title matches (weight A) first, body-only matches far behind.
        qs = qs.annotate(
            rank=SearchRank(F("vector"), tsq, weights=[0.0, 0.01, 0.0, 1.0])
        )
        rows = qs.order_by("-rank", F("published_at").desc(nulls_last=True)).values(
            "doc_id",
            "schema",
            "unit_id",
            "kind",
            "object_id",
            "title",
            "url",
            "category",
            "published_at",
            "extra",
        )[: limit * 3]
        seen, hits = set(), []
        for row in rows:
            key = row["title"].lower()
            if key in seen:
                continue
            seen.add(key)
            hits.append(Hit(**row))
            if len(hits) == limit:
                break
        return hits
