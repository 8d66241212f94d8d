"""System checks of the cross-unit search index."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register("search")
def check_search_backend(app_configs=None, **kwargs):
    """search.E001: the chosen backend misses a setting it needs (the
    Elasticsearch backend without ELASTICSEARCH_URL); search.E002: a
    SEARCH_BACKEND that cannot be imported."""
    path = settings.SEARCH_BACKEND
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [
            Error(
                f"SEARCH_BACKEND {path!r} cannot be imported: {exc}",
                hint="Use search.backends.postgres.PostgresBackend or "
                "search.backends.elasticsearch.ElasticsearchBackend.",
                obj="SEARCH_BACKEND",
                id="search.E002",
            )
        ]
    return [
        Error(
            f"SEARCH_BACKEND is {backend.name} but {name} is empty.",
            hint=f"Set {name} or choose search.backends.postgres.PostgresBackend.",
            obj="SEARCH_BACKEND",
            id="search.E001",
        )
        for name in getattr(backend, "required_settings", ())
        if not getattr(settings, name, None)
    ]
