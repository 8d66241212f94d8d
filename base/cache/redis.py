"""Django's Redis cache, with one client per server and reads kept for the
length of a request.

- Django's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis``
  for every operation (its connection pool is kept, the client is not), and
  each one fills a table of some 170 response callbacks: on a cached page
  that was more time than the round trips to Redis. The client only borrows
  connections from its pool, so one per server is enough.
- ``cache.kept(keys)`` reads several keys in one round trip (``MGET``) and,
  inside its block, answers ``get()`` of those keys from what it read: a
  page reads the unit's generation and its live emergencies once, however
  many times the page cache, the unit memo and the templates ask. A write
  of a key from this process (set, add, incr, delete...) forgets it.
"""

import contextlib
import contextvars

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# {full key: value, or _ABSENT}, while a ``kept()`` block runs.
_kept = contextvars.ContextVar("base_cache_kept", default=None)
_ABSENT = object()


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            self._get_connection_pool(write)  # creates self._pools[index]
            client = self._clients[index] = self._client(
                connection_pool=self._pools[index]
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def validate_key(self, key):
        # Django's check walks the key character by character for memcached's
        # limits (length, control characters), which Redis does not have.
        pass

    @contextlib.contextmanager
    def kept(self, keys):
        """Read ``keys`` at once; yields {key: value} of those present."""
        full = {self.make_key(key): key for key in keys}
        found = self._cache.get_many(list(full))
        kept = dict(_kept.get() or {})
        kept.update({made: found.get(made, _ABSENT) for made in full})
        token = _kept.set(kept)
        try:
            yield {full[made]: value for made, value in found.items()}
        finally:
            _kept.reset(token)

    def _forget(self, key, version=None):
        kept = _kept.get()
        if kept:
            kept.pop(self.make_key(key, version=version), None)

    def get(self, key, default=None, version=None):
        kept = _kept.get()
        if kept:
            value = kept.get(self.make_key(key, version=version), None)
            if value is not None:
                return default if value is _ABSENT else value
        return super().get(key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(key, version)
        return super().set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(key, version)
        return super().add(key, value, timeout, version)

    def delete(self, key, version=None):
        self._forget(key, version)
        return super().delete(key, version)

    def incr(self, key, delta=1, version=None):
        self._forget(key, version)
        return super().incr(key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        for key in data:
            self._forget(key, version)
        return super().set_many(data, timeout, version)

    def delete_many(self, keys, version=None):
        for key in keys:
            self._forget(key, version)
        return super().delete_many(keys, version)

    def clear(self):
        kept = _kept.get()
        if kept:
            kept.clear()
        return super().clear()
