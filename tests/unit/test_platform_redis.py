"""base.redis: one client per purpose, keys under the deployment's prefix."""

from django.conf import settings
from django.test import override_settings

from base import redis as platform_redis


def test_keys_sit_under_the_cache_prefix_and_an_app_namespace():
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert platform_redis.key("signage", "b", "abc") == f"{prefix}:signage:b:abc"
    assert platform_redis.key("search-results", "") == f"{prefix}:search-results:"


def test_one_shared_client_per_timeout():
    assert platform_redis.client() is platform_redis.client()
    assert platform_redis.client(fast=True) is not platform_redis.client()
    with override_settings(REDIS_FAST_TIMEOUT=0.05):
        fast = platform_redis.client(fast=True)
    assert fast.connection_pool.connection_kwargs["socket_timeout"] == 0.05
    slow = platform_redis.client().connection_pool.connection_kwargs
    assert slow["socket_timeout"] == settings.REDIS_SOCKET_TIMEOUT
