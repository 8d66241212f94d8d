"""Small factories for syndication tests (pages in a unit's schema)."""

import time
import uuid

from django_tenants.utils import tenant_context


def publish_article(unit, title=None, section="tin-tuc", **fields):
    """Create and publish an article in ``unit``; returns its page id."""
    from wagtail.models import Page

    from cms.models import ArticlePage

    title = title or f"Bài thử {uuid.uuid4().hex[:8]}"
    with tenant_context(unit):
        parent = Page.objects.get(slug=section, depth=3)
        page = ArticlePage(
            title=title,
            slug=f"bai-{uuid.uuid4().hex[:10]}",
            summary=fields.pop("summary", "Tóm tắt bài thử nghiệm."),
            **fields,
        )
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page.pk


def wait_for(predicate, timeout=30, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
