"""Private means private everywhere: a page with privacy "login" (or under
a private section) and a document in a private collection are out of the
cross-unit search (titles and snippets), syndication, feeds, listings and
the page cache, at once when the privacy changes; documents and bulletin
files are never served straight from /media/."""

import uuid

import feedparser
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page

from search.models import SearchDocument
from syndication.models import SyndicatedItem
from tests.factories.cms import publish_article
from tests.utils import admin_client, wait_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def search_titles(client, word):
    data = client.get("/tim-kiem/api/", {"q": word, "scope": "province"}).json()
    return [hit["title"] for hit in data["results"]], str(data["results"])


def feed_titles(client):
    parsed = feedparser.parse(client.get("/feeds/tong-hop/rss.xml").content)
    return [entry.title for entry in parsed.entries]


def api_titles(client):
    rows = client.get("/api/v1/syndication/items/").json()["results"]
    return [row["title"] for row in rows]


@pytest.mark.worker
def test_page_made_private_leaves_search_syndication_feeds_and_cache_at_once(
    tree, committed, celery_worker_process
):
    unit = tree.commune_a1
    word = f"riengtu{uuid.uuid4().hex[:6]}"
    title = f"Kế hoạch nội bộ {word}"
    page_id = publish_article(unit, title=title, summary=f"Chỉ cán bộ xem {word}.")
    reader = Client(HTTP_HOST=unit.primary_hostname)
    district = Client(HTTP_HOST=tree.district_a.primary_hostname)
    other = Client(HTTP_HOST=tree.commune_b1.primary_hostname)
    admin = admin_client(unit, username=f"qt-{word}")
    try:
        with tenant_context(unit):
            url = Page.objects.get(pk=page_id).url
        assert wait_for(lambda: title in search_titles(other, word)[0])
        assert wait_for(lambda: title in api_titles(district))
        assert title in feed_titles(district)
        assert reader.get(url).status_code == 200
        assert wait_for(lambda: reader.get(url).get("X-Page-Cache") == "hit")

        # The admin sets privacy "Đăng nhập" through Wagtail's own dialog.
        response = admin.post(
            reverse("wagtailadmin_pages:set_privacy", args=[page_id]),
            {"restriction_type": "login"},
        )
        assert response.status_code == 200, response.content[:500]
        # The page cache gives nothing away from the next request on.
        assert reader.get(url).status_code == 302
        assert wait_for(lambda: title not in api_titles(district))
        assert title not in feed_titles(district)
        assert wait_for(lambda: search_titles(other, word)[0] == [])
        assert word not in search_titles(other, word)[1]  # no snippet either
        assert title not in reader.get("/tin-tuc/").content.decode()
        assert title not in reader.get("/").content.decode()

        # Public again: back everywhere, at once too.
        admin.post(
            reverse("wagtailadmin_pages:set_privacy", args=[page_id]),
            {"restriction_type": "none"},
        )
        assert wait_for(lambda: title in search_titles(other, word)[0])
        assert wait_for(lambda: title in api_titles(district))
    finally:
        with tenant_context(unit):
            Page.objects.filter(pk=page_id).delete()
            from django.contrib.auth import get_user_model

            get_user_model().objects.filter(username=f"qt-{word}").delete()
        indexed = SearchDocument.objects.filter(
            doc_id=f"{unit.schema_name}:article:{page_id}"
        )
        wait_for(lambda: not indexed.exists(), timeout=10)
        indexed.delete()
        SyndicatedItem.objects.filter(unit=unit, page_id=page_id).delete()


@pytest.mark.django_db
def test_page_under_private_section_is_never_indexed_nor_cached(
    tree, settings, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    settings.SEARCH_INDEX_SYNC = True
    unit = tree.commune_a2
    word = f"noibo{uuid.uuid4().hex[:6]}"
    with tenant_context(unit):
        section = Page.objects.get(slug="tin-tuc", depth=3)
        PageViewRestriction.objects.create(page=section, restriction_type="login")
    with django_capture_on_commit_callbacks(execute=True):
        page_id = publish_article(unit, title=f"Bài nội bộ {word}")
    assert not SearchDocument.objects.filter(
        doc_id__startswith=f"{unit.schema_name}:", doc_id__endswith=f":{page_id}"
    ).exists()
    with tenant_context(unit):
        url = f"/tin-tuc/{Page.objects.get(pk=page_id).slug}/"
    reader = Client(HTTP_HOST=unit.primary_hostname)
    assert reader.get(url).status_code == 302
    assert "X-Page-Cache" not in reader.get(url)


@pytest.fixture
def documents(tree, settings, django_capture_on_commit_callbacks):
    """A public and a private (login-only) collection in commune_a1, each
    with a PDF uploaded through the admin."""
    settings.SEARCH_INDEX_SYNC = True
    unit = tree.commune_a1
    admin = admin_client(unit, username="qt-tai-lieu")
    with tenant_context(unit):
        root = Collection.get_first_root_node()
        public = root.add_child(name="Tài liệu công khai")
        private = root.add_child(name="Tài liệu nội bộ")
        CollectionViewRestriction.objects.create(
            collection=private, restriction_type="login"
        )
    made = {}
    for key, collection in (("public", public), ("private", private)):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(
                reverse("wagtaildocs:add"),
                {
                    "title": f"Báo cáo {key} tailieu{key}",
                    "collection": collection.pk,
                    "file": SimpleUploadedFile(f"bao-cao-{key}.pdf", PDF),
                },
            )
        assert response.status_code == 302, response.content[:1000]
        with tenant_context(unit):
            made[key] = get_document_model().objects.get(collection=collection)
    return unit, admin, made, private


def _indexed(unit, document):
    return SearchDocument.objects.filter(
        doc_id=f"{unit.schema_name}:document:{document.pk}"
    ).exists()


@pytest.mark.django_db
def test_private_collection_document_is_not_indexed_and_not_in_media(
    documents, client_for
):
    unit, _admin, made, _private = documents
    assert _indexed(unit, made["public"])
    assert not _indexed(unit, made["private"])
    reader = client_for(unit)
    for key in ("public", "private"):
        document = made[key]
        media = f"/media/{unit.schema_name}/{document.file.name}"
        assert (settings.MEDIA_ROOT / unit.schema_name / document.file.name).exists()
        assert reader.get(media).status_code == 404, media
    with tenant_context(unit):
        private_url = made["private"].url
        public_url = made["public"].url
    assert private_url.startswith("/documents/")
    assert reader.get(private_url).status_code == 302  # to the login
    served = reader.get(public_url)
    assert served.status_code == 200
    assert served["X-Content-Type-Options"] == "nosniff"
    # Anonymous search finds the public document only.
    data = reader.get("/tim-kiem/api/", {"q": "tailieuprivate"}).json()
    assert data["results"] == []


@pytest.mark.django_db
def test_collection_made_private_drops_its_documents_from_search(
    documents, django_capture_on_commit_callbacks
):
    unit, _admin, made, private = documents
    with tenant_context(unit):
        public = made["public"].collection
        with django_capture_on_commit_callbacks(execute=True):
            CollectionViewRestriction.objects.create(
                collection=public, restriction_type="login"
            )
        assert not _indexed(unit, made["public"])
        with django_capture_on_commit_callbacks(execute=True):
            CollectionViewRestriction.objects.filter(collection=private).delete()
        assert _indexed(unit, made["private"])


@pytest.mark.django_db
def test_bulletin_files_are_never_served_from_media(tree):
    folder = settings.MEDIA_ROOT / "public" / "bulletins" / "999999"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nhap.pdf").write_bytes(PDF)
    platform = Client(HTTP_HOST=settings.BASE_DOMAIN)
    assert platform.get("/media/public/bulletins/999999/nhap.pdf").status_code == 404
