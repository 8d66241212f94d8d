"""What a Wagtail page or document looks like in the cross-unit index.

Generic on purpose: any live page is indexed with its title, its summary or
search description and the text of its rich-text, text and stream fields,
read through ``page.specific`` with defaults, so page types added by cms
later need no change here. Legal documents also carry their number, type,
issuer and date for the lookup (tra cứu văn bản).
"""

from django.db import connection
from django.db.models import TextField
from django.utils.html import strip_tags
from wagtail.fields import RichTextField, StreamField

from .backends.base import make_doc_id


def page_kind(page):
    """The page type's ``search_kind`` (cms.models.BasePage): its facet in
    the index; "page" for a type that does not say."""
    return getattr(page.specific_class, "search_kind", "page")


def all_page_kinds():
    """Every kind a page can have in the index (its type may change)."""
    from wagtail.models import get_page_models

    kinds = {getattr(model, "search_kind", "page") for model in get_page_models()}
    return sorted((kinds - {None}) | {"page"})


SUMMARY_FIELDS = ("summary", "search_description", "intro")
SKIPPED_FIELDS = {"title", "draft_title", "seo_title", "slug", "url_path"}


def _stream_text(data):
    """Strings inside a StreamField's raw data, tags stripped."""
    if isinstance(data, str):
        return [strip_tags(data)]
    if isinstance(data, dict):
        out = []
        for key, value in data.items():
            if key in ("id", "type"):
                continue
            out.extend(_stream_text(value))
        return out
    if isinstance(data, list | tuple):
        out = []
        for item in data:
            out.extend(_stream_text(item))
        return out
    return []


def page_text(page):
    """Summary and body text of a specific page, as plain text."""
    parts = []
    for name in SUMMARY_FIELDS:
        value = getattr(page, name, "") or ""
        if isinstance(value, str) and value.strip():
            parts.append(strip_tags(value))
    for field in page._meta.get_fields():
        if field.name in SKIPPED_FIELDS or field.name in SUMMARY_FIELDS:
            continue
        if getattr(field, "model", None) is not None and not field.concrete:
            continue
        value = getattr(page, field.name, None) if field.concrete else None
        if value is None:
            continue
        if isinstance(field, StreamField):
            raw = getattr(value, "raw_data", None)
            parts.extend(t for t in _stream_text(list(raw or [])) if t.strip())
        elif isinstance(field, RichTextField | TextField) and isinstance(value, str):
            parts.append(strip_tags(value))
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _label(page, name):
    display = getattr(page, f"get_{name}_display", None)
    if callable(display):
        return display()
    value = getattr(page, name, "")
    return str(value) if value else ""


def legal_extra(page):
    issued = getattr(page, "issued_on", None)
    return {
        "number": getattr(page, "number", "") or "",
        "doc_type": _label(page, "doc_type"),
        "doc_type_code": getattr(page, "doc_type", "") or "",
        "issuer": getattr(page, "issuer", "") or "",
        "signer": getattr(page, "signer", "") or "",
        "issued_on": issued.isoformat() if issued else "",
        "status": _label(page, "status"),
    }


def page_document(page, unit):
    """kwargs for services.index_document, or None if the page is skipped."""
    page = page.specific
    kind = page_kind(page)
    # A type whose search_kind is None (the home page) is only a container.
    if page.depth <= 2 or kind is None or not page.live:
        return None
    # Private pages (login, password or groups, on the page or an ancestor)
    # stay out of the cross-unit index: titles and snippets included.
    if page.get_view_restrictions().exists():
        return None
    parts = page.get_url_parts()
    url = parts[2] if parts else page.url_path
    parent = page.get_parent()
    category = getattr(page, "category_name", "") or (parent.title if parent else "")
    published = (
        getattr(page, "issued_on", None)
        or getattr(page, "date", None)
        or page.first_published_at
    )
    extra = {"locale": page.locale.language_code}
    if kind == "legal":
        extra.update(legal_extra(page))
        category = extra["doc_type"] or category
    return {
        "unit": unit,
        "kind": kind,
        "object_id": page.pk,
        "title": page.title,
        # A legal document is found by its number in the site search too.
        "body": "\n".join(
            part for part in (extra.get("number", ""), page_text(page)) if part
        ),
        "url": url,
        "language": page.locale.language_code,
        "category": category,
        "published_at": published,
        "extra": extra,
    }


def page_doc_ids(schema, page_id):
    """Every id a page could have in the index (its kind may have changed)."""
    return [make_doc_id(schema, kind, page_id) for kind in all_page_kinds()]


def document_is_private(document):
    """In a collection with privacy (on it or an ancestor collection)."""
    collection = getattr(document, "collection", None)
    return collection is not None and collection.get_view_restrictions().exists()


def document_document(document, unit):
    """kwargs for services.index_document for a Wagtail document (tệp), or
    None for a document of a private collection."""
    if document_is_private(document):
        return None
    return {
        "unit": unit,
        "kind": "document",
        "object_id": document.pk,
        "title": document.title,
        "body": " ".join(t.name for t in document.tags.all())
        if hasattr(document, "tags")
        else "",
        "url": document.url,
        "category": collection_label(document.collection),
        "published_at": document.created_at,
        "extra": {"file": document.filename},
    }


def collection_label(collection):
    """A document's collection as a category; Wagtail's root collection
    ("Root") is no category a citizen should read."""
    if collection is None or collection.is_root():
        return ""
    return collection.name or ""


def current_schema():
    return connection.schema_name
