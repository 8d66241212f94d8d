"""The Elasticsearch backend (``elasticsearch.dsl`` of the 9.x client).

One index for every unit; ids are ``schema:kind:object_id`` so units never
collide. The ``vi_folded`` analyzer lower-cases and applies ``asciifolding``
with ``preserve_original``: ``thong tin`` finds ``thông tin`` and the
original token, kept beside the folded one, makes exact-accent matches
score higher. ``đ`` is folded to ``d`` by asciifolding too.

Elasticsearch cannot run on the development machine; this module is
exercised by the same test suite wherever ``ELASTICSEARCH_URL`` is set.
"""

from django.conf import settings
from elasticsearch import Elasticsearch, helpers
from elasticsearch.dsl import (
    A,
    Date,
    Document,
    Integer,
    Keyword,
    Object,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)

from ..folding import clean, fold, words
from .base import SNIPPET_SOURCE_CHARS, BaseBackend, Hit, Results

vi_folding = token_filter("vi_folding", "asciifolding", preserve_original=True)
vi_folded = analyzer(
    "vi_folded", tokenizer="standard", filter=["lowercase", vi_folding]
)
vi_exact = analyzer("vi_exact", tokenizer="standard", filter=["lowercase"])
vi_prefix = analyzer(
    "vi_prefix",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter("vi_fold_only", "asciifolding"),
        token_filter("vi_edge", "edge_ngram", min_gram=1, max_gram=20),
    ],
)

FACETS = {"schema": "schema", "kind": "kind", "category": "category", "year": "year"}


def index_name():
    return settings.SEARCH_ELASTICSEARCH_INDEX


class IndexedDocument(Document):
    unit_id = Integer()
    schema = Keyword()
    kind = Keyword()
    object_id = Keyword()
    title = Text(
        analyzer=vi_folded,
        fields={
            "exact": Text(analyzer=vi_exact),
            "prefix": Text(analyzer=vi_prefix, search_analyzer="standard"),
            "raw": Keyword(),
        },
    )
    body = Text(analyzer=vi_folded, fields={"exact": Text(analyzer=vi_exact)})
    url = Keyword(index=False)
    language = Keyword()
    category = Keyword()
    published_at = Date()
    year = Integer()
    extra = Object(dynamic=True)


class ElasticsearchBackend(BaseBackend):
    name = "elasticsearch"
    required_settings = ("ELASTICSEARCH_URL",)

    def __init__(self):
        self.client = Elasticsearch(settings.ELASTICSEARCH_URL)
        self.index_name = index_name()
        self.ensure_index()

    def ensure_index(self):
        if not self.client.indices.exists(index=self.index_name):
            IndexedDocument.init(index=self.index_name, using=self.client)

    def _refresh(self):
        if settings.SEARCH_ELASTICSEARCH_REFRESH:
            self.client.indices.refresh(index=self.index_name)

    def index(self, documents):
        actions = []
        for doc in documents:
            doc.normalised()
            actions.append(
                {
                    "_index": self.index_name,
                    "_id": doc.doc_id,
                    "_source": {
                        "unit_id": doc.unit_id,
                        "schema": doc.schema,
                        "kind": doc.kind,
                        "object_id": str(doc.object_id),
                        "title": doc.title,
                        "body": doc.body,
                        "url": doc.url,
                        "language": doc.language,
                        "category": doc.category,
                        "published_at": doc.published_at,
                        "year": doc.year,
                        "extra": doc.extra,
                    },
                }
            )
        if actions:
            helpers.bulk(self.client, actions)
            self._refresh()
            self.written()

    def remove(self, doc_ids):
        actions = [
            {"_op_type": "delete", "_index": self.index_name, "_id": doc_id}
            for doc_id in doc_ids
        ]
        helpers.bulk(self.client, actions, raise_on_error=False)
        self._refresh()
        self.written()

    def clear(self, schema=None):
        body = {"query": {"term": {"schema": schema}}} if schema else None
        self.client.delete_by_query(
            index=self.index_name,
            body=body or {"query": {"match_all": {}}},
            refresh=True,
        )
        self.written()

    def count(self, schema=None):
        s = Search(using=self.client, index=self.index_name)
        if schema:
            s = s.filter("term", schema=schema)
        return s.count()

    def _search(self, query):
        s = Search(using=self.client, index=self.index_name)
        text = clean(query.text).strip()
        if text:
            s = s.query(
                Q(
                    "bool",
                    must=[
                        Q(
                            "multi_match",
                            query=text,
                            fields=["title^3", "body"],
                            operator="and",
                        )
                    ],
                    should=[
                        Q(
                            "multi_match",
                            query=text,
                            fields=["title.exact^6", "body.exact^2"],
                            operator="and",
                        )
                    ],
                )
            )
        if query.schemas is not None:
            s = s.filter("terms", schema=list(query.schemas))
        if query.units:
            s = s.filter("terms", schema=list(query.units))
        if query.kinds:
            s = s.filter("terms", kind=list(query.kinds))
        if query.categories:
            s = s.filter("terms", category=list(query.categories))
        if query.years:
            s = s.filter("terms", year=[int(y) for y in query.years])
        for key, value in (query.extra or {}).items():
            if value:
                s = s.filter(
                    "wildcard",
                    **{f"extra.folded.{key}.keyword": f"*{fold(value)}*"},
                )
        if query.date_from or query.date_to:
            rng = {}
            if query.date_from:
                rng["gte"] = query.date_from.isoformat()
            if query.date_to:
                rng["lte"] = query.date_to.isoformat()
            s = s.filter("range", published_at=rng)
        return s

    def search(self, query):
        s = self._search(query)
        if not query.folded or query.order != "relevance":
            s = s.sort({"published_at": {"order": "desc", "missing": "_last"}})
        if query.with_facets:
            for name, field in FACETS.items():
                s.aggs.bucket(name, A("terms", field=field, size=50))
        start = (query.page - 1) * query.page_size
        s = s[start : start + query.page_size].extra(track_total_hits=True)
        response = s.execute()
        hits = [self._hit(h) for h in response.hits]
        facets = {}
        if query.with_facets:
            for name in FACETS:
                buckets = getattr(response.aggregations, name).buckets
                facets[name] = [(b.key, b.doc_count) for b in buckets if b.key != ""]
        return Results(
            total=response.hits.total.value,
            hits=hits,
            facets=facets,
            page=query.page,
            page_size=query.page_size,
        )

    @staticmethod
    def _hit(h):
        from django.utils.dateparse import parse_datetime

        src = h.to_dict()
        published = src.get("published_at")
        if isinstance(published, str):
            published = parse_datetime(published)
        return Hit(
            doc_id=h.meta.id,
            schema=src["schema"],
            unit_id=src["unit_id"],
            kind=src["kind"],
            object_id=src["object_id"],
            title=src["title"],
            url=src.get("url", ""),
            category=src.get("category", ""),
            published_at=published,
            extra=src.get("extra") or {},
            body=(src.get("body") or "")[:SNIPPET_SOURCE_CHARS],
            score=h.meta.score or 0.0,
        )

    def autocomplete(self, prefix, *, schemas=None, limit=8):
        terms = words(prefix)
        if not terms or (len(terms) == 1 and len(terms[0]) < 2):
            return []
        s = Search(using=self.client, index=self.index_name).query(
            "match", **{"title.prefix": {"query": " ".join(terms), "operator": "and"}}
        )
        if schemas is not None:
            s = s.filter("terms", schema=list(schemas))
        s = s.source(excludes=["body"])[: limit * 3]
        seen, hits = set(), []
        for h in s.execute().hits:
            hit = self._hit(h)
            if hit.title.lower() in seen:
                continue
            seen.add(hit.title.lower())
            hits.append(hit)
            if len(hits) == limit:
                break
        return hits
