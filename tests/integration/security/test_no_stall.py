"""Nothing a visitor sends stalls the site: arbitrary query strings make no
page-cache entries, a 36-megapixel photo is refused from its header, the
cache and the Celery broker live in different Redis databases, and the web
access log never records query strings (secrets ride in some)."""

import io
import time
import urllib.request

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.datastructures import MultiValueDict
from PIL import Image

from engage.forms import FeedbackForm
from tests.utils import start_web_server, test_database_url


@pytest.mark.django_db
def test_arbitrary_query_strings_create_no_page_cache_entries(tree):
    reader = Client(HTTP_HOST=tree.commune_a2.primary_hostname)
    reader.get("/tin-tuc/")
    assert reader.get("/tin-tuc/")["X-Page-Cache"] == "hit"
    for n in range(5):
        first = reader.get("/tin-tuc/", {"utm": f"flood{n}"})
        again = reader.get("/tin-tuc/", {"utm": f"flood{n}"})
        assert first.status_code == 200
        assert "X-Page-Cache" not in first and "X-Page-Cache" not in again
    reader.get("/tin-tuc/", {"page": "1"})
    assert reader.get("/tin-tuc/", {"page": "1"})["X-Page-Cache"] == "hit"


def _png(width, height):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_a_36_megapixel_photo_is_refused_before_decoding():
    photo = _png(6000, 6000)
    form = FeedbackForm(
        MultiValueDict(
            {
                "kind": ["phan-anh"],
                "category": ["khac"],
                "title": ["Đường ngập"],
                "body": ["Nước ngập cả tuần."],
                "website": [""],
            }
        ),
        MultiValueDict({"photos": [SimpleUploadedFile("lon.png", photo, "image/png")]}),
    )
    started = time.monotonic()
    assert not form.is_valid()
    took = time.monotonic() - started
    assert "quá lớn" in str(form.errors["photos"])
    assert took < 2, took  # the pixels were never decoded


def test_cache_and_broker_use_separate_redis_databases():
    cache_url = settings.CACHES["default"]["LOCATION"]
    assert cache_url.rsplit("/", 1)[0] == settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    assert cache_url.rsplit("/", 1)[1] != settings.CELERY_BROKER_URL.rsplit("/", 1)[1]


def test_access_log_never_records_query_strings(tmp_path, django_db_setup):
    log = tmp_path / "access.log"
    server = start_web_server(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
        },
        args=["--config", "python:config.gunicorn", "--access-logfile", str(log)],
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/healthz/?token=bi-mat-cua-bang-tin",
            headers={"Host": settings.BASE_DOMAIN},
        )
        urllib.request.urlopen(request, timeout=10).read()
        deadline = time.monotonic() + 10
        while "/healthz/" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.stop()
    text = log.read_text()
    assert "/healthz/" in text and "bi-mat-cua-bang-tin" not in text
