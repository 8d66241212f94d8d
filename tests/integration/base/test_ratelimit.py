"""The one rate limit: rates from settings.RATELIMITS, a pluggable key, and
refusals that never raise (JSON gets 429 {"error"}, forms keep their input)."""

import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from base.ratelimit import is_limited

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def by_device_header(group, request):
    """A stand-in for a proxy-aware key: who the client is comes from a header."""
    return request.META.get("HTTP_X_DEVICE", "none")


def start_pairing(client):
    return client.post(
        "/signage/api/pair/",
        data=json.dumps({"token": "s" * 43}),
        content_type="application/json",
    )


def test_json_endpoint_over_its_rate_gets_429_with_a_vietnamese_error(
    tree, client_for, settings
):
    settings.RATELIMITS = {**settings.RATELIMITS, "signage.pair_start": "2/m"}
    client = client_for(tree.commune_a1, REMOTE_ADDR="10.7.7.7")
    assert start_pairing(client).status_code == 200
    assert start_pairing(client).status_code == 200
    refused = start_pairing(client)
    assert refused.status_code == 429
    assert refused.json() == {
        "error": "Quá nhiều yêu cầu ghép nối, vui lòng thử lại sau."
    }
    # Another address, and the same address on another unit, still pass.
    assert (
        start_pairing(client_for(tree.commune_a1, REMOTE_ADDR="10.7.7.8")).status_code
        == 200
    )
    assert (
        start_pairing(client_for(tree.commune_a2, REMOTE_ADDR="10.7.7.7")).status_code
        == 200
    )


def test_rate_limit_key_is_a_setting(tree, client_for, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signage.pair_start": "1/m"}
    settings.RATELIMIT_KEY = f"{__name__}.by_device_header"
    first = client_for(tree.commune_a1, REMOTE_ADDR="10.7.7.9", HTTP_X_DEVICE="a")
    second = client_for(tree.commune_a1, REMOTE_ADDR="10.7.7.9", HTTP_X_DEVICE="b")
    assert start_pairing(first).status_code == 200
    # Same address, another key value: counted apart.
    assert start_pairing(second).status_code == 200
    assert start_pairing(first).status_code == 429


def test_group_without_a_rate_is_a_configuration_error(settings):
    settings.RATELIMITS = {}
    request = RequestFactory().post("/")
    with pytest.raises(ImproperlyConfigured, match="RATELIMITS"):
        is_limited(request, "cms.contact")


def test_method_filter_counts_only_posts(settings):
    # An hour, not a minute: a slow run must not cross into the next window.
    settings.RATELIMITS = {**settings.RATELIMITS, "engage.form": "1/h"}
    factory = RequestFactory(REMOTE_ADDR="10.7.8.1")
    for _ in range(3):
        request = factory.get("/")
        assert not is_limited(request, "engage.form", method="POST")
        assert request.limited is False
    assert not is_limited(factory.post("/"), "engage.form", method="POST")
    request = factory.post("/")
    assert is_limited(request, "engage.form", method="POST")
    assert request.limited is True
