"""The search page, autocomplete, legal lookup and the JSON API on unit and
platform hosts."""

import datetime as dt

import pytest
from django.core.cache import cache

from search import services


@pytest.fixture
def corpus(db, tree):
    def add(unit, object_id, title, kind="article", **extra):
        services.index_document(
            unit=unit,
            kind=kind,
            object_id=object_id,
            title=title,
            body=f"{title}. Nội dung về thông tin cơ sở.",
            url=f"/tin-tuc/bai-{object_id}/",
            category="Tin tức",
            published_at=dt.date(2024, 4, 2),
            extra=extra or None,
        )

    add(tree.commune_a1, 1, "Thông tin cơ sở xã An Bình")
    add(tree.commune_a2, 2, "Thông tin cơ sở xã An Hòa")
    add(tree.commune_b1, 3, "Thông tin cơ sở xã Bình Lợi")
    add(
        tree.commune_b1,
        4,
        "Quyết định về thông tin cơ sở",
        kind="legal",
        number="15/QĐ-UBND",
        doc_type="Quyết định",
        issuer="UBND xã Bình Lợi",
    )
    return add


def test_search_page_finds_without_diacritics_and_highlights(client_for, tree, corpus):
    response = client_for(tree.commune_a1).get("/tim-kiem/", {"q": "thong tin co so"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Thông</mark>" in html
    assert "Xã An Bình" in html
    assert "Bình Lợi" not in html  # unit scope by default
    # Links point at the unit's own host.
    assert f"http://{tree.commune_a1.primary_hostname}/tin-tuc/bai-1/" in html


def test_search_page_scope_and_unit_facet(client_for, tree, corpus):
    client = client_for(tree.commune_a1)
    html = client.get("/tim-kiem/", {"q": "thong tin", "scope": "province"}).content
    html = html.decode()
    assert "Tìm thấy 4 kết quả" in html
    assert f"unit={tree.commune_b1.schema_name}" in html
    narrowed = client.get(
        "/tim-kiem/",
        {"q": "thong tin", "scope": "province", "unit": tree.commune_b1.schema_name},
    ).content.decode()
    assert "Tìm thấy 2 kết quả" in narrowed


def test_platform_search_covers_every_unit(client_for, tree, corpus, settings):
    html = client_for(settings.BASE_DOMAIN).get("/tim-kiem/", {"q": "thong tin"})
    assert "Tìm thấy 4 kết quả" in html.content.decode()


def test_autocomplete_returns_titles(client_for, tree, corpus):
    data = (
        client_for(tree.commune_a1)
        .get("/tim-kiem/goi-y/", {"q": "thong tin co", "scope": "district"})
        .json()
    )
    assert {s["title"] for s in data["suggestions"]} == {
        "Thông tin cơ sở xã An Bình",
        "Thông tin cơ sở xã An Hòa",
    }


def test_legal_lookup_page_lists_documents_of_other_units(client_for, tree, corpus):
    html = (
        client_for(tree.commune_a1)
        .get("/tim-kiem/van-ban/", {"number": "15/qd", "scope": "province"})
        .content.decode()
    )
    assert "15/QĐ-UBND" in html and "Tìm thấy 1 văn bản" in html


def test_legal_lookup_keeps_input_and_explains_bad_dates(client_for, tree, corpus):
    html = (
        client_for(tree.commune_a1)
        .get(
            "/tim-kiem/van-ban/",
            {"issuer": "UBND xã", "date_from": "2024-05-01", "date_to": "2024-01-01"},
        )
        .content.decode()
    )
    assert "“Đến ngày” phải sau “Từ ngày”." in html
    assert 'value="UBND xã"' in html


def test_json_api_and_openapi_schema(client_for, tree, corpus):
    client = client_for(tree.commune_a1)
    data = client.get("/tim-kiem/api/", {"q": "thong tin", "scope": "district"}).json()
    assert data["total"] == 2
    assert {r["unit"] for r in data["results"]} == {"Xã An Bình", "Xã An Hòa"}
    assert data["facets"]["kind"] == [
        {"value": "article", "label": "Tin bài", "count": 2}
    ]
    # The same operation is /api/v1/search/ in API v1's one document.
    assert (
        client.get("/api/v1/search/", {"q": "thong tin", "scope": "district"}).json()
        == data
    )
    schema = client.get(
        "/tim-kiem/api/schema/", HTTP_ACCEPT="application/json", follow=True
    )
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/search/" in text and "SearchResponse" in text


def test_search_is_rate_limited_with_a_vietnamese_message(
    client_for, tree, corpus, settings
):
    settings.RATELIMITS = {**settings.RATELIMITS, "search": "2/m"}
    cache.clear()
    client = client_for(tree.commune_a1, REMOTE_ADDR="10.9.9.9")
    for _ in range(2):
        assert client.get("/tim-kiem/", {"q": "thong tin"}).status_code == 200
    response = client.get("/tim-kiem/", {"q": "thong tin"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Bạn tìm kiếm quá nhiều lần" in html
    assert 'value="thong tin"' in html
    cache.clear()
