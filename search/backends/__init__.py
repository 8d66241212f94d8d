"""Search backends, chosen by ``settings.SEARCH_BACKEND`` (a dotted path).

One module per backend, as Wagtail does: ``search.backends.postgres`` (the
default, this table in PostgreSQL) and ``search.backends.elasticsearch``
(``elasticsearch.dsl``, for production clusters).
"""

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


@lru_cache(maxsize=8)
def _load(path):
    return import_string(path)()


def get_backend(path=None):
    return _load(path or settings.SEARCH_BACKEND)
