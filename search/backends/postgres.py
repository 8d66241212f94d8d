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
from django.db.models import F, Value

from ..folding import clean, fold, words
from ..models import SearchDocument
from .base import BaseBackend, Hit, Results

FACET_FIELDS = ("schema", "kind", "category", "year")
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

    def clear(self, schema=None):
        qs = SearchDocument.objects.all()
        if schema:
            qs = qs.filter(schema=schema)
        qs.delete()

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

    def estimate(self, qs):
        """The planner's estimate of how many rows ``qs`` matches (cheap)."""
        sql, params = qs.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def search(self, query):
        """Exact ranking and counts, except for very broad queries.

        Counting or ranking every match means reading every matching
        vector; past ``SEARCH_BROAD_THRESHOLD`` estimated matches (a word
        present in most documents, province-wide) the results are ranked
        among the ``SEARCH_BROAD_CANDIDATES`` most recent matches, and the
        total and facets are marked approximate.
        """
        qs = self._filtered(query)
        folded = query.folded
        approximate = False
        threshold = getattr(settings, "SEARCH_BROAD_THRESHOLD", 5000)
        estimated = self.estimate(qs) if folded else 0
        if estimated > threshold:
            approximate = True
            limit = getattr(settings, "SEARCH_BROAD_CANDIDATES", 1000)
            # Plain "-published_at" walks the index newest first.
            newest = qs.order_by("-published_at")
            candidates = list(newest.values_list("pk", flat=True)[:limit])
            estimated_total = max(estimated, len(candidates))
            qs = SearchDocument.objects.filter(pk__in=candidates)
        if folded and query.order == "relevance":
            exact = clean(query.text).lower().strip()
            qs = qs.annotate(
                rank=SearchRank(F("vector"), _tsquery(folded))
                + SearchRank(F("vector_exact"), _tsquery(exact)) * Value(EXACT_BOOST)
            ).order_by("-rank", F("published_at").desc(nulls_last=True), "pk")
        else:
            qs = qs.order_by(F("published_at").desc(nulls_last=True), "pk")
        fields = [
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
        ]
        start = (query.page - 1) * query.page_size
        rows = qs.values(*fields, *(["rank"] if "rank" in qs.query.annotations else []))
        rows = list(rows[start : start + query.page_size])
        hits = [
            Hit(**{k: row[k] for k in fields}, score=float(row.get("rank") or 0))
            for row in rows
        ]
        if query.with_facets:
            total, facets = self._facets(qs)
        else:
            total, facets = qs.count(), {}
        results = Results(
            total=total,
            hits=hits,
            facets=facets,
            page=query.page,
            page_size=query.page_size,
        )
        if approximate:
            # Paging stays within the ranked candidates; the total shown is
            # the planner's estimate of all matches.
            results.approximate = True
            results.estimated_total = estimated_total
        return results

    @staticmethod
    def _facets(qs):
        """Total and counts per unit, kind, category and year in one scan."""
        inner, params = (
            qs.order_by().values(*FACET_FIELDS).query.get_compiler(using="default")
        ).as_sql()
        sets = ", ".join(f"({f})" for f in FACET_FIELDS)
        sql = (
            f"SELECT {', '.join(FACET_FIELDS)}, "
            f"GROUPING({', '.join(FACET_FIELDS)}), COUNT(*) "
            f"FROM ({inner}) AS matched GROUP BY GROUPING SETS ({sets}, ())"
        )
        facets = {name: {} for name in FACET_FIELDS}
        total = 0
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for *values, grouping, count in cursor.fetchall():
                # GROUPING() has one bit per field, 1 = rolled up.
                bits = len(FACET_FIELDS)
                if grouping == (1 << bits) - 1:
                    total = count
                    continue
                for index, name in enumerate(FACET_FIELDS):
                    if not grouping & (1 << (bits - 1 - index)):
                        value = values[index]
                        if value not in (None, ""):
                            facets[name][value] = count
        return total, {
            name: sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
            for name, counts in facets.items()
        }

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
