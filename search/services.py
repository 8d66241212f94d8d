"""Public surface of search: index, remove, search, autocomplete, lookup.

Other apps call ``index_document`` / ``remove_document`` (engage for
answered questions, bulletins for essential information); pages are indexed
by this app's own receivers (search.receivers) through tenant-aware Celery
tasks (search.tasks). The backend is ``settings.SEARCH_BACKEND``.
"""

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from . import cache
from .backends import get_backend
from .backends.base import IndexDocument, Query, Results, highlight, make_doc_id
from .folding import fold

SCOPES = ("unit", "district", "province")
SCOPE_LABELS = {
    "unit": _("Đơn vị này"),
    "district": _("Toàn huyện"),
    "province": _("Toàn tỉnh"),
}
KIND_LABELS = {
    "page": _("Trang"),
    "article": _("Tin bài"),
    "legal": _("Văn bản"),
    "announcement": _("Thông báo"),
    "event": _("Sự kiện"),
    "document": _("Tài liệu"),
    "question": _("Hỏi đáp"),
    "feedback": _("Phản ánh, kiến nghị"),
    "bulletin": _("Thông tin thiết yếu"),
}
# Extra fields of legal documents that lookups filter on.
LEGAL_KEYS = ("number", "doc_type", "issuer")


def _schema_and_id(unit):
    """(schema, unit id) of a Unit or a schema name."""
    from tenants.models import Unit

    if isinstance(unit, str):
        unit = Unit.objects.get(schema_name=unit)
    return unit.schema_name, unit.pk


def _as_datetime(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = parse_datetime(value) or parse_date(value)
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(12)))
    return value


def build_document(
    *,
    unit,
    kind,
    object_id,
    title,
    body,
    url,
    language="vi",
    category="",
    published_at=None,
    extra=None,
):
    schema, unit_id = _schema_and_id(unit)
    extra = dict(extra or {})
    # Folded copies of the text fields lookups filter on (số hiệu, cơ quan).
    extra["folded"] = {
        key: fold(value) for key, value in extra.items() if isinstance(value, str)
    }
    return IndexDocument(
        unit_id=unit_id,
        schema=schema,
        kind=kind,
        object_id=str(object_id),
        title=title or "",
        body=body or "",
        url=url or "",
        language=language or "vi",
        category=category or "",
        published_at=_as_datetime(published_at),
        extra=extra,
    )


def index_document(
    *,
    unit,
    kind,
    object_id,
    title,
    body,
    url,
    language="vi",
    category="",
    published_at=None,
    extra=None,
):
    """Add or replace one document of ``unit`` in the cross-unit index.

    ``unit`` is a tenants.Unit (or its schema name); the document id is
    ``"<schema>:<kind>:<object_id>"``. ``url`` may be a path on the unit's
    host: results link to it on that host.
    """
    doc = build_document(
        unit=unit,
        kind=kind,
        object_id=object_id,
        title=title,
        body=body,
        url=url,
        language=language,
        category=category,
        published_at=published_at,
        extra=extra,
    )
    get_backend().index([doc])
    return doc.doc_id


def index_documents(documents):
    """Bulk form of index_document (``documents``: IndexDocument list)."""
    get_backend().index(list(documents))


def remove_document(*, unit, kind, object_id):
    schema, _id = _schema_and_id(unit)
    get_backend().remove([make_doc_id(schema, kind, object_id)])


def clear_index(unit=None):
    get_backend().clear(_schema_and_id(unit)[0] if unit else None)


def count_documents(unit=None):
    return get_backend().count(_schema_and_id(unit)[0] if unit else None)


# --- scope -------------------------------------------------------------------------


def scope_root(unit, scope):
    """The unit whose subtree a scope covers, seen from ``unit``."""
    if scope == "unit":
        return unit
    chain = [*unit.ancestors(), unit]
    if scope == "district":
        districts = [u for u in chain if u.kind == "district"]
        if districts:
            return districts[-1]
        # Two-level structure (after 1/7/2025): no district, the province.
    return chain[0]


def scope_schemas(scope_unit, scope):
    """Schemas a search covers; None means every unit (the platform)."""
    if scope_unit is None:
        return None
    if scope not in SCOPES:
        scope = "unit"
    if scope == "unit":
        return [scope_unit.schema_name]
    return scope_root(scope_unit, scope).subtree_schemas()


# --- reading -------------------------------------------------------------------------


def search(
    query,
    *,
    scope_unit=None,
    scope="unit",
    kinds=None,
    categories=None,
    years=None,
    units=None,
    legal=None,
    date_from=None,
    date_to=None,
    page=1,
    page_size=10,
    with_facets=True,
    order="relevance",
    snippets=True,
):
    """Search the cross-unit index.

    ``scope_unit`` is the unit the citizen is on (None on the platform: the
    whole index); ``scope`` widens to its district or province. Facet
    filters: ``kinds``, ``categories``, ``years``, ``units`` (schema names).
    ``legal`` filters legal documents by ``number``, ``doc_type``,
    ``issuer`` (folded substring match). Returns backends.base.Results with
    hits carrying ``snippet`` (HTML-safe, matches in <mark>).
    """
    q = Query(
        text=(query or "")[:200],
        schemas=scope_schemas(scope_unit, scope),
        kinds=list(kinds or []),
        categories=list(categories or []),
        years=list(years or []),
        units=list(units or []),
        extra={k: v for k, v in (legal or {}).items() if k in LEGAL_KEYS and v},
        date_from=date_from,
        date_to=date_to,
        page=max(1, int(page or 1)),
        page_size=max(1, min(int(page_size or 10), 50)),
        with_facets=with_facets,
        order=order,
    )
    backend = get_backend()
    cache_key = None
    if cache.ttl():
        cache_key = cache.key(backend.name, backend.generation(), repr(q))
    results = cache.get(cache_key)
    if results is None:
        results = backend.search(q)
        cache.set(cache_key, results)
    if snippets:
        for hit in results.hits:
            hit.snippet = highlight(hit.body or hit.title, q.text)
            hit.title_html = highlight(hit.title, q.text, length=400)
    return results


def autocomplete(prefix, *, scope_unit=None, scope="province", limit=8):
    return get_backend().autocomplete(
        (prefix or "")[:100],
        schemas=scope_schemas(scope_unit, scope),
        limit=limit,
    )


def lookup_legal_documents(
    *,
    scope_unit=None,
    scope="province",
    number="",
    doc_type="",
    issuer="",
    date_from=None,
    date_to=None,
    text="",
    page=1,
):
    """Tra cứu văn bản: legal documents by number, type, issuer and dates."""
    return search(
        text,
        scope_unit=scope_unit,
        scope=scope,
        kinds=["legal"],
        legal={"number": number, "doc_type": doc_type, "issuer": issuer},
        date_from=date_from,
        date_to=date_to,
        page=page,
        order="relevance" if text else "newest",
    )


__all__ = [
    "IndexDocument",
    "Results",
    "autocomplete",
    "build_document",
    "clear_index",
    "count_documents",
    "index_document",
    "index_documents",
    "lookup_legal_documents",
    "remove_document",
    "search",
]
