"""Every page type renders on a unit's site, and stays in its unit."""

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from cms.models import ContactPage, LegalDocumentIndexPage, SectionPage
from cms.services import section, site_home
from tests.factories.cms import make_announcement, make_article, make_document

pytestmark = pytest.mark.django_db


def test_provisioned_unit_has_the_mandated_section_types(tree):
    with tenant_context(tree.commune_a2):
        home = site_home()
        kinds = {p.slug: type(p.specific) for p in home.get_children()}
    assert kinds["van-ban"] is LegalDocumentIndexPage
    assert kinds["lien-he"] is ContactPage
    assert kinds["tin-tuc"] is SectionPage
    assert kinds["thong-bao"] is SectionPage


def test_article_renders_on_its_unit_and_not_on_another(tree, client_for):
    with tenant_context(tree.commune_a1):
        article = make_article("Đường giao thông nông thôn mới", category=None)
        url = article.url
    response = client_for(tree.commune_a1).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đường giao thông nông thôn mới" in html
    assert 'lang="vi"' in html
    assert "In trang này" in html
    home = client_for(tree.commune_a1).get("/").content.decode()
    assert "Đường giao thông nông thôn mới" in home
    # The sibling commune neither lists nor serves it.
    other = client_for(tree.commune_a2)
    assert "Đường giao thông nông thôn mới" not in other.get("/").content.decode()
    assert other.get(url).status_code == 404


def test_every_section_and_page_type_renders(tree, client_for):
    with tenant_context(tree.commune_a1):
        make_announcement(
            "Thông báo cắt điện",
            priority="emergency",
            valid_until=timezone.localdate() + datetime.timedelta(days=3),
        )
        make_document("01/2025/NQ-HĐND", doc_type="nghi-quyet")
        paths = [p.url for p in site_home().get_children().specific()]
    client = client_for(tree.commune_a1)
    for path in ["/", *paths]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Khẩn cấp" in client.get("/").content.decode()


def test_expired_announcement_leaves_the_listings(tree, client_for):
    with tenant_context(tree.commune_a1):
        make_announcement(
            "Thông báo đã hết hạn",
            valid_until=timezone.localdate() - datetime.timedelta(days=1),
        )
        listing = section("thong-bao").url
    client = client_for(tree.commune_a1)
    assert "Thông báo đã hết hạn" not in client.get("/").content.decode()
    assert "Thông báo đã hết hạn" not in client.get(listing).content.decode()


def test_home_groups_the_latest_articles_by_category(tree, client_for):
    """ "Tin mới" and the news by category come from one read of the home's
    recent articles: up to three per category, uncategorised ones only in
    "Tin mới", another language's not at all."""
    import re

    from cms.models import Category

    with tenant_context(tree.commune_a1):
        farming = Category.objects.create(name="Nông nghiệp", slug="nong-nghiep")
        health = Category.objects.create(name="Y tế", slug="y-te")
        for n in range(4):
            make_article(f"Tin nông nghiệp số {n}", category=farming)
        make_article("Tin tiêm chủng", category=health)
        make_article("Tin không chuyên đề", category=None)
    html = client_for(tree.commune_a1).get("/").content.decode()
    pattern = (
        r'<section class="category-news"[^>]*>\s*<h2[^>]*>([^<]+)</h2>(.*?)</section>'
    )
    sections = dict(re.findall(pattern, html, re.S))
    assert set(sections) == {"Nông nghiệp", "Y tế"}
    farming_titles = re.findall(r"Tin nông nghiệp số \d", sections["Nông nghiệp"])
    # The three newest, newest first.
    assert farming_titles == [
        "Tin nông nghiệp số 3",
        "Tin nông nghiệp số 2",
        "Tin nông nghiệp số 1",
    ]
    assert "Tin tiêm chủng" in sections["Y tế"]
    assert "Tin không chuyên đề" not in "".join(sections.values())
    assert "Tin không chuyên đề" in html  # in "Tin mới"
