"""Uploads cannot carry code: every upload field sniffs the content against
its allow-list, and files under /media/ are served inert (nosniff, a
sandboxing CSP, anything not an image, audio or video as a download)."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import tenant_context
from wagtail.documents import get_document_model
from wagtail.models import Collection

from signage.models import Playlist, Slide
from tests.utils import admin_client

pytestmark = pytest.mark.django_db

XSS_PAGE = (
    b"<!DOCTYPE html><html><body><script>"
    b"localStorage.setItem('pwned', document.cookie || 'yes')"
    b"</script></body></html>"
)
# The first bytes of a real MP4 (ftyp box) and of a real PDF.
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def editor(tree):
    return admin_client(tree.commune_a1, username="quantri-upload")


def slide_post(playlist, **files):
    return {
        "playlist": playlist.pk,
        "kind": "video",
        "title": "Video tuyên truyền",
        "body": "",
        "language": "vi",
        "duration": 10,
        "sort_order": 0,
        **files,
    }


@pytest.mark.parametrize("name", ["acc-xss.html", "acc-xss.mp4"])
def test_board_video_that_is_a_web_page_is_refused(tree, editor, name):
    playlist = Playlist.objects.create(unit=tree.commune_a1, name="Chính")
    response = editor.post(
        reverse("signage_slides:add"),
        slide_post(playlist, video=SimpleUploadedFile(name, XSS_PAGE, "video/mp4")),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Không nhận tệp" in page or "không phải tệp .mp4 thật" in page
    assert "Video tuyên truyền" in page  # what was typed is kept
    assert not Slide.objects.filter(playlist=playlist).exists()


def test_board_video_that_is_a_real_video_is_accepted(tree, editor):
    playlist = Playlist.objects.create(unit=tree.commune_a1, name="Chính")
    response = editor.post(
        reverse("signage_slides:add"),
        slide_post(
            playlist, video=SimpleUploadedFile("clip.mp4", MP4_HEAD, "video/mp4")
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Slide.objects.filter(playlist=playlist, kind="video").exists()


def test_document_that_is_a_web_page_renamed_pdf_is_refused(tree, editor):
    with tenant_context(tree.commune_a1):
        root = Collection.get_first_root_node()
        before = get_document_model().objects.count()
    response = editor.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Kế hoạch",
            "collection": root.pk,
            "file": SimpleUploadedFile("ke-hoach.pdf", XSS_PAGE, "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "không phải tệp .pdf thật" in response.content.decode()
    with tenant_context(tree.commune_a1):
        assert get_document_model().objects.count() == before
    good = editor.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Kế hoạch",
            "collection": root.pk,
            "file": SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf"),
        },
    )
    assert good.status_code == 302


def _legacy_file(unit, relative, content):
    """A file stored before uploads were checked (or by any other way)."""
    path = settings.MEDIA_ROOT / unit.schema_name / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return f"/media/{unit.schema_name}/{relative}"


def test_web_page_in_media_is_a_sandboxed_download(tree, client_for):
    unit = tree.commune_a1
    url = _legacy_file(unit, "signage/videos/acc-xss.html", XSS_PAGE)
    response = client_for(unit).get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]


def test_svg_image_in_media_is_a_download(tree, client_for):
    unit = tree.commune_a1
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = client_for(unit).get(_legacy_file(unit, "images/logo.svg", svg))
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_real_image_in_media_is_shown_inline_but_sandboxed(tree, client_for):
    unit = tree.commune_a1
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
        b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    )
    response = client_for(unit).get(_legacy_file(unit, "images/dot.png", png))
    assert response["Content-Type"] == "image/png"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_public_pages_and_admin_carry_a_content_security_policy(tree, editor):
    unit = tree.commune_a1
    from django.test import Client

    home = Client(HTTP_HOST=unit.primary_hostname).get("/")
    policy = home["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    admin = editor.get("/admin/")
    assert "default-src 'self'" in admin["Content-Security-Policy"]
    assert admin["X-Content-Type-Options"] == "nosniff"


def test_admin_shows_no_gravatar(tree, editor):
    page = editor.get("/admin/").content.decode()
    assert "gravatar.com" not in page
