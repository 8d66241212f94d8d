"""The index task's logic (run in the unit's schema), the portal list, the
read API and its OpenAPI schema."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone
from django_tenants.utils import tenant_context

from syndication import services
from syndication.models import SyndicatedItem

pytestmark = [pytest.mark.django_db]


def make_item(unit, page_id, title, category="Tin tức", minutes_ago=0):
    when = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return SyndicatedItem.objects.create(
        unit=unit,
        unit_path=unit.path,
        page_id=page_id,
        page_type="cms.articlepage",
        url=f"http://{unit.primary_hostname}/tin-tuc/{page_id}/",
        title=title,
        summary="Tóm tắt",
        category=category,
        published_at=when,
    )


def create_article(unit, title, section="tin-tuc", publish=True, **fields):
    from wagtail.models import Page

    from cms.models import ArticlePage

    parent = Page.objects.get(slug=section, depth=3)
    page = ArticlePage(
        title=title, slug=f"bai-{abs(hash(title))}", live=publish, **fields
    )
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def test_index_page_writes_one_row_and_follows_a_move(tree):
    from wagtail.models import Page

    with tenant_context(tree.commune_a2):
        page = create_article(tree.commune_a2, "Lịch tiêm chủng tháng này")
        item = services.index_page(page.pk)
        assert item.unit == tree.commune_a2
        assert item.unit_path == tree.commune_a2.path
        assert item.category == "Tin tức"
        assert "/tin-tuc/" in item.url
        services.index_page(page.pk)  # idempotent: still one row
        assert SyndicatedItem.objects.filter(page_id=page.pk).count() == 1

        page.move(Page.objects.get(slug="thong-bao", depth=3), pos="last-child")
        item = services.index_page(page.pk)
        assert "/thong-bao/" in item.url
        assert item.category == "Thông báo"

        page.refresh_from_db()
        page.unpublish()
        assert services.index_page(page.pk) is None
        assert not SyndicatedItem.objects.filter(page_id=page.pk).exists()


def test_translated_article_syndicates_with_its_absolute_url(tree):
    """ux B5: a Khmer article went up as the relative tree path
    /trang-chu-km/tin-tuc/…, a dead link on the district's host; with the
    site root paths cached before the km home existed, too."""
    from django.core.cache import cache
    from wagtail.models import Site
    from wagtail.models.sites import (
        SITE_ROOT_PATHS_CACHE_KEY,
        SITE_ROOT_PATHS_CACHE_VERSION,
    )

    from cms.services import translate_page
    from tests.factories.cms import publish

    with tenant_context(tree.commune_a1):
        Site.clear_site_root_paths_cache()
        stale = [tuple(p) for p in Site.get_site_root_paths()]
        page = create_article(tree.commune_a1, "Tin dịch sang tiếng Khmer")
        km_page = translate_page(page, "km")
        km_page.title = "ព័ត៌មានថ្មី"
        publish(km_page)
        cache.set(
            SITE_ROOT_PATHS_CACHE_KEY,
            stale,
            3600,
            version=SITE_ROOT_PATHS_CACHE_VERSION,
        )
        item = services.index_page(km_page.pk)
    host = tree.commune_a1.primary_hostname
    assert item.url.startswith(f"http://{host}")
    assert "/km/tin-tuc/" in item.url and "trang-chu" not in item.url
    assert item.language == "km"


def test_drafts_sections_and_unsyndicated_pages_stay_out_of_the_index(tree):
    from wagtail.models import Page

    with tenant_context(tree.commune_a2):
        draft = create_article(tree.commune_a2, "Bản nháp", publish=False)
        assert services.index_page(draft.pk) is None
        section = Page.objects.get(slug="tin-tuc", depth=3)
        assert services.index_page(section.pk) is None
        if hasattr(draft, "syndicate"):
            page = create_article(tree.commune_a2, "Chỉ đăng ở xã", syndicate=False)
            assert services.index_page(page.pk) is None
    assert not SyndicatedItem.objects.exists()


def test_platform_pages_are_never_indexed(tree):
    from wagtail.models import Page

    assert services.index_page(Page.objects.first().pk) is None


def test_district_portal_lists_only_its_communes(tree, client_for):
    make_item(tree.commune_a1, 1, "Tin của An Bình", category="Nông nghiệp")
    make_item(tree.commune_a2, 1, "Tin của An Hòa")
    make_item(tree.commune_b1, 1, "Tin của Bình Lợi")
    make_item(tree.district_a, 1, "Tin của chính huyện An Phú")

    body = client_for(tree.district_a).get("/tin-tu-co-so/").content.decode()
    assert "Tin của An Bình" in body and "Tin của An Hòa" in body
    assert "Tin của Bình Lợi" not in body
    assert "Tin của chính huyện An Phú" not in body

    province = client_for(tree.province)
    body = province.get("/tin-tu-co-so/").content.decode()
    for title in ("An Bình", "An Hòa", "Bình Lợi", "chính huyện An Phú"):
        assert f"Tin của {title}" in body

    body = province.get("/tin-tu-co-so/", {"don-vi": "902"}).content.decode()
    assert "Tin của Bình Lợi" in body and "Tin của An Bình" not in body
    body = province.get(
        "/tin-tu-co-so/", {"chuyen-muc": "Nông nghiệp"}
    ).content.decode()
    assert "Tin của An Bình" in body and "Tin của An Hòa" not in body

    # A commune has no units below it: its portal lists nothing of its siblings.
    body = client_for(tree.commune_a1).get("/tin-tu-co-so/").content.decode()
    assert "Tin của An Hòa" not in body
    assert "Chưa có tin nào" in body


def test_portal_pages_through_many_items(tree, client_for):
    for n in range(25):
        make_item(tree.commune_a1, 100 + n, f"Tin số {n:02d}", minutes_ago=n)
    client = client_for(tree.district_a)
    first = client.get("/tin-tu-co-so/").content.decode()
    second = client.get("/tin-tu-co-so/", {"trang": 2}).content.decode()
    assert "Tin số 00" in first and "Tin số 24" not in first
    assert "Tin số 24" in second and "Tin số 00" not in second
    assert "Trang 1/2" in first
    # Nonsense page numbers do not break the page.
    assert client.get("/tin-tu-co-so/", {"trang": "abc"}).status_code == 200


def test_syndicated_news_tag_lists_items_from_units_below(tree):
    make_item(tree.commune_b1, 7, "Tin cho trang chủ huyện")
    template = Template("{% load syndication_tags %}{% syndicated_news limit=6 %}")
    with tenant_context(tree.district_b):
        html = template.render(Context({}))
    assert "Tin cho trang chủ huyện" in html
    with tenant_context(tree.district_a):
        assert "Tin cho trang chủ huyện" not in template.render(Context({}))


def test_api_filters_by_subtree_category_and_since(tree, client_for):
    make_item(tree.commune_a1, 1, "A1 cũ", minutes_ago=120)
    make_item(tree.commune_a2, 1, "A2 mới", category="Y tế")
    make_item(tree.commune_b1, 1, "B1 mới")
    SyndicatedItem.objects.filter(title="A1 cũ").update(
        updated_at=timezone.now() - dt.timedelta(hours=2)
    )
    api = client_for(tree.province)

    def titles(**params):
        response = api.get("/api/v1/syndication/items/", params)
        assert response.status_code == 200
        return {row["title"] for row in response.json()["results"]}

    assert titles() == {"A1 cũ", "A2 mới", "B1 mới"}
    assert titles(unit="901") == {"A1 cũ", "A2 mới"}
    assert titles(unit="90201") == {"B1 mới"}
    assert titles(category="Y tế") == {"A2 mới"}
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    assert titles(since=since) == {"A2 mới", "B1 mới"}
    bad = api.get("/api/v1/syndication/items/", {"since": "hôm qua"})
    assert bad.status_code == 400
    assert "không hợp lệ" in bad.json()["fields"]["since"][0]  # API v1 errors

    paged = api.get("/api/v1/syndication/items/", {"page_size": 2}).json()
    assert paged["count"] == 3 and len(paged["results"]) == 2 and paged["next"]

    # On a district's host the API covers that district's subtree only.
    district = client_for(tree.district_b).get("/api/v1/syndication/items/").json()
    assert {row["title"] for row in district["results"]} == {"B1 mới"}


def test_openapi_schema_describes_the_read_api(tree, client_for):
    # The read API's old document address leads to API v1's one document.
    response = client_for(tree.province).get(
        "/api/v1/syndication/schema/", HTTP_ACCEPT="application/json", follow=True
    )
    assert response.redirect_chain == [("/api/v1/schema/", 301)]
    assert response.status_code == 200
    schema = response.json() if "json" in response["Content-Type"] else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    operation = schema["paths"]["/api/v1/syndication/items/"]["get"]
    names = {param["name"] for param in operation["parameters"]}
    assert {"unit", "category", "since", "page"} <= names


def test_page_saved_not_live_leaves_the_portals(
    tree, django_capture_on_commit_callbacks
):
    """ux B2: a stale save (the editor's autosave racing "Duyệt và xuất bản")
    left the article unpublished on the commune's site but listed, as a dead
    link, on the district and province portals."""
    from wagtail.models import Page

    with tenant_context(tree.commune_a1):
        page = create_article(tree.commune_a1, "Bài bị ghi đè khi duyệt")
        assert services.index_page(page.pk) is not None
        stale = Page.objects.get(pk=page.pk).specific
        stale.live = False
        with django_capture_on_commit_callbacks() as queued:
            stale.save()
        assert len(queued) == 1  # the sync of this page, queued on commit
        services.index_page(page.pk)  # what the queued task does
    assert not SyndicatedItem.objects.filter(page_id=page.pk).exists()


def test_portals_cached_pages_retire_when_an_item_comes_and_goes(tree, client_for):
    """The district's home lists "Tin từ cơ sở": a cached copy must not hide
    an article the commune just published (nor keep one it withdrew)."""
    with tenant_context(tree.commune_a1):
        page = create_article(tree.commune_a1, "Khánh thành trạm y tế xã")
    for portal in (tree.district_a, tree.province):
        client_for(portal).get("/")  # cached without the article
        assert client_for(portal).get("/")["X-Page-Cache"] == "hit"
    with tenant_context(tree.commune_a1):
        services.index_page(page.pk)
    for portal in (tree.district_a, tree.province):
        response = client_for(portal).get("/")
        assert response.get("X-Page-Cache") != "hit"
        assert "Khánh thành trạm y tế xã" in response.content.decode()
    with tenant_context(tree.commune_a1):
        page.unpublish()
        services.index_page(page.pk)
    for portal in (tree.district_a, tree.province):
        html = client_for(portal).get("/").content.decode()
        assert "Khánh thành trạm y tế xã" not in html
