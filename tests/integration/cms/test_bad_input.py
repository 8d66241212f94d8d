"""Bad input: uploads that are not images, decompression bombs, rich text
with scripts, contact form abuse. Clear Vietnamese messages, nothing saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import tenant_context
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cms.services import section

pytestmark = pytest.mark.django_db


def png(width, height):
    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def upload(client, name, content, content_type):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Ảnh thử",
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": "1",
        },
    )


def image_count(unit):
    with tenant_context(unit):
        return get_image_model().objects.count()


def test_non_image_upload_is_refused_in_vietnamese(tree, staff, login):
    editor, _ = staff
    before = image_count(tree.commune_a1)
    response = upload(
        login(editor), "bao-cao.jpg", b"%PDF-1.4 not an image", "image/jpeg"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "không phải" in html
    assert image_count(tree.commune_a1) == before


@pytest.mark.parametrize("side", [8000, 20000])
def test_decompression_bomb_is_refused_without_crashing(tree, staff, login, side):
    # 64 and 400 megapixels in a few kilobytes: over WAGTAILIMAGES_MAX_IMAGE_PIXELS
    # and, for the second, over Pillow's own bomb limit.
    editor, _ = staff
    before = image_count(tree.commune_a1)
    response = upload(login(editor), "bom.png", png(side, side), "image/png")
    assert response.status_code == 200
    from bs4 import BeautifulSoup

    errors = BeautifulSoup(response.content, "html.parser").select(".error-message")
    messages = " ".join(e.get_text(" ", strip=True) for e in errors)
    assert "quá nhiều điểm ảnh" in messages
    assert image_count(tree.commune_a1) == before


def test_contact_form_keeps_input_and_names_the_problem(tree, client_for):
    with tenant_context(tree.commune_a1):
        url = section("lien-he").url
    client = client_for(tree.commune_a1, enforce_csrf_checks=False)
    response = client.post(url, {"name": "Nguyễn Văn A", "message": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vui lòng nhập nội dung cần liên hệ." in html
    assert 'value="Nguyễn Văn A"' in html


def test_contact_form_saves_a_message_then_is_rate_limited(tree, client_for, settings):
    from django.core.cache import cache

    from cms.models import ContactMessage

    settings.RATELIMITS = {**settings.RATELIMITS, "cms.contact": "2/m"}
    with tenant_context(tree.commune_a1):
        url = section("lien-he").url
        cache.clear()
    client = client_for(tree.commune_a1)
    data = {
        "name": "Trần Thị B",
        "phone": "0912 345 678",
        "message": "Đường liên ấp bị ngập.",
    }
    first = client.post(url, data)
    assert first.status_code == 302
    client.post(url, data)
    limited = client.post(url, data)
    assert limited.status_code == 429
    assert "quá nhiều lần" in limited.content.decode()
    assert 'value="Trần Thị B"' in limited.content.decode()
    with tenant_context(tree.commune_a1):
        assert ContactMessage.objects.filter(name="Trần Thị B").count() == 2
    with tenant_context(tree.commune_a2):
        assert not ContactMessage.objects.filter(name="Trần Thị B").exists()


def test_admin_keeps_a_date_typed_as_dd_mm_yyyy_and_refuses_nonsense(tree):
    """ux B16: "18/11/2026" in Ngày đăng was replaced by today, silently."""
    from django.utils.translation import override
    from wagtail.test.utils.form_data import querydict_from_html

    from tests.factories.cms import make_article
    from tests.utils import admin_client

    with tenant_context(tree.commune_a1):
        article = make_article("Bài có ngày đăng")
    client = admin_client(tree.commune_a1)
    url = f"/admin/pages/{article.pk}/edit/"
    with override("vi"):
        html = client.get(url).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    data["body-count"] = "0"  # the StreamField editor is drawn by JavaScript
    data["date"] = "18/11/2026"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    with tenant_context(tree.commune_a1):
        article.refresh_from_db()
        revision = article.get_latest_revision_as_object()
    assert revision.date.isoformat() == "2026-11-18"

    data["date"] = "31/02/2026"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "31/02/2026" in refused.content.decode()  # kept for correction
