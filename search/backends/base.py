"""What every search backend implements, and the shapes they exchange."""

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..folding import clean, fold_for_search, fold_with_offsets, words

# A document body larger than this is cut before indexing (a tsvector is
# limited to 1 MB and nobody reads a snippet from page 400).
MAX_BODY_CHARS = 200_000
# A hit carries only the head of its body: the snippet is cut from there
# (a match further in shows the beginning), and a page of ten long legal
# texts is not read, cached and highlighted whole.
SNIPPET_SOURCE_CHARS = 20_000


@dataclass
class IndexDocument:
    """One document as given to ``services.index_document``."""

    unit_id: int
    schema: str
    kind: str
    object_id: str
    title: str
    body: str = ""
    url: str = ""
    language: str = "vi"
    category: str = ""
    published_at: datetime | None = None
    extra: dict = field(default_factory=dict)

    @property
    def doc_id(self):
        return make_doc_id(self.schema, self.kind, self.object_id)

    @property
    def year(self):
        return self.published_at.year if self.published_at else None

    def normalised(self):
        self.title = clean(self.title)[:2000]
        self.body = clean(self.body)[:MAX_BODY_CHARS]
        self.category = clean(self.category)[:200]
        return self


def make_doc_id(schema, kind, object_id):
    return f"{schema}:{kind}:{object_id}"


@dataclass
class Query:
    """A search request, already resolved to a list of schemas."""

    text: str = ""
    schemas: list | None = None  # None: every unit
    kinds: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    years: list = field(default_factory=list)
    units: list = field(default_factory=list)  # schema names picked as facet
    # Exact filters on ``extra`` (legal documents: number, doc_type, issuer).
    extra: dict = field(default_factory=dict)
    date_from: object = None
    date_to: object = None
    page: int = 1
    page_size: int = 10
    with_facets: bool = True
    order: str = "relevance"  # or "newest"

    @property
    def folded(self):
        return fold_for_search(self.text).strip()


@dataclass
class Hit:
    doc_id: str
    schema: str
    unit_id: int
    kind: str
    object_id: str
    title: str
    url: str
    category: str
    published_at: datetime | None
    extra: dict
    body: str = ""
    score: float = 0.0
    snippet: str = ""
    title_html: str = ""


@dataclass
class Results:
    total: int
    hits: list
    facets: dict
    page: int
    page_size: int
    # True when total and facets count only the ranked candidates of a very
    # broad query; estimated_total is then the backend's estimate.
    approximate: bool = False
    estimated_total: int | None = None

    @property
    def num_pages(self):
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_next(self):
        return self.page < self.num_pages

    @property
    def has_previous(self):
        return self.page > 1


class BaseBackend:
    name = "base"
    # Settings that must not be empty when this backend is chosen (search.E001).
    required_settings = ()

    def index(self, documents):  # list[IndexDocument]
        raise NotImplementedError

    def remove(self, doc_ids):
        raise NotImplementedError

    def clear(self, schema=None):
        raise NotImplementedError

    def search(self, query):  # Query -> Results
        raise NotImplementedError

    def autocomplete(self, prefix, *, schemas=None, limit=8):  # -> list[Hit]
        raise NotImplementedError

    def count(self, schema=None):
        raise NotImplementedError

    def generation(self):
        """Part of result-cache keys that changes when documents are added."""
        return getattr(self, "index_name", "")

    @staticmethod
    def written():
        """Invalidate cached results now and once the write is committed."""
        from django.db import transaction

        from .. import cache

        cache.bump()
        transaction.on_commit(cache.bump)


# --- snippets -------------------------------------------------------------------


def highlight(text, query_text, *, length=240):
    """A window of ``text`` around the first match, matches in <mark>.

    Matching is on folded words, so ``thong tin`` highlights ``thông tin``;
    the original characters are shown.
    """
    text = clean(text)
    terms = sorted({w for w in words(query_text) if len(w) > 1}, key=len, reverse=True)
    if not text:
        return ""
    folded, offsets = fold_with_offsets(text)
    spans = []
    if terms:
        pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)"
        )
        spans = [
            (offsets[m.start()], offsets[m.end() - 1] + 1)
            for m in pattern.finditer(folded)
        ]
    start = 0
    if spans:
        start = max(0, spans[0][0] - length // 3)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + length)
    while end < len(text) and not text[end - 1].isspace():
        end += 1
    out, cursor = [], start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        out.append(escape(text[cursor:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out).strip() + suffix)
