"""Per-unit page cache: hits for anonymous readers, invalidated on publish,
unpublish and move, never shared between units."""

import pytest
from django_tenants.utils import tenant_context

from cms.services import section
from tests.factories.cms import make_article

pytestmark = pytest.mark.django_db


def test_second_anonymous_request_is_served_from_the_cache(tree, client_for):
    client = client_for(tree.commune_a1)
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    # Another unit with the same path has its own entry.
    assert client_for(tree.commune_a2).get("/")["X-Page-Cache"] == "miss"


def test_publish_unpublish_and_move_invalidate(tree, client_for):
    client = client_for(tree.commune_a1)
    client.get("/")
    with tenant_context(tree.commune_a1):
        article = make_article("Tin vừa đăng để thử bộ nhớ đệm")
    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert "Tin vừa đăng để thử bộ nhớ đệm" in home.content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"

    with tenant_context(tree.commune_a1):
        target = section("thong-bao")
        article.move(target, pos="last-child")
        article.refresh_from_db()
        new_url = article.url
    assert "/thong-bao/" in new_url
    assert client.get(new_url).status_code == 200

    with tenant_context(tree.commune_a1):
        article.unpublish()
    assert "Tin vừa đăng để thử bộ nhớ đệm" not in client.get("/").content.decode()
    assert client.get(new_url).status_code == 404


def test_publishing_in_one_unit_keeps_the_other_units_cache(tree, client_for):
    other = client_for(tree.commune_a2)
    other.get("/")
    with tenant_context(tree.commune_a1):
        make_article("Chỉ xã An Bình")
    assert other.get("/")["X-Page-Cache"] == "hit"


def test_logged_in_staff_are_never_served_from_the_cache(tree, staff, login):
    editor, _ = staff
    client = login(editor)
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")


@pytest.fixture
def unit_lookup_kept(settings):
    """The host lookup kept in the process, as production does
    (UNIT_LOOKUP_SECONDS, 30 by default; the test settings turn it off)."""
    from tenants.middleware import clear_lookup

    settings.UNIT_LOOKUP_SECONDS = 30
    clear_lookup()
    yield
    clear_lookup()


@pytest.mark.parametrize("page", ["home", "article"])
def test_uncached_page_costs_at_most_ten_queries(
    tree, client_for, settings, unit_lookup_kept, page
):
    """An uncached commune page: 24 queries before (a `SET search_path`
    and the Site, locale, content types, settings, unit above, menu and
    view restrictions read again on every request); at most 10 now, every
    statement counted, `SET search_path` included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CMS_PAGE_CACHE = False
    with tenant_context(tree.commune_a1):
        url = make_article("Bài đo số truy vấn").url if page == "article" else "/"
    client = client_for(tree.commune_a1)
    first = client.get(url)  # a worker's first request fills its memo
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    # The same page either way: the memo changes the cost, not the content.
    assert response.content == first.content
    if page == "article":
        assert "Bài đo số truy vấn" in response.content.decode()
    sets = [q for q in queries.captured_queries if "search_path" in q["sql"]]
    assert len(sets) <= 1, sets
    assert len(queries.captured_queries) <= 10, "\n".join(
        q["sql"][:120] for q in queries.captured_queries
    )


def test_what_the_unit_memo_keeps_follows_every_save(
    tree, client_for, settings, unit_lookup_kept
):
    """The Site, settings, menu and language links kept in the process
    (cms.memo) change with the next request after a save, like the page."""
    from wagtail.models import Site

    from cms.models import SectionPage
    from themes.models import ThemeSettings

    settings.CMS_PAGE_CACHE = False
    client = client_for(tree.commune_a1)
    assert "Dòng chân trang mới" not in client.get("/").content.decode()
    with tenant_context(tree.commune_a1):
        site = Site.objects.get(is_default_site=True)
        theme = ThemeSettings.for_site(site)
        theme.footer_text = "Dòng chân trang mới"
        theme.save()
    assert "Dòng chân trang mới" in client.get("/").content.decode()

    with tenant_context(tree.commune_a1):
        home = site.root_page.specific
        new = home.add_child(
            instance=SectionPage(
                title="Chuyên mục mới mở", slug="chuyen-muc-moi", show_in_menus=True
            )
        )
        new.save_revision().publish()
    html = client.get("/").content.decode()
    assert 'href="/chuyen-muc-moi/"' in html and "Chuyên mục mới mở" in html
