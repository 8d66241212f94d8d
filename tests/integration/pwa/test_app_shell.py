"""The installable app as a browser first meets it: every page links the
manifest (and the unit's CAP feed); the manifest names the unit in
Vietnamese and, where the unit has Khmer pages, in Khmer; the icons are
drawn from the unit's emblem on its theme colour; the service worker is
served from the root under the sites' CSP."""

import io
import json

import pytest
from django.core.files.images import ImageFile
from django_tenants.utils import tenant_context
from PIL import Image

pytestmark = pytest.mark.django_db


def test_home_page_links_manifest_theme_colour_and_cap_feed(tree, client_for):
    html = client_for(tree.commune_a1).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#a50e0e">' in html
    assert 'type="application/atom+xml" href="/cap/"' in html
    assert "/static/pwa/app.js" in html
    assert "data-pwa-install-bar hidden" in html
    khmer = client_for(tree.commune_a1).get("/km/").content.decode()
    assert '<link rel="manifest" href="/manifest.km.webmanifest">' in khmer


def test_manifest_names_the_unit_in_vietnamese_and_khmer(tree, client_for):
    response = client_for(tree.commune_a1).get("/manifest.webmanifest")
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == "Trang thông tin điện tử Xã An Bình"
    assert data["short_name"] == "An Bình"
    assert (data["start_url"], data["scope"], data["id"]) == ("/", "/", "/")
    assert data["display"] == "standalone" and data["lang"] == "vi"
    assert data["theme_color"] == "#a50e0e"
    sizes = {(i["sizes"], i["purpose"]) for i in data["icons"]}
    assert sizes == {
        (f"{n}x{n}", purpose) for n in (192, 512) for purpose in ("any", "maskable")
    }
    assert data["translations"]["km"]["name"] == ("គេហទំព័រព័ត៌មានអេឡិចត្រូនិក Xã An Bình")

    khmer = json.loads(
        client_for(tree.commune_a1).get("/manifest.km.webmanifest").content
    )
    assert khmer["lang"] == "km" and khmer["start_url"] == "/km/"
    assert khmer["name"].startswith("គេហទំព័រ") and khmer["scope"] == "/"
    # What the phone says about the app, and its shortcuts, in Khmer too.
    assert khmer["description"].startswith("ព័ត៌មាន សេចក្តីជូនដំណឹង និងការព្រមានរបស់ Xã An Bình")
    assert [(s["name"], s["url"]) for s in khmer["shortcuts"]] == [
        ("តាមដាន និងការព្រមាន", "/km/ung-dung/"),
        ("តាមដានសំណួរ និងបណ្តឹង", "/km/tra-cuu-ho-so/"),
    ]
    assert [s["url"] for s in data["shortcuts"]] == ["/ung-dung/", "/tra-cuu-ho-so/"]
    assert data["description"] == (
        "Tin tức, thông báo và cảnh báo của Xã An Bình; xem được cả khi mất mạng."
    )
    # A unit without Khmer pages has no Khmer manifest; a district is a portal.
    assert (
        client_for(tree.commune_a2).get("/manifest.km.webmanifest").status_code == 404
    )
    district = json.loads(
        client_for(tree.district_a).get("/manifest.webmanifest").content
    )
    assert district["name"] == "Cổng thông tin điện tử Huyện An Phú"


def _png(response):
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def test_icons_are_drawn_on_the_theme_colour_from_the_unit_emblem(tree, client_for):
    from wagtail.images import get_image_model
    from wagtail.models import Site

    from themes.models import ThemeSettings

    client = client_for(tree.commune_a2)
    icon = _png(client.get("/ung-dung/bieu-trung-512.png"))
    assert icon.size == (512, 512)
    assert icon.getpixel((4, 4)) == (0xA5, 0x0E, 0x0E)  # truyen-thong --brand
    assert icon.getpixel((256, 256)) != (0xA5, 0x0E, 0x0E)  # the emblem
    maskable = _png(client.get("/ung-dung/bieu-trung-192-maskable.png"))
    # Maskable: nothing but background outside the 80 % safe circle.
    assert maskable.getpixel((96, 12)) == (0xA5, 0x0E, 0x0E)
    assert client.get("/ung-dung/bieu-trung-100.png").status_code == 404

    with tenant_context(tree.commune_a2):
        buffer = io.BytesIO()
        Image.new("RGB", (300, 300), (0, 200, 0)).save(buffer, "PNG")
        logo = get_image_model().objects.create(
            title="Biểu trưng xã", file=ImageFile(buffer, name="bieu-trung.png")
        )
        theme = ThemeSettings.for_site(Site.objects.get(is_default_site=True))
        theme.logo = logo
        theme.theme = "song-nuoc"
        theme.save()
    icon = _png(client.get("/ung-dung/bieu-trung-192.png"))
    assert icon.getpixel((96, 96)) == (0, 200, 0)  # the unit's own logo
    assert icon.getpixel((2, 2)) == (0x0B, 0x4F, 0x8A)  # song-nuoc --brand
    data = json.loads(client.get("/manifest.webmanifest").content)
    assert data["theme_color"] == "#0b4f8a"
    assert data["icons"][0]["src"].endswith(f"?v=song-nuoc-{logo.pk}")


def test_service_worker_is_served_from_the_root_under_the_csp(tree, client_for):
    response = client_for(tree.commune_a1).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "__VERSION__" not in body and "__SHELL_URLS__" not in body
    assert '"/ung-dung/ngoai-tuyen/"' in body and "/static/css/site.css" in body

    offline = client_for(tree.commune_a1).get("/ung-dung/ngoai-tuyen/")
    assert "Không có kết nối mạng" in offline.content.decode()
    # The platform's own host is no unit: no app there.
    from django.conf import settings

    assert (
        client_for(settings.BASE_DOMAIN).get("/manifest.webmanifest").status_code == 404
    )


def test_latest_list_names_the_newest_announcements_and_articles(tree, client_for):
    from cms.models import AnnouncementPage, SectionPage

    with tenant_context(tree.commune_b1):
        section = SectionPage.objects.live().first()
        page = AnnouncementPage(title="Lịch tiếp công dân tuần này")
        section.add_child(instance=page)
        page.save_revision().publish()
    data = client_for(tree.commune_b1).get("/ung-dung/moi-nhat.json").json()
    titles = [item["title"] for item in data["items"]]
    assert "Lịch tiếp công dân tuần này" in titles
    item = data["items"][titles.index("Lịch tiếp công dân tuần này")]
    assert item["kind"] == "announcement" and item["url"].startswith("/")


def test_deploy_check_warns_without_a_vapid_key_in_the_environment(settings):
    from pwa.checks import check_vapid_key

    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    settings.WEBPUSH_INSECURE_HOSTS = []
    assert [w.id for w in check_vapid_key()] == ["pwa.W001"]
    settings.WEBPUSH_VAPID_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----…"
    assert check_vapid_key() == []
    settings.WEBPUSH_INSECURE_HOSTS = ["127.0.0.1"]
    assert [w.id for w in check_vapid_key()] == ["pwa.W002"]
