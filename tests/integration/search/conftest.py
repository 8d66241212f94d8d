"""Search tests run once per configured backend."""

import os
import uuid

import pytest

from search.backends import _load

BACKENDS = {
    "postgres": "search.backends.postgres.PostgresBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}
ES_SKIP = (
    "Elasticsearch cannot run on this machine; set ELASTICSEARCH_URL to run "
    "the Elasticsearch backend tests"
)


@pytest.fixture(
    params=[
        "postgres",
        pytest.param(
            "elasticsearch",
            marks=pytest.mark.skipif(
                not os.environ.get("ELASTICSEARCH_URL"), reason=ES_SKIP
            ),
        ),
    ]
)
def search_backend(request, settings, db):
    """Every search test, once per backend (SEARCH_BACKEND switched)."""
    settings.SEARCH_BACKEND = BACKENDS[request.param]
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
        settings.SEARCH_ELASTICSEARCH_INDEX = f"ttcs-test-{uuid.uuid4().hex[:8]}"
        settings.SEARCH_ELASTICSEARCH_REFRESH = True
    _load.cache_clear()
    backend = _load(BACKENDS[request.param])
    yield backend
    if request.param == "elasticsearch":
        backend.client.indices.delete(index=backend.index_name)
    _load.cache_clear()
