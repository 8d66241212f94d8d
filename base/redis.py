"""The platform's own Redis client, for keys that must NOT carry the tenant
schema (Django's cache does: django-tenants' ``make_key``).

A board's manifest state is read on a unit's host and written by a worker in
another schema; search results cached on the platform host are invalidated by
a worker indexing inside a unit. Those keys live here, under the cache's
``KEY_PREFIX`` (so a test run, a demo and production never share them) and a
namespace per app: ``key("signage", "b", uid)`` -> ``"ttcs:signage:b:<uid>"``.

Two timeouts, one client per (URL, timeout):
- ``client()`` waits ``REDIS_SOCKET_TIMEOUT`` seconds: state the caller needs
  (board tokens, pairing, the player's event stream);
- ``client(fast=True)`` waits ``REDIS_FAST_TIMEOUT``: best-effort caches, where
  a slow Redis must cost a search no more than a miss.

``async_client()`` is the asyncio client of the boards' event-stream process
(signage/events.py).
"""

import redis
from django.conf import settings

_clients = {}


def client(*, fast=False):
    """A shared ``redis.Redis`` on ``settings.REDIS_URL``."""
    timeout = settings.REDIS_FAST_TIMEOUT if fast else settings.REDIS_SOCKET_TIMEOUT
    url = settings.REDIS_URL
    if (url, timeout) not in _clients:
        _clients[url, timeout] = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
    return _clients[url, timeout]


def async_client():
    """A shared ``redis.asyncio.Redis`` for one event loop's process. A burst
    of reconnecting boards waits for a pooled connection instead of opening
    one each (the hub there holds the only subscription)."""
    import redis.asyncio as aioredis

    url = settings.REDIS_URL
    if ("async", url) not in _clients:
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=20, timeout=20
        )
        _clients["async", url] = aioredis.Redis(connection_pool=pool)
    return _clients["async", url]


def key_prefix():
    """The deployment's prefix, shared with the cache aliases."""
    return settings.CACHES["default"].get("KEY_PREFIX", "ttcs")


def key(namespace, *parts):
    """``<KEY_PREFIX>:<namespace>:<part>:<part>...``"""
    return ":".join([key_prefix(), namespace, *(str(p) for p in parts)])
