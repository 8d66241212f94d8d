"""Each unit is its own site on its own hostname; nothing crosses units."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context
from PIL import Image

pytestmark = pytest.mark.django_db


def add_article(unit, title, section_slug="tin-tuc"):
    from cms.models import ArticlePage, SectionPage

    with tenant_context(unit):
        section = SectionPage.objects.get(slug=section_slug)
        article = section.add_child(
            instance=ArticlePage(title=title, summary=f"Tóm tắt {title}")
        )
        article.save_revision().publish()
        return article.url_path, article.get_url()


def test_two_communes_home_pages_differ(tree, client_for):
    page_a = client_for(tree.commune_a1).get("/")
    page_b = client_for(tree.commune_a2).get("/")
    assert page_a.status_code == 200 and page_b.status_code == 200
    assert "Xã An Bình" in page_a.text and "Xã An Hòa" not in page_a.text
    assert "Xã An Hòa" in page_b.text and "Xã An Bình" not in page_b.text


def test_home_page_lists_the_mandated_sections(tree, client_for):
    html = client_for(tree.commune_b1).get("/").text
    for title in (
        "Giới thiệu",
        "Tin tức",
        "Văn bản",
        "Thông báo",
        "Hỏi đáp",
        "Liên hệ",
    ):
        assert title in html


def test_page_of_commune_a_is_404_on_commune_b_host(tree, client_for):
    _, url = add_article(tree.commune_a1, "Họp dân ấp Phú Hòa")
    assert client_for(tree.commune_a1).get(url).status_code == 200
    other = client_for(tree.commune_a2).get(url)
    assert other.status_code == 404
    assert "Họp dân ấp Phú Hòa" not in other.text


def test_unknown_host_gets_a_clear_vietnamese_404(client_for):
    response = client_for("khong-co-xa-nay.localhost").get("/")
    assert response.status_code == 404
    assert "Không tìm thấy trang thông tin" in response.text
    assert "khong-co-xa-nay.localhost" in response.text
    assert "Traceback" not in response.text


def test_platform_host_lists_units(tree, client_for):
    response = client_for("localhost").get("/")
    assert response.status_code == 200
    assert "Xã An Bình" in response.text
    assert tree.commune_a1.primary_hostname in response.text


def test_editor_of_commune_a_cannot_log_in_to_commune_b_admin(tree, client_for):
    with tenant_context(tree.commune_a1):
        user = get_user_model().objects.create_user(
            "bientap_anbinh", password="mat-khau-rat-dai-2025"
        )
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name="Biên tập viên"))
    client_a = client_for(tree.commune_a1)
    response = client_a.post(
        "/admin/login/",
        {"username": "bientap_anbinh", "password": "mat-khau-rat-dai-2025"},
    )
    assert response.status_code == 302
    assert client_a.get("/admin/").status_code == 200

    client_b = client_for(tree.commune_a2)
    response = client_b.post(
        "/admin/login/",
        {"username": "bientap_anbinh", "password": "mat-khau-rat-dai-2025"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert client_b.get("/admin/").status_code == 302  # still anonymous
    # A session cookie of A is meaningless on B: sessions live in A's schema.
    client_b.cookies = client_a.cookies
    assert client_b.get("/admin/").status_code == 302


def test_media_uploaded_in_one_unit_is_not_served_under_another(tree, client_for):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    with tenant_context(tree.commune_a1):
        name = default_storage.save("anh/cho-que.png", ContentFile(buffer.getvalue()))
        url = default_storage.url(name)
        path = default_storage.path(name)
    assert tree.commune_a1.schema_name in path
    assert url.startswith(f"/media/{tree.commune_a1.schema_name}/")
    own = client_for(tree.commune_a1).get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == buffer.getvalue()
    assert client_for(tree.commune_a2).get(url).status_code == 404
    with tenant_context(tree.commune_a1):
        default_storage.delete(name)


def test_cache_keys_are_per_unit(tree):
    with tenant_context(tree.commune_a1):
        cache.set("homepage-banner", "An Bình")
    with tenant_context(tree.commune_a2):
        assert cache.get("homepage-banner") is None
        cache.set("homepage-banner", "An Hòa")
    with tenant_context(tree.commune_a1):
        assert cache.get("homepage-banner") == "An Bình"
        cache.delete("homepage-banner")
    with tenant_context(tree.commune_a2):
        cache.delete("homepage-banner")


def test_site_root_paths_are_cached_per_unit(tree, client_for):
    """Wagtail caches site root paths under one key; make_key keeps them apart."""
    client_for(tree.commune_a1).get("/")
    client_for(tree.commune_a2).get("/")
    from wagtail.models import Site

    with tenant_context(tree.commune_a1):
        paths_a = Site.get_site_root_paths()
    with tenant_context(tree.commune_a2):
        paths_b = Site.get_site_root_paths()
    assert paths_a[0].root_url.startswith(f"http://{tree.commune_a1.primary_hostname}")
    assert paths_b[0].root_url.startswith(f"http://{tree.commune_a2.primary_hostname}")


def test_proxy_checks_answer_on_an_internal_host(tree, client_for):
    internal = client_for("127.0.0.1")
    assert internal.get("/healthz/").status_code == 200
    host = tree.commune_a1.primary_hostname
    assert internal.get("/_tls/ask/", {"domain": host}).status_code == 200
    assert internal.get("/_tls/ask/", {"domain": "evil.example"}).status_code == 404


def test_district_home_shows_news_from_its_communes_section(tree, client_for):
    district = client_for(tree.district_a).get("/").text
    commune = client_for(tree.commune_a1).get("/").text
    assert "Tin từ cơ sở" in district
    assert "Tin từ cơ sở" not in commune


def test_host_lookup_is_kept_in_memory_and_dropped_on_change(
    tree, client_for, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.middleware import clear_lookup

    settings.UNIT_LOOKUP_SECONDS = 30
    clear_lookup()
    client = client_for(tree.commune_a2)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not any("tenants_domain" in q["sql"] for q in queries.captured_queries)
    tree.commune_a2.save()  # any change to a unit or domain empties the memory
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert any("tenants_domain" in q["sql"] for q in queries.captured_queries)
    clear_lookup()
