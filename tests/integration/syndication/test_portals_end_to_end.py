"""Up the hierarchy with a real worker: publish in a commune → district and
provincial portals, feeds and the API list it; unpublish → gone."""

import feedparser
import pytest
from django_tenants.utils import tenant_context

from syndication.models import SyndicatedItem
from tests.factories.cms import publish_article
from tests.utils import wait_for

pytestmark = [pytest.mark.worker]


def listed(client, path, title):
    return title in client.get(path).content.decode()


def test_commune_article_appears_on_district_and_province_portals_then_leaves(
    tree, committed, celery_worker_process, client_for
):
    from wagtail.models import Page

    title = "Xã An Bình ra quân làm đường giao thông nông thôn"
    page_id = publish_article(tree.commune_a1, title=title)
    district = client_for(tree.district_a)
    province = client_for(tree.province)
    other_district = client_for(tree.district_b)
    try:
        assert wait_for(lambda: listed(district, "/tin-tu-co-so/", title))
        assert listed(province, "/tin-tu-co-so/", title)
        assert not listed(other_district, "/tin-tu-co-so/", title)
        item = SyndicatedItem.objects.get(unit=tree.commune_a1, page_id=page_id)
        assert item.url.startswith(f"http://{tree.commune_a1.primary_hostname}/")
        assert item.category == "Tin tức"
        assert item.language == "vi"

        # Feeds: the district's aggregated feed, the province's, the commune's own.
        for client, path in (
            (district, "/feeds/tong-hop/rss.xml"),
            (province, "/feeds/tong-hop/atom.xml"),
            (client_for(tree.commune_a1), "/feeds/rss.xml"),
            (client_for(tree.commune_a1), "/feeds/atom.xml"),
        ):
            parsed = feedparser.parse(client.get(path).content)
            assert not parsed.bozo, (path, parsed.bozo_exception)
            assert title in [entry.title for entry in parsed.entries], path
        parsed = feedparser.parse(other_district.get("/feeds/tong-hop/rss.xml").content)
        assert title not in [entry.title for entry in parsed.entries]

        # The API: the province's subtree filtered to district 901.
        data = province.get(
            "/api/v1/syndication/items/", {"unit": tree.district_a.code}
        ).json()
        assert title in [row["title"] for row in data["results"]]

        with tenant_context(tree.commune_a1):
            Page.objects.get(pk=page_id).specific.unpublish()
        assert wait_for(lambda: not listed(district, "/tin-tu-co-so/", title))
        assert not listed(province, "/tin-tu-co-so/", title)
        parsed = feedparser.parse(district.get("/feeds/tong-hop/rss.xml").content)
        assert title not in [entry.title for entry in parsed.entries]
    finally:
        with tenant_context(tree.commune_a1):
            Page.objects.filter(pk=page_id).delete()
        SyndicatedItem.objects.filter(unit=tree.commune_a1, page_id=page_id).delete()


def test_deleting_a_published_article_removes_it_from_the_index(
    tree, committed, celery_worker_process
):
    from wagtail.models import Page

    page_id = publish_article(tree.commune_b1, title="Thông tin sẽ bị xoá")
    exists = SyndicatedItem.objects.filter(unit=tree.commune_b1, page_id=page_id)
    try:
        assert wait_for(exists.exists)
        with tenant_context(tree.commune_b1):
            Page.objects.get(pk=page_id).delete()
        assert wait_for(lambda: not exists.exists())
    finally:
        with tenant_context(tree.commune_b1):
            Page.objects.filter(pk=page_id).delete()
        exists.delete()
