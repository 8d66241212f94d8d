"""Factories for cms tests: pages made the way editors make them."""

import datetime
import uuid

from django_tenants.utils import tenant_context
from wagtail.rich_text import RichText

from cms.models import (
    AnnouncementPage,
    ArticlePage,
    LegalDocumentPage,
)
from cms.services import section


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_article(
    title="Khánh thành cầu nông thôn", *, live=True, parent="tin-tuc", **fields
):
    parent = section(parent)
    fields.setdefault("summary", "Cây cầu mới nối hai ấp.")
    fields.setdefault(
        "body", [("paragraph", RichText("<p>Nội dung bài viết về cây cầu.</p>"))]
    )
    page = parent.add_child(instance=ArticlePage(title=title, live=False, **fields))
    return publish(page) if live else page


def make_announcement(title="Lịch tiêm chủng tháng 12", *, live=True, **fields):
    parent = section("thong-bao")
    fields.setdefault("summary", "Trạm y tế xã tổ chức tiêm chủng mở rộng.")
    page = parent.add_child(
        instance=AnnouncementPage(title=title, live=False, **fields)
    )
    return publish(page) if live else page


def make_document(number="12/2025/QĐ-UBND", *, live=True, **fields):
    parent = section("van-ban")
    fields.setdefault("title", f"Quyết định {number}")
    fields.setdefault("doc_type", "quyet-dinh")
    fields.setdefault("issuer", "UBND xã")
    fields.setdefault("issued_on", datetime.date(2025, 3, 1))
    fields.setdefault("summary", "Về việc ban hành quy chế làm việc.")
    page = parent.add_child(
        instance=LegalDocumentPage(number=number, live=False, **fields)
    )
    return publish(page) if live else page


def publish_article(unit, title=None, section="tin-tuc", **fields):
    """Create and publish an article in ``unit``'s own schema (a unique title
    and slug unless given); returns its page id."""
    fields.setdefault("slug", f"bai-{uuid.uuid4().hex[:10]}")
    fields.setdefault("summary", "Tóm tắt bài thử nghiệm.")
    with tenant_context(unit):
        title = title or f"Bài thử {uuid.uuid4().hex[:8]}"
        return make_article(title, parent=section, **fields).pk
