import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


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
def admin_client_for(client_for):
    """A client logged in as a superuser of the given unit's own admin."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    def make(unit):
        client = client_for(unit)
        with tenant_context(unit):
            user = get_user_model().objects.create_superuser(
                f"canbo{unit.code}", f"canbo{unit.code}@example.vn", "matkhau-123"
            )
            client.force_login(user)
        return client

    return make
