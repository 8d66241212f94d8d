"""Background indexing. Tasks run in the schema they were queued in
(tenant-schemas-celery carries it in the message headers)."""

from celery import shared_task
from django.db import connection


def _unit():
    """The unit whose schema the task runs in (None on the platform)."""
    from tenants.models import Unit
    from tenants.services import current_unit

    unit = current_unit()
    if unit is None and connection.schema_name not in (None, "public"):
        unit = Unit.objects.filter(schema_name=connection.schema_name).first()
    return unit


@shared_task
def index_page(page_id):
    """Index a live page of the current unit (or drop it if no longer live)."""
    from wagtail.models import Page

    from . import services
    from .backends import get_backend
    from .pages import page_doc_ids, page_document

    unit = _unit()
    if unit is None:
        return "skipped: platform"
    page = Page.objects.filter(pk=page_id).first()
    doc = page_document(page, unit) if page is not None else None
    stale = page_doc_ids(connection.schema_name, page_id)
    if doc is None:
        get_backend().remove(stale)
        return "removed"
    doc_id = services.index_document(**doc)
    get_backend().remove([d for d in stale if d != doc_id])
    return doc_id


@shared_task
def remove_page(page_id):
    from .backends import get_backend
    from .pages import page_doc_ids

    if _unit() is None:
        return "skipped: platform"
    get_backend().remove(page_doc_ids(connection.schema_name, page_id))
    return "removed"


@shared_task
def index_wagtail_document(document_id):
    from wagtail.documents import get_document_model

    from . import services
    from .pages import document_document

    unit = _unit()
    if unit is None:
        return "skipped: platform"
    document = get_document_model().objects.filter(pk=document_id).first()
    doc = document_document(document, unit) if document is not None else None
    if doc is None:
        services.remove_document(unit=unit, kind="document", object_id=document_id)
        return "removed"
    return services.index_document(**doc)


@shared_task
def remove_wagtail_document(document_id):
    from . import services

    unit = _unit()
    if unit is None:
        return "skipped: platform"
    services.remove_document(unit=unit, kind="document", object_id=document_id)
    return "removed"
