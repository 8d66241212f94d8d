"""The cross-unit search index (public schema).

One row per indexed thing of any unit: a page, a document, an answered
question, a bulletin. ``doc_id`` is ``"<schema>:<kind>:<object_id>"`` so ids
of different units never collide (Wagtail's own index would mix them).
This table is the PostgreSQL backend's index; the Elasticsearch backend
keeps the same documents in its own index instead.
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQueryCombinable,
    SearchQueryField,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.db import models

# A schema name as django-tenants makes them; only these become lexemes.
# Upper case too: a department's code ("94S01") is in its schema's name.
SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def scope_lexeme(schema):
    """The lexeme that marks a document of ``schema`` in ``vector``: ``@``
    cannot start a word of the folded text (the parser splits on it)."""
    return f"@{schema}"


class ScopeLexeme(SearchVectorCombinable, models.Func):
    """``'@<schema>'`` as a one-lexeme tsvector (no position, weight D)."""

    template = "array_to_tsvector(ARRAY['@' || %(expressions)s::text])"
    output_field = SearchVectorField()


class ScopeQuery(SearchQueryCombinable, models.Func):
    """Any of the given schemas, as a tsquery on their scope lexemes."""

    template = "%(expressions)s::tsquery"
    output_field = SearchQueryField()

    def __init__(self, schemas):
        bad = [s for s in schemas if not SCHEMA_NAME.match(s)]
        if bad or not schemas:
            raise ValueError(f"not schema names: {bad or schemas!r}")
        text = " | ".join(f"'{scope_lexeme(s)}'" for s in sorted(set(schemas)))
        super().__init__(models.Value(text))


class SearchDocument(models.Model):
    doc_id = models.CharField(max_length=255, unique=True)
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="search_documents",
    )
    schema = models.CharField(max_length=63, db_index=True)
    kind = models.CharField("loại", max_length=32)
    object_id = models.CharField(max_length=64)
    title = models.TextField("tiêu đề")
    body = models.TextField("nội dung", blank=True)
    url = models.CharField(max_length=1000, blank=True)
    language = models.CharField(max_length=12, default="vi")
    category = models.CharField("lĩnh vực", max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # Folded copies (search.folding.fold): what the GIN index matches on.
    title_folded = models.TextField(blank=True)
    body_folded = models.TextField(blank=True)
    # ... plus the unit's scope lexeme (ScopeLexeme): a search scoped to a
    # district or a unit is answered by the GIN index alone.
    vector = models.GeneratedField(
        expression=SearchVector("title_folded", weight="A", config="simple")
        + SearchVector("body_folded", weight="C", config="simple")
        + ScopeLexeme("schema"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The text as written: only used to rank exact-accent matches first.
    vector_exact = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="simple")
        + SearchVector("body", weight="C", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Folded title alone (small, kept in the heap row with STORAGE MAIN): a
    # cheap "does the title match" test that picks which matches get ranked,
    # and what autocomplete matches on (its own GIN index).
    title_vector = models.GeneratedField(
        expression=SearchVector("title_folded", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tài liệu chỉ mục"
        verbose_name_plural = "chỉ mục tìm kiếm"
        indexes = [
            # No pending list: every query would scan it linearly, and the
            # index is written by background tasks, not on a hot path.
            GinIndex(fields=["vector"], name="search_doc_vector_gin", fastupdate=False),
            GinIndex(
                fields=["title_vector"], name="search_doc_title_gin", fastupdate=False
            ),
            models.Index(fields=["schema", "kind"], name="search_doc_schema_kind"),
            models.Index(fields=["-published_at"], name="search_doc_published"),
            # Scope filter + newest first (lookups and empty queries).
            models.Index(
                fields=["schema", "-published_at"], name="search_doc_schema_published"
            ),
        ]

    def __str__(self):
        return self.title
