"""Translations with wagtail-localize: vi source, km per unit."""

import pytest
from django_tenants.utils import tenant_context
from wagtail.models import Locale

from cms.services import translate_page
from tests.factories.cms import make_article, publish

pytestmark = pytest.mark.django_db


def test_km_translation_of_an_article_renders_at_its_own_url(tree, client_for):
    with tenant_context(tree.commune_a1):
        article = make_article(
            "Hội nghị tiếp xúc cử tri", summary="Tóm tắt tiếng Việt."
        )
        km_page = translate_page(article, "km")
        assert km_page.locale.language_code == "km"
        assert not km_page.live  # the translator fills it in, then review
        km_page.title = "សន្និសីទជួបអ្នកបោះឆ្នោត"
        km_page.summary = "សេចក្តីសង្ខេប"
        publish(km_page)
        vi_url, km_url = article.url, km_page.url
    assert km_url.startswith("/km/")
    client = client_for(tree.commune_a1)
    response = client.get(km_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="km"' in html
    assert "សន្និសីទជួបអ្នកបោះឆ្នោត" in html
    # Language switcher and hreflang on both versions.
    assert f'hreflang="vi" href="http://{tree.commune_a1.primary_hostname}' in html
    vi_html = client.get(vi_url).content.decode()
    assert '<html lang="vi"' in vi_html
    assert f'href="{km_url}" hreflang="km" lang="km"' in vi_html
    assert 'rel="alternate" hreflang="km"' in vi_html
    # The km home page exists and is live.
    assert client.get("/km/").status_code == 200


def test_translated_page_goes_through_the_review_workflow(tree):
    with tenant_context(tree.commune_a1):
        article = make_article("Tin cần dịch")
        km_page = translate_page(article, "km")
        workflow = km_page.get_workflow()
        assert workflow is not None
        assert workflow.name.startswith("Duyệt nội dung xã")


def test_a_unit_without_km_has_no_km_locale(tree, client_for):
    with tenant_context(tree.commune_a2):
        assert not Locale.objects.filter(language_code="km").exists()
    assert client_for(tree.commune_a2).get("/km/").status_code == 404


def test_language_switcher_never_links_to_none_with_stale_root_paths(tree, client_for):
    """ux B3: a home translated after Wagtail cached the site's root paths had
    no URL, and the switcher linked to "None" on every page."""
    from django.core.cache import cache
    from wagtail.models import Site
    from wagtail.models.sites import (
        SITE_ROOT_PATHS_CACHE_KEY,
        SITE_ROOT_PATHS_CACHE_VERSION,
    )

    with tenant_context(tree.commune_a1):
        Site.clear_site_root_paths_cache()
        stale = [tuple(p) for p in Site.get_site_root_paths()]
        article = make_article("Tin có bản tiếng Khmer")
        km_page = translate_page(article, "km")
        km_page.title = "ព័ត៌មាន"
        publish(km_page)
        # The cache as a process that computed it before the km home existed.
        cache.set(
            SITE_ROOT_PATHS_CACHE_KEY,
            stale,
            3600,
            version=SITE_ROOT_PATHS_CACHE_VERSION,
        )
        url = article.url
    html = client_for(tree.commune_a1).get(url).content.decode()
    assert 'href="None"' not in html
    assert 'href="/km/tin-tuc/' in html and 'hreflang="km" lang="km"' in html
