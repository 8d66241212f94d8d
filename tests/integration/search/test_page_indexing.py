"""Pages reach the cross-unit index on publish and leave it on unpublish and
delete; the reindex command rebuilds it; a real worker indexes in the unit
the page was published in."""

import time
from functools import partial

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context
from wagtail.models import Page

from cms.models import ArticlePage
from search import services
from search.models import SearchDocument


def publish_article(unit, title, summary="Nội dung thông tin cơ sở"):
    with tenant_context(unit):
        section = Page.objects.get(slug="tin-tuc")
        article = ArticlePage(title=title, summary=summary)
        section.add_child(instance=article)
        article.save_revision().publish()
        return article.pk


def test_published_article_is_indexed_with_its_summary(
    db, tree, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_INDEX_SYNC = True
    with django_capture_on_commit_callbacks(execute=True):
        page_id = publish_article(
            tree.commune_a1, "Hội nghị tuyên truyền", "Phổ biến pháp luật ở ấp Đắk"
        )
    doc = SearchDocument.objects.get(
        doc_id=f"{tree.commune_a1.schema_name}:article:{page_id}"
    )
    assert doc.unit == tree.commune_a1
    assert doc.url.endswith("/hoi-nghi-tuyen-truyen/")
    assert doc.category == "Tin tức" or doc.category == ""
    results = services.search("pho bien phap luat", scope_unit=tree.commune_a1)
    assert [h.title for h in results.hits] == ["Hội nghị tuyên truyền"]
    # Another unit's own scope does not see it.
    assert services.search("pho bien phap luat", scope_unit=tree.commune_b1).total == 0


def test_unpublish_and_delete_remove_the_page(
    db, tree, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_INDEX_SYNC = True
    with django_capture_on_commit_callbacks(execute=True):
        first = publish_article(tree.commune_a1, "Lịch cắt điện tháng 7")
        second = publish_article(tree.commune_a1, "Lịch cắt điện tháng 8")
    assert services.search("lich cat dien", scope_unit=tree.commune_a1).total == 2
    with django_capture_on_commit_callbacks(execute=True):
        with tenant_context(tree.commune_a1):
            Page.objects.get(pk=first).unpublish()
            Page.objects.get(pk=second).delete()
    assert services.search("lich cat dien", scope_unit=tree.commune_a1).total == 0


def test_reindex_command_rebuilds_a_units_index(
    db, tree, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_INDEX_SYNC = False
    publish_article(tree.commune_a2, "Tiêm phòng dại cho chó mèo")  # not queued
    assert services.search("tiem phong dai", scope_unit=tree.commune_a2).total == 0
    call_command("reindex", unit=tree.commune_a2.code, no_progress=True)
    results = services.search("tiem phong dai", scope_unit=tree.commune_a2)
    assert [h.title for h in results.hits] == ["Tiêm phòng dại cho chó mèo"]
    assert services.count_documents(tree.commune_a1) == 0


@pytest.mark.worker
def test_worker_indexes_a_page_in_the_unit_it_was_published_in(
    tree, committed, celery_worker_process, settings
):
    settings.SEARCH_INDEX_SYNC = False
    page_id = publish_article(tree.commune_b1, "Ngày hội đại đoàn kết toàn dân")
    doc_id = f"{tree.commune_b1.schema_name}:article:{page_id}"
    try:
        deadline = time.monotonic() + 30
        while not SearchDocument.objects.filter(doc_id=doc_id).exists():
            assert time.monotonic() < deadline, "the worker did not index the page"
            time.sleep(0.2)
        doc = SearchDocument.objects.get(doc_id=doc_id)
        assert doc.schema == tree.commune_b1.schema_name
        assert doc.url.startswith("/tin-tuc/ngay-hoi-")
        with tenant_context(tree.commune_b1):
            Page.objects.get(pk=page_id).unpublish()
        deadline = time.monotonic() + 30
        while SearchDocument.objects.filter(doc_id=doc_id).exists():
            assert time.monotonic() < deadline, "the worker did not remove the page"
            time.sleep(0.2)
    finally:
        with tenant_context(tree.commune_b1):
            Page.objects.filter(pk=page_id).delete()
        SearchDocument.objects.filter(doc_id=doc_id).delete()


@pytest.mark.parametrize("schema", ["template", "no_unit"])
def test_no_index_task_is_queued_outside_a_units_schema(
    db, tree, settings, schema, django_capture_on_commit_callbacks
):
    """migrate_schemas fills unit_template (and a schema may exist before its
    Unit row): publishing there must not queue a task the worker would fail
    with "Unit matching query does not exist"."""
    from django_tenants.utils import schema_context
    from wagtail.signals import page_published

    name = settings.TENANT_BASE_SCHEMA if schema == "template" else "unit_ghost"
    with django_capture_on_commit_callbacks() as queued:
        with schema_context(name):
            page_published.send(sender=ArticlePage, instance=Page(pk=1), revision=None)
    assert ours(queued) == []
    # The same signal on a real unit's schema queues the work.
    with django_capture_on_commit_callbacks() as queued:
        with tenant_context(tree.commune_a1):
            page_published.send(sender=ArticlePage, instance=Page(pk=1), revision=None)
    assert len(ours(queued)) == 1


def ours(callbacks):
    """The index tasks search queued (base.tasks.enqueue_on_commit)."""
    return [
        c
        for c in callbacks
        if isinstance(c, partial) and c.args[0].name.startswith("search.")
    ]
