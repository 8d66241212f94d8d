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


@pytest.fixture
def redis_commands(monkeypatch):
    """The Redis commands this process sends (counted on the real client)."""
    import redis

    sent = []
    real = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent.append(args[0])
        return real(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return sent


@pytest.mark.parametrize("page", ["home", "article"])
def test_a_cached_page_is_the_stored_response_after_one_redis_read(
    tree, client_for, unit_lookup_kept, redis_commands, page
):
    """A hit is answered right after the host lookup: one MGET (generation,
    live emergencies, page), no SQL, and the same body and headers as the
    response that was stored (the policy, frame and language headers the
    rest of the stack added)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with tenant_context(tree.commune_a1):
        url = make_article("Bài đo trang lưu sẵn").url if page == "article" else "/"
    client = client_for(tree.commune_a1)
    client.get(url)  # the worker's memo and the unit lookup filled
    with tenant_context(tree.commune_a1):
        from cms.cache import invalidate_unit_pages

        invalidate_unit_pages()
    miss = client.get(url)
    assert miss["X-Page-Cache"] == "miss"
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert redis_commands == ["MGET"]
    assert queries.captured_queries == []
    assert hit.content == miss.content
    headers = {k: v for k, v in miss.items() if k != "X-Page-Cache"}
    assert {k: v for k, v in hit.items() if k != "X-Page-Cache"} == headers
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Language"):
        assert name in headers, name


def test_an_uncached_page_reads_redis_once(
    tree, client_for, settings, unit_lookup_kept, redis_commands
):
    """The generation and the live emergencies are read together, once,
    however many times the memo, the page and the banner ask."""
    settings.CMS_PAGE_CACHE = False
    client = client_for(tree.commune_a1)
    client.get("/")
    redis_commands.clear()
    assert client.get("/").status_code == 200
    assert redis_commands == ["MGET"]


def test_a_page_stored_before_a_publish_is_not_served_after_it(tree, client_for):
    """The stored copy names its generation: a publish makes it a miss, and
    the page rendered again replaces it."""
    client = client_for(tree.commune_a1)
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    with tenant_context(tree.commune_a1):
        make_article("Tin sau khi lưu trang")
    again = client.get("/")
    assert again["X-Page-Cache"] == "miss"
    assert "Tin sau khi lưu trang" in again.content.decode()
    hit = client.get("/")
    assert hit["X-Page-Cache"] == "hit"
    assert "Tin sau khi lưu trang" in hit.content.decode()


def test_a_request_with_a_nul_cookie_is_refused_even_for_a_stored_page(
    tree, client_for
):
    client = client_for(tree.commune_a1)
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    client.cookies["theo-doi"] = "a\x00b"
    assert client.get("/").status_code == 400


def test_home_lists_kept_in_the_process_follow_the_clock(
    tree, client_for, settings, unit_lookup_kept
):
    """The home's lists are kept until the unit's next publish, but an event
    that has started and an announcement past its last day leave them with
    no publish in between."""
    import datetime

    import time_machine
    from django.utils import timezone

    from cms.models import EventPage

    settings.CMS_PAGE_CACHE = False
    now = timezone.now()
    with tenant_context(tree.commune_a1):
        event = section("tin-tuc").add_child(
            instance=EventPage(
                title="Họp dân ấp Bình Hòa",
                starts_at=now + datetime.timedelta(hours=1),
                place="Nhà văn hóa ấp",
                live=False,
            )
        )
        event.save_revision().publish()
        from tests.factories.cms import make_announcement

        make_announcement("Thông báo chỉ hôm nay", valid_until=timezone.localdate(now))
    client = client_for(tree.commune_a1)
    for _ in range(2):  # the second from the memo
        html = client.get("/").content.decode()
        assert "Họp dân ấp Bình Hòa" in html
        assert "Thông báo chỉ hôm nay" in html
    with time_machine.travel(now + datetime.timedelta(hours=2), tick=False):
        html = client.get("/").content.decode()
    assert "Họp dân ấp Bình Hòa" not in html
    with time_machine.travel(now + datetime.timedelta(days=1), tick=False):
        html = client.get("/").content.decode()
    assert "Thông báo chỉ hôm nay" not in html


def test_home_lists_kept_in_the_process_follow_every_publish(
    tree, client_for, settings, unit_lookup_kept
):
    """A new article, its edit and its unpublishing each show on the next
    uncached render of the home, in the process that kept the old lists."""
    settings.CMS_PAGE_CACHE = False
    client = client_for(tree.commune_a1)
    client.get("/")
    with tenant_context(tree.commune_a1):
        article = make_article("Tin mới cho danh sách giữ sẵn")
    assert "Tin mới cho danh sách giữ sẵn" in client.get("/").content.decode()
    with tenant_context(tree.commune_a1):
        article.title = "Tin đã sửa tiêu đề"
        article.save_revision().publish()
    html = client.get("/").content.decode()
    assert "Tin đã sửa tiêu đề" in html
    assert "Tin mới cho danh sách giữ sẵn" not in html
    with tenant_context(tree.commune_a1):
        article.unpublish()
    assert "Tin đã sửa tiêu đề" not in client.get("/").content.decode()


def test_article_parts_kept_in_the_process_follow_every_publish(
    tree, client_for, settings, unit_lookup_kept
):
    """An article's tags, its breadcrumb (the section's title) and the page
    its address names are kept per generation: a new tag, a renamed section
    and a changed slug show on the next uncached render."""
    settings.CMS_PAGE_CACHE = False
    with tenant_context(tree.commune_a1):
        article = make_article("Bài có thẻ để thử", slug="bai-co-the")
        article.tags.add("lúa gạo")
        article.save_revision().publish()
        url = article.url
    client = client_for(tree.commune_a1)
    for _ in range(2):
        html = client.get(url).content.decode()
        assert "Thẻ: lúa gạo" in html
    with tenant_context(tree.commune_a1):
        article.tags.set(["thủy sản"])
        article.save_revision().publish()
    assert "Thẻ: thủy sản" in client.get(url).content.decode()

    with tenant_context(tree.commune_a1):
        news = section("tin-tuc")
        old_title = news.title
        news.title = "Tin tức - sự kiện"
        news.save_revision().publish()
    crumbs = client.get(url).content.decode().split('class="breadcrumb"')[1]
    crumbs = crumbs.split("</nav>")[0]
    assert "Tin tức - sự kiện" in crumbs and f">{old_title}<" not in crumbs

    with tenant_context(tree.commune_a1):
        article.slug = "bai-doi-duong-dan"
        article.save_revision().publish()
        article.refresh_from_db()
        new_url = article.url
    assert new_url != url
    assert client.get(url).status_code == 404
    assert "Bài có thẻ để thử" in client.get(new_url).content.decode()
