"""Each system check is silent on the project's settings and fires, with its
id, on a settings override that breaks what it guards."""

from django.conf import settings
from django.core import checks
from django.test import override_settings

from base.checks import check_admin_is_unit_scoped, check_rate_limits
from broadcast.checks import check_speech_tools
from search.checks import check_search_backend
from tenants.checks import (
    check_cache_keys_carry_the_schema,
    check_cookies_stay_on_one_host,
)

ES = "search.backends.elasticsearch.ElasticsearchBackend"


def ids(messages):
    return sorted(m.id for m in messages)


def test_every_check_is_silent_on_the_project_settings():
    assert checks.run_checks(include_deployment_checks=False) == []
    for check in (
        check_cache_keys_carry_the_schema,
        check_cookies_stay_on_one_host,
        check_search_backend,
        check_speech_tools,
        check_rate_limits,
        check_admin_is_unit_scoped,
    ):
        assert check() == []


def test_cache_alias_without_make_key_is_tenants_e001():
    caches = {alias: dict(options) for alias, options in settings.CACHES.items()}
    caches["renditions"].pop("KEY_FUNCTION")
    with override_settings(CACHES=caches):
        messages = check_cache_keys_carry_the_schema()
    assert ids(messages) == ["tenants.E001"]
    assert "renditions" in messages[0].msg


def test_cookie_domain_shared_by_units_is_tenants_e002():
    with override_settings(SESSION_COOKIE_DOMAIN=".localhost"):
        assert ids(check_cookies_stay_on_one_host()) == ["tenants.E002"]


def test_elasticsearch_without_its_url_is_search_e001():
    with override_settings(SEARCH_BACKEND=ES, ELASTICSEARCH_URL=""):
        assert ids(check_search_backend()) == ["search.E001"]
    with override_settings(SEARCH_BACKEND=ES, ELASTICSEARCH_URL="http://es:9200"):
        assert check_search_backend() == []


def test_search_backend_that_does_not_import_is_search_e002():
    with override_settings(SEARCH_BACKEND="search.backends.solr.SolrBackend"):
        assert ids(check_search_backend()) == ["search.E002"]


def test_missing_espeak_is_broadcast_w001_and_missing_ffmpeg_w002(tmp_path):
    with override_settings(BROADCAST_ESPEAK_BINARY=str(tmp_path / "espeak-ng")):
        messages = check_speech_tools()
    assert ids(messages) == ["broadcast.W001"]
    assert messages[0].level == checks.WARNING
    with override_settings(FFMPEG_BINARY=str(tmp_path / "ffmpeg")):
        assert ids(check_speech_tools()) == ["broadcast.W002"]


def test_espeak_not_chosen_is_not_required(tmp_path):
    with override_settings(
        BROADCAST_TTS_ENGINES=["broadcast.speech.tts.PiperEngine"],
        BROADCAST_ESPEAK_BINARY=str(tmp_path / "espeak-ng"),
    ):
        assert check_speech_tools() == []


def test_tts_engine_that_does_not_import_is_broadcast_e001():
    engines = [*settings.BROADCAST_TTS_ENGINES, "broadcast.speech.tts.FestivalEngine"]
    with override_settings(BROADCAST_TTS_ENGINES=engines):
        assert ids(check_speech_tools()) == ["broadcast.E001"]


def test_unreadable_rate_is_base_e001_and_bad_key_base_e002():
    with override_settings(RATELIMITS={**settings.RATELIMITS, "search": "120 per m"}):
        messages = check_rate_limits()
    assert ids(messages) == ["base.E001"]
    assert "search" in messages[0].msg
    with override_settings(RATELIMIT_KEY="base.ratelimit.no_such_key"):
        assert ids(check_rate_limits()) == ["base.E002"]
    with override_settings(RATELIMIT_KEY="user"):
        assert check_rate_limits() == []


def test_admin_viewset_over_a_shared_table_without_the_scope_is_base_e003():
    from wagtail.admin.viewsets.model import ModelViewSet

    from base.admin import UnitScopedViewSet
    from signage.models import Board

    class LeakyBoards(ModelViewSet):
        model = Board
        form_fields = ["name"]

    class ScopedBoards(UnitScopedViewSet):
        model = Board
        form_fields = ["name"]

    messages = check_admin_is_unit_scoped(viewsets=[LeakyBoards("leaky")])
    assert ids(messages) == ["base.E003"]
    assert "signage.Board" in messages[0].msg
    assert check_admin_is_unit_scoped(viewsets=[ScopedBoards("scoped")]) == []


def test_an_mp3_rate_too_heavy_for_3g_is_broadcast_e002():
    with override_settings(BROADCAST_MP3_KBPS=128):
        assert ids(check_speech_tools()) == ["broadcast.E002"]
    with override_settings(BROADCAST_MP3_KBPS=32):
        assert check_speech_tools() == []
