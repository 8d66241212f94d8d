"""Portals look like what they are: identity, the NĐ 42/2022 footer, the
directory of units below, contacts from the unit's data, the statements,
feeds advertised, and the emergency banner (which the page cache follows)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_kept_emergencies(tree):
    """Answers kept by another test (whose bulletins were rolled back) and
    pages cached with them are forgotten before and after each test."""
    from bulletins.emergency import forget

    units = list(vars(tree).values())
    forget(units)
    yield
    forget(units)


def _html(client_for, unit, path="/"):
    response = client_for(unit).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_province_home_names_the_portal_once_and_lists_the_units_below(
    tree, client_for
):
    html = _html(client_for, tree.province)
    # "Cổng" for the province, and the title does not repeat the name.
    assert "<title>Cổng thông tin điện tử Tỉnh Thử Nghiệm</title>" in html
    assert 'class="site-label">Cổng thông tin điện tử<' in html
    # The directory: districts linked, their communes below them.
    assert f"//{tree.district_a.primary_hostname}" in html
    assert "Huyện An Phú" in html and "Xã An Bình" in html
    assert f"//{tree.commune_a1.primary_hostname}" in html
    assert "Tin từ cơ sở" in html


def test_a_commune_is_a_trang_not_a_cong_and_has_no_directory(tree, client_for):
    html = _html(client_for, tree.commune_a1)
    assert "<title>Trang thông tin điện tử Xã An Bình</title>" in html
    chrome = html.split('id="main"')[0] + html.split("<footer")[1]
    assert "Cổng thông tin điện tử" not in chrome
    assert 'class="site-label">Trang thông tin điện tử<' in chrome
    assert "unit-directory" not in html


def test_footer_carries_the_nd42_fields_from_the_units_settings(tree, client_for):
    from wagtail.models import Site

    from themes.models import ThemeSettings

    with tenant_context(tree.district_a):
        theme = ThemeSettings.for_site(Site.objects.get(is_default_site=True))
        theme.responsible_person = "Ông Nguyễn Văn Bình, Chủ tịch UBND huyện"
        theme.address = "Số 1 đường 30/4, thị trấn An Phú"
        theme.phone = "0299 3821 000"
        theme.hotline = "0299 3822 111"
        theme.email = "ubnd@anphu.gov.vn"
        theme.office_hours = "Thứ Hai – Thứ Sáu, 7:00 – 11:30 và 13:30 – 17:00"
        theme.licence = "Giấy phép số 12/GP-TTĐT ngày 05/03/2024"
        theme.save()
    for path in ("/", "/lien-he/", "/kha-nang-tiep-can/"):
        html = _html(client_for, tree.district_a, path)
        for text in (
            "Cơ quan chủ quản",
            "Ủy ban nhân dân Huyện An Phú",
            "Người chịu trách nhiệm chính",
            "Ông Nguyễn Văn Bình, Chủ tịch UBND huyện",
            "Số 1 đường 30/4, thị trấn An Phú",
            'href="tel:02993821000"',
            "mailto:ubnd@anphu.gov.vn",
            "Giấy phép số 12/GP-TTĐT ngày 05/03/2024",
        ):
            assert text in html, (path, text)
    contact = _html(client_for, tree.district_a, "/lien-he/")
    # Liên hệ is prefilled from the same data: hours and the hotline too.
    assert "Giờ làm việc" in contact and "13:30 – 17:00" in contact
    assert "Đường dây nóng" in contact and "0299 3822 111" in contact


def test_statements_are_linked_from_the_footer_and_the_citizen_forms(tree, client_for):
    home = _html(client_for, tree.commune_a1)
    assert 'href="/kha-nang-tiep-can/"' in home
    assert 'href="/bao-ve-du-lieu-ca-nhan/"' in home
    privacy = _html(client_for, tree.commune_a1, "/bao-ve-du-lieu-ca-nhan/")
    assert "Nghị định 13/2023/NĐ-CP" in privacy
    assert "Ủy ban nhân dân Xã An Bình" in privacy
    statement = _html(client_for, tree.commune_a1, "/kha-nang-tiep-can/")
    assert "WCAG 2.1" in statement
    form = _html(client_for, tree.commune_a1, "/hoi-dap-truc-tuyen/gui-cau-hoi/")
    assert 'href="/bao-ve-du-lieu-ca-nhan/"' in form.split('class="data-notice"')[1]


def test_every_units_home_advertises_its_feeds(tree, client_for):
    for unit in (tree.province, tree.district_a, tree.commune_a1):
        html = _html(client_for, unit)
        assert (
            '<link rel="alternate" type="application/rss+xml"' in html
            and 'href="/feeds/rss.xml"' in html
        )
        feed = client_for(unit).get("/feeds/rss.xml")
        assert feed.status_code == 200
    assert 'href="/feeds/tong-hop/rss.xml"' in _html(client_for, tree.province)


def test_home_body_has_the_citizen_entry_points(tree, client_for):
    html = _html(client_for, tree.commune_a1)
    body = html.split('id="main"')[1].split("<footer")[0]
    for href in (
        "/hoi-dap-truc-tuyen/gui-cau-hoi/",
        "/phan-anh-kien-nghi/gui/",
        "/tra-cuu-ho-so/",
        "https://dichvucong.gov.vn",
        "/nghe-lai/",
    ):
        assert f'href="{href}"' in body, href


@pytest.fixture
def emergency(tree):
    """An emergency bulletin the district sends to commune a1, live now."""
    from bulletins.models import Bulletin, Delivery

    def make(**fields):
        now = timezone.now()
        bulletin = Bulletin.objects.create(
            title="Bão số 9 đổ bộ: người dân không ra khỏi nhà",
            body="Sơ tán khỏi vùng trũng trước 17:00.",
            priority="emergency",
            channels=["web"],
            sender_unit=tree.district_a,
            status="sent",
            valid_from=fields.pop("valid_from", now - timedelta(minutes=5)),
            valid_until=fields.pop("valid_until", now + timedelta(hours=2)),
            **fields,
        )
        Delivery.objects.create(bulletin=bulletin, unit=tree.commune_a1, channel="web")
        return bulletin

    return make


def test_emergency_banner_shows_while_live_and_the_cache_follows(
    tree, client_for, emergency, settings
):
    from bulletins import emergency as sos
    from bulletins.models import Bulletin

    settings.CMS_PAGE_CACHE = True
    client = client_for(tree.commune_a1)
    first = client.get("/")
    assert "emergency-banner" not in first.content.decode()
    assert client.get("/").headers.get("X-Page-Cache") == "hit"

    bulletin = emergency()
    # What the signals do after the commit (delivery created: the commune;
    # status changed: the sender and every recipient).
    sos.forget([tree.commune_a1, tree.district_a])
    during = client.get("/").content.decode()
    assert "Thông báo khẩn" in during
    assert f'href="/thong-tin-nguon/{bulletin.pk}/"' in during
    # The sender's portal shows it too; a unit it was not sent to does not.
    assert "Bão số 9" in _html(client_for, tree.district_a)
    assert "Bão số 9" not in _html(client_for, tree.commune_b1)

    Bulletin.objects.filter(pk=bulletin.pk).update(status="withdrawn")
    sos.status_changed(Bulletin, bulletin=bulletin)
    after = client.get("/").content.decode()
    assert "emergency-banner" not in after


def test_emergency_banner_starts_and_ends_with_its_validity_window(
    tree, emergency, settings
):
    from bulletins import emergency as sos

    now = timezone.now()
    emergency(valid_from=now + timedelta(hours=1), valid_until=now + timedelta(hours=3))
    with tenant_context(tree.commune_a1):
        sos.forget([tree.commune_a1])
        assert sos.live_ids(tree.commune_a1) == []
        # Kept no longer than until it starts (the cached answer expires).
        hit = sos.cache.get(sos.KEY)
        assert hit["until"] <= now.timestamp() + 3601 + 1


def test_sending_and_withdrawing_an_emergency_moves_the_banner_through_signals(
    tree, client_for, settings, django_capture_on_commit_callbacks
):
    """No manual forgetting: the fan-out's delivery signal and the
    withdrawal's status signal retire the kept answer and the cached pages."""
    from django.db import connection

    from bulletins import services
    from tests.factories.bulletins import make_bulletin, make_officer

    settings.CMS_PAGE_CACHE = True
    client = client_for(tree.commune_a2)
    assert "emergency-banner" not in client.get("/").content.decode()
    assert client.get("/").headers.get("X-Page-Cache") == "hit"
    connection.set_schema_to_public()  # platform users live in public
    officer = make_officer(tree.district_a)
    bulletin = make_bulletin(
        officer,
        units=[tree.commune_a2],
        priority="emergency",
        title="Lốc xoáy: tạm dừng họp chợ sáng nay",
        valid_from=timezone.now() - timedelta(minutes=1),
        valid_until=timezone.now() + timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.send_bulletin(bulletin, user=officer)
    with django_capture_on_commit_callbacks(execute=True):
        from bulletins.models import Outbox

        services.fan_out(Outbox.objects.get(bulletin=bulletin).pk)
    assert "Lốc xoáy: tạm dừng họp chợ sáng nay" in client.get("/").content.decode()
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_bulletin(bulletin, user=officer)
    assert "emergency-banner" not in client.get("/").content.decode()
    connection.set_schema_to_public()


def test_tin_tu_co_so_cards_are_in_the_home_pages_language(tree, client_for):
    """A commune's Khmer copy of an article is not a second card, in Khmer,
    on the district's Vietnamese home page (the demo showed both)."""
    from syndication.models import SyndicatedItem
    from syndication.services import retire_portal_pages

    now = timezone.now()
    made = [
        SyndicatedItem.objects.create(
            unit=tree.commune_a1,
            unit_path=tree.commune_a1.path,
            page_id=page_id,
            page_type="cms.ArticlePage",
            url=f"http://{tree.commune_a1.primary_hostname}/{slug}/",
            title=title,
            language=language,
            published_at=now,
        )
        for page_id, slug, title, language in (
            (9001, "tin-tuc/ngay-hoi", "Ngày hội đại đoàn kết ấp Phú Hữu", "vi"),
            (9002, "km/tin-tuc/ngay-hoi", "ពិធីបុណ្យសាមគ្គីភូមិភូហ៊ូ", "km"),
        )
    ]
    retire_portal_pages(tree.commune_a1)  # as syndication's upsert does
    html = _html(client_for, tree.district_a)
    assert "Ngày hội đại đoàn kết ấp Phú Hữu" in html
    assert "ពិធីបុណ្យសាមគ្គីភូមិភូហ៊ូ" not in html
    SyndicatedItem.objects.filter(pk__in=[item.pk for item in made]).delete()
