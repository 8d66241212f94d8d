"""A short-lived Redis cache of search results (counts, facets, a page).

Common queries ("thông tin", "kế hoạch") asked again within
``SEARCH_CACHE_SECONDS`` (default 60; 0 turns it off) are answered from
Redis. Keys hold a version that every index write bumps (``bump()``), so a
publish is visible at once. The keys do not depend on the tenant schema of
the connection (a worker indexing in a unit's schema must invalidate what
the platform host cached), hence the platform client (``base.redis``, the
fast one). Redis being down only means no cache.
"""

import hashlib
import logging
import pickle

import redis
from django.conf import settings

from base import redis as platform_redis

log = logging.getLogger(__name__)


def _client():
    return platform_redis.client(fast=True)


def _prefix():
    return platform_redis.key("search-results", "")


def ttl():
    return int(settings.SEARCH_CACHE_SECONDS or 0)


def bump():
    """Invalidate every cached result (called on each index write)."""
    if not ttl():
        return
    try:
        _client().incr(_prefix() + "version")
    except redis.RedisError as exc:
        log.warning("search cache: version bump failed: %s", exc)


def key(*parts):
    try:
        version = int(_client().get(_prefix() + "version") or 0)
    except redis.RedisError:
        return None
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"{_prefix()}{version}:{digest}"


def get(cache_key):
    if not cache_key:
        return None
    try:
        raw = _client().get(cache_key)
    except redis.RedisError:
        return None
    return pickle.loads(raw) if raw else None


def set(cache_key, value):
    if not cache_key:
        return
    try:
        _client().set(cache_key, pickle.dumps(value), ex=ttl())
    except redis.RedisError as exc:
        log.warning("search cache: write failed: %s", exc)
