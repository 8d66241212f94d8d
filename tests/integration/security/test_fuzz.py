"""No 500 from input: NUL bytes and junk in every public URL (path
segments, query and form values, cookies, JSON fields) and in every
operation of the OpenAPI documents (schemathesis) get a 400, a 404 or a
form error, never a 5xx."""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from config.wsgi import application
from signage.models import Board
from signage.services import issue_token

pytestmark = pytest.mark.django_db

JUNK = [
    "-1",
    "99999999999999999999999",
    "nan",
    "2025-13-45T99:99",
    "'%[]{}../..",
    "đường làng \ud7ff\ufffd " + "x" * 600,
]
# Every parameter name a public view or page reads, and some it does not.
PARAMS = [
    "q",
    "page",
    "page_size",
    "ma",
    "scope",
    "kind",
    "unit",
    "category",
    "year",
    "since",
    "don-vi",
    "chuyen-muc",
    "loai",
    "co_quan",
    "nam",
    "so_hieu",
    "token",
    "k",
    "ballot",
    "next",
    "format",
    "lang",
    "domain",
    "sort",
    "order",
    "t",
]
PATH_JUNK = {
    "str": ["%00", "H%00", "P%00", "abc", "ZZZZZZZZZ", "%27", "x" * 300],
    "int": ["0", "99999999999999999999", "9223372036854775808"],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
}
FORM = "application/x-www-form-urlencoded"
SKIPPED_PREFIXES = ("admin/", "documents/", "^media/")


def public_paths(urlconf):
    """Every route of a URL conf outside the admin, with each converter
    replaced by junk (page-tree routes: the mandated sections)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    paths = set()
    for route in walk(get_resolver(urlconf).url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if route.startswith("^(("):  # Wagtail's page tree
            for section in ("", "tin-tuc/", "van-ban/", "thong-bao/", "lien-he/"):
                paths.add(f"/{section}")
                paths.add(f"/{section}%00/")
                paths.add(f"/{section}khong-co-trang-nay/")
            continue
        variants = [route]
        for kind, values in PATH_JUNK.items():
            marker = f"<{kind}:"
            while any(marker in v for v in variants):
                expanded = []
                for v in variants:
                    if marker not in v:
                        expanded.append(v)
                        continue
                    head, _, tail = v.partition(marker)
                    rest = tail.split(">", 1)[1]
                    expanded.extend(head + value + rest for value in values)
                variants = expanded
        paths.update("/" + v for v in variants)
    return sorted(paths)


@pytest.fixture
def hosts(tree):
    return {
        "commune": tree.commune_a1.primary_hostname,
        "district": tree.district_a.primary_hostname,
        "platform": settings.BASE_DOMAIN,
    }


def _check(response, what):
    assert response.status_code < 500, (what, response.status_code)


def junk_queries():
    """Query dicts giving every parameter every junk value across a few
    requests (rotated, so one request carries many kinds of junk)."""
    yield {name: "a\x00b" for name in PARAMS}
    for shift in range(len(JUNK)):
        yield {
            name: JUNK[(shift + index) % len(JUNK)] for index, name in enumerate(PARAMS)
        }


@pytest.mark.parametrize(
    "host_key,urlconf,post",
    [
        ("commune", "config.urls_tenant", True),
        ("district", "config.urls_tenant", False),
        ("platform", "config.urls_public", True),
    ],
)
def test_every_public_url_answers_junk_without_a_server_error(
    hosts, host_key, urlconf, post, settings
):
    # The limits would answer 429 before the junk reaches the views.
    settings.RATELIMITS = {group: "100000/s" for group in settings.RATELIMITS}
    client = Client(HTTP_HOST=hosts[host_key], raise_request_exception=False)
    paths = public_paths(urlconf)
    assert len(paths) > 15
    for path in paths:
        _check(client.get(path), ("GET", path))
        for data in junk_queries():
            _check(client.get(path, data), ("GET", path, data))
            if post:
                body = urlencode(data, doseq=True)
                _check(client.post(path, body, content_type=FORM), ("POST", path))
        if post:
            _check(client.post(path, {"q": "a\x00", "title": "\x00"}), ("form", path))
            _check(
                client.post(path, '{"a": "\\u0000"}', content_type="application/json"),
                ("POST json", path),
            )
    client.cookies["sessionid"] = "abc\x00"
    _check(client.get("/"), "NUL in session cookie")


def test_nul_in_a_parameter_is_a_vietnamese_400(hosts):
    client = Client(HTTP_HOST=hosts["commune"])
    page = client.get("/tra-cuu-ho-so/", {"ma": "H\x00"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "ký tự không hợp lệ" in html and 'href="/"' in html  # chrome, way back
    assert 'class="site-header"' in html
    api = client.get("/api/v1/syndication/items/", {"category": "\x00"})
    assert api.status_code == 400 and "ký tự không hợp lệ" in api.json()["error"]


JSON_JUNK = [
    "\x00",
    {"status": "\x00"},
    {"status": "ok", "player_version": "a\x00", "uptime": "nan"},
    {"plays": [{"slide": "\x00", "started_at": "x", "duration": "nan"}]},
    {"plays": "x"},
    {"plays": [1, None, [], {}]},
    {"screen": {"width": 1e308, "height": -1}},
    [],
    None,
    "x" * 10000,
    {"plays": [{"key": "a", "at": "2025-13-45T99:99:99", "seconds": 1e999}] * 3},
]


def test_board_reports_answer_junk_with_400_not_500(tree, hosts):
    board = Board.objects.create(unit=tree.commune_a1, name="Bảng thử", kind="lcd")
    token = issue_token(board)
    client = Client(
        HTTP_HOST=hosts["commune"],
        HTTP_AUTHORIZATION=f"Bearer {token}",
        raise_request_exception=False,
    )
    for endpoint in ("heartbeat", "plays"):
        url = f"/signage/api/boards/{board.uid}/{endpoint}/"
        for body in JSON_JUNK:
            raw = body if isinstance(body, str) else json.dumps(body)
            _check(
                client.post(url, raw, content_type="application/json"),
                (endpoint, raw[:60]),
            )
        _check(client.post(url, b"\xff\xfe", content_type="application/json"), "bytes")
        _check(client.post(url, '{"a": NaN}', content_type="application/json"), "NaN")
    for body in JSON_JUNK:
        raw = body if isinstance(body, str) else json.dumps(body)
        _check(
            client.post("/signage/api/pair/", raw, content_type="application/json"),
            ("pair", raw[:60]),
        )


@pytest.fixture
def wsgi_app():
    """Django's WSGI app in this process, inside the test's transaction (as
    Django's test client does, requests must not close the connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("host_key", ["commune", "district", "platform"])
def test_openapi_operations_never_answer_5xx(hosts, host_key, wsgi_app, settings):
    """Every operation of API v1's one document, fuzzed on a commune's host
    (where citizens send), a district portal and the platform host."""
    settings.RATELIMITS = {group: "100000/s" for group in settings.RATELIMITS}
    base_url = f"http://{hosts[host_key]}"
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", wsgi_app, base_url=base_url
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:

        @hypothesis_settings(
            max_examples=60,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            response = case.call(base_url=base_url)
            assert response.status_code < 500, (
                case.method,
                case.path,
                case.query,
                response.text[:300],
            )

        fuzz()
