import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.utils import admin_client


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Each test starts with empty rate-limit counters and a generous rate."""
    settings.RATELIMITS = {**settings.RATELIMITS, "engage.form": "100/m"}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gps_photo():
    """A JPEG whose EXIF carries GPS coordinates (like a phone photo)."""

    def make(name="anh.jpg"):
        image = Image.new("RGB", (64, 48), (200, 30, 30))
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        gps = {1: "N", 2: (10.0, 2.0, 3.0), 3: "E", 4: (106.0, 40.0, 5.0)}
        exif[0x8825] = gps
        out = io.BytesIO()
        image.save(out, format="JPEG", exif=exif)
        return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")

    return make


@pytest.fixture
def admin_client_for():
    """A client logged in as a superuser (canbo<code>) of the unit's admin."""

    def make(unit):
        return admin_client(unit, username=f"canbo{unit.code}")

    return make
