"""The PostgreSQL backend: full-text search on ``search.SearchDocument``.

Works on a server without contrib extensions: text is folded in Python
(search.folding) and matched with the ``simple`` configuration against the
folded vector; the vector of the text as written adds to the rank, so an
exact-accent match comes before a folded one.
"""

import json
import math
import re
from contextlib import contextmanager
from dataclasses import replace

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, Func
from django.db.models.functions import Substr

from ..folding import clean, fold, fold_for_search, has_diacritics, words
from ..models import ScopeQuery, SearchDocument
from .base import SNIPPET_SOURCE_CHARS, BaseBackend, Hit, Results

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
# ``body`` of a hit is read as its first SNIPPET_SOURCE_CHARS characters.
_HIT_COLUMNS = tuple(f for f in HIT_FIELDS if f != "body")
# Weight of the as-written rank against the folded one.
EXACT_BOOST = 2.0


def _tsquery(text):
    return SearchQuery(text, search_type="websearch", config="simple")


# websearch_to_tsquery's operators: alternatives, exclusions, phrases.
_OPERATORS = re.compile(r'(?i)(?:^|\s)(?:or\s|-)|"')


class _Unindexed(Func):
    """``schema || ''``: the same value, but no index answers it."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


@contextmanager
def _no_seqscan(cursor, active=True):
    """Sequential scans off for the statements inside (and back after).

    A sequential scan would test ``@@`` on every row, de-TOASTing every
    vector; the planner does not count that cost."""
    if not active:
        yield
        return
    cursor.execute("SELECT set_config('enable_seqscan', 'off', false)")
    try:
        yield
    finally:
        try:
            cursor.execute("RESET enable_seqscan")
        except DatabaseError:
            # The transaction failed; rolling it back undoes the SET.
            pass


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
            title_folded=fold_for_search(doc.title),
            body_folded=fold_for_search(doc.body),
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

    def _filtered(self, query, fenced=False):
        """The matching documents.

        ``fenced`` (a text query read through the GIN bitmap): the scope is
        asked of the GIN index as scope lexemes when it names at most
        ``SEARCH_SCOPE_LEXEMES`` units, else tested on the heap row through
        an expression no btree index answers (see ``search``).
        """
        qs = SearchDocument.objects.all()
        folded = query.folded
        schemas = query.schemas
        if query.units:
            units = sorted(set(query.units))
            if schemas is not None:
                in_scope = set(schemas)
                units = [s for s in units if s in in_scope]
            schemas = units
            if not schemas:
                return qs.none()
        if not folded:
            return self._other_filters(
                qs if schemas is None else qs.filter(schema__in=schemas), query
            )
        tsquery = _tsquery(folded)
        limit = settings.SEARCH_SCOPE_LEXEMES
        if schemas is not None and fenced and len(schemas) <= limit:
            return self._other_filters(
                qs.filter(vector=tsquery & ScopeQuery(schemas)), query
            )
        qs = qs.filter(vector=tsquery)
        if schemas is not None:
            if fenced:
                qs = qs.alias(scope_schema=_Unindexed("schema")).filter(
                    scope_schema__in=schemas
                )
            else:
                qs = qs.filter(schema__in=schemas)
        return self._other_filters(qs, query)

    @staticmethod
    def _other_filters(qs, query):
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

        The large columns (body, both big vectors) live in TOAST, so the
        heap row is narrow (see migration 0004). Two ways to find the
        matches:

        - exact (most queries): the GIN bitmap gives every match; the
          narrow columns go into a materialized CTE, so the total and the
          facets are exact. The planner does not charge for de-TOASTing a
          vector, so it is kept from plans that test ``@@`` row by row: the
          scope is tested through an expression no index answers (else it
          may pick the schema index and test the vector of every row in
          scope) and sequential scans are off for this one statement.
        - broad (very common words): walking the ``published_at`` index
          newest first until ``SEARCH_BROAD_CANDIDATES`` matches are found;
          total and facets are then approximate (``_is_broad``).

        Ranking reads both vectors of each ranked row, so at most
        ``SEARCH_BROAD_CANDIDATES`` matches are ranked: those whose title
        matches first, then the newest. When there are more matches than
        that the results say ``approximate`` (paging stays within them).
        """
        folded = query.folded
        cap = max(1, int(settings.SEARCH_BROAD_CANDIDATES))
        relevance = bool(folded) and query.order == "relevance"
        # The planner's estimate comes from the plain filter (it has
        # statistics on schema, none on the fenced expression).
        plain = self._filtered(query).order_by()
        if plain.query.is_empty():  # a unit facet outside the scope
            return Results(
                total=0, hits=[], facets={}, page=query.page, page_size=query.page_size
            )
        estimated = self.estimate_matches(query, plain) if folded else 0
        broad = bool(folded) and self._is_broad(estimated, cap)
        if broad:
            matched = plain.order_by("-published_at")[:cap]
        else:
            matched = self._filtered(query, fenced=bool(folded)).order_by()
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
        with connection.cursor() as cursor, _no_seqscan(cursor, bool(folded)):
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
            ).values("id", *_HIT_COLUMNS, head=Substr("body", 1, SNIPPET_SOURCE_CHARS))
        }
        for row in rows.values():
            row["body"] = row.pop("head")
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
    def _is_broad(estimated, cap):
        """Walk the newest documents rather than read every match?

        Walking reads about ``cap * rows / matches`` rows and de-TOASTs the
        vector of each (~8 µs a row measured on 200,000 documents); the GIN
        bitmap reads every match's narrow heap row (~2 µs). Walking wins
        when ``matches² > SEARCH_WALK_COST_RATIO * cap * rows``: about
        15,500 estimated matches for 200,000 documents, never under
        ``10 * cap``. The planner
        under-estimates multi-word queries (it takes the words as
        independent), which only makes the bitmap, whose cost is bounded by
        the narrow heap, be chosen a little too often; walking a query that
        is not broad reads most of the table. ``SEARCH_BROAD_THRESHOLD``
        overrides the computed bar.
        """
        threshold = settings.SEARCH_BROAD_THRESHOLD
        if threshold is None:
            # Reading a few thousand matches is always cheap: exact counts
            # there, without asking the table's size.
            floor = 10 * cap
            if estimated <= floor:
                return False
            threshold = max(floor, PostgresBackend.walk_bar(cap))
        return estimated > threshold

    @staticmethod
    def walk_bar(cap):
        """``sqrt(SEARCH_WALK_COST_RATIO * cap * rows)`` (see ``_is_broad``)."""
        ratio = settings.SEARCH_WALK_COST_RATIO
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class "
                "WHERE oid = 'search_searchdocument'::regclass"
            )
            rows = max(0.0, cursor.fetchone()[0])  # -1: never analysed
        return math.sqrt(ratio * cap * rows)

    def estimate_matches(self, query, plain):
        """How many documents a text query matches, estimated (no scan).

        The planner takes the words of a query as independent and
        multiplies their frequencies, so words that go together ("bảng tin
        điện tử công cộng") come out 3-100x too low. The rarest word alone
        is an upper bound. Their geometric mean was within 0.75-2x of the
        real count for 44 of the 50 queries of bench/search_corpus.py (the
        rest: place names, whose words always go together, still low).
        """
        estimated = self.estimate(plain)
        terms = list(dict.fromkeys(words(query.text)))[:8]
        if len(terms) < 2 or _OPERATORS.search(query.text):
            # "or", "-word", "phrase": the rarest word bounds nothing there.
            return estimated
        rarest = min(
            self.estimate(self._filtered(replace(query, text=term)).order_by())
            for term in terms
        )
        return int(math.sqrt(max(estimated, 1) * max(rarest, estimated, 1)))

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
        """Titles that hold the typed words (the last one as a prefix).

        Matched on the small in-row ``title_vector`` (its own GIN index), the
        newest first, so a two-letter prefix that matches half the province
        stops after a few dozen rows instead of ranking them all; then the
        titles that start with what was typed, then those holding it as a
        phrase, come first.
        """
        terms = words(prefix)
        if not terms or (len(terms) == 1 and len(terms[0]) < 2):
            return []
        raw = " & ".join(terms[:-1] + [terms[-1] + ":*"])
        qs = SearchDocument.objects.filter(
            title_vector=SearchQuery(raw, search_type="raw", config="simple")
        )
        if schemas is not None:
            qs = qs.filter(schema__in=schemas)
        rows = qs.order_by("-published_at", "-id").values(*_HIT_COLUMNS)[: limit * 6]
        typed = " ".join(terms)

        def closeness(row):
            title = " ".join(words(row["title"]))
            return 0 if title.startswith(typed) else 1 if typed in title else 2

        seen, hits = set(), []
        for row in sorted(rows, key=closeness):  # stable: newest first within
            key = row["title"].lower()
            if key in seen:
                continue
            seen.add(key)
            hits.append(Hit(**row))
            if len(hits) == limit:
                break
        return hits
