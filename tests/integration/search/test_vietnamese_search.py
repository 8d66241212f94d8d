"""Diacritic-insensitive search, exact-accent ranking, OCR text, facets and
scopes, on every configured backend."""

import datetime as dt
from pathlib import Path

from django.conf import settings

from search import services
from search.folding import fold


def add(unit, object_id, title, body="", kind="article", category="Tin tức", **kw):
    return services.index_document(
        unit=unit,
        kind=kind,
        object_id=object_id,
        title=title,
        body=body,
        url=f"/tin-tuc/{object_id}/",
        category=category,
        published_at=kw.pop("published_at", dt.date(2024, 5, 1)),
        **kw,
    )


def titles(results):
    return [hit.title for hit in results.hits]


def test_folding_handles_d_with_stroke_and_combining_marks():
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("THÔNG TIN CƠ SỞ") == "thong tin co so"
    # Decomposed (NFD) input, as some OCR tools write it.
    assert fold("Tho\u0302ng tin") == "thong tin"


def test_query_without_diacritics_finds_text_with_them(search_backend, tree):
    add(tree.commune_a1, 1, "Phát triển thông tin cơ sở", "Kế hoạch năm 2024")
    add(tree.commune_a1, 2, "Chợ phiên cuối tuần", "Hàng nông sản")
    results = services.search(
        "thong tin co so", scope_unit=tree.commune_a1, scope="unit"
    )
    assert titles(results) == ["Phát triển thông tin cơ sở"]
    assert "<mark>thông</mark>" in results.hits[0].title_html


def test_dak_lak_finds_the_province_name(search_backend, tree):
    add(tree.commune_a1, 1, "Đoàn công tác tỉnh Đắk Lắk", "Thăm và làm việc")
    results = services.search("dak lak", scope_unit=tree.commune_a1, scope="unit")
    assert titles(results) == ["Đoàn công tác tỉnh Đắk Lắk"]


def test_exact_accent_match_ranks_above_folded_match(search_backend, tree):
    # "lăng" and "làng" fold to the same word; the one typed must come first.
    add(tree.commune_a1, 1, "Lễ hội làng truyền thống", "Làng nghề dệt")
    add(tree.commune_a1, 2, "Lễ hội lăng truyền thống", "Lăng mộ cổ")
    first = services.search("lăng", scope_unit=tree.commune_a1, scope="unit")
    assert titles(first)[0] == "Lễ hội lăng truyền thống"
    assert len(first.hits) == 2
    second = services.search("làng", scope_unit=tree.commune_a1, scope="unit")
    assert titles(second)[0] == "Lễ hội làng truyền thống"


def test_ocr_mangled_corpus_is_indexed_and_found(search_backend, tree):
    corpus = Path(settings.SHARED_DIR) / "corpus"
    files = sorted(corpus.glob("*-ocr.txt"))
    assert files, "the shared OCR corpus is missing"
    for index, path in enumerate(files):
        add(tree.commune_a1, index, path.stem, path.read_text(errors="replace"))
    results = services.search("ke hoach", scope_unit=tree.commune_a1, scope="unit")
    assert results.total == len(files)
    assert all(hit.snippet for hit in results.hits)


def test_scope_widens_from_unit_to_district_to_province(search_backend, tree):
    add(tree.commune_a1, 1, "Thông báo lịch tiêm chủng An Bình")
    add(tree.commune_a2, 2, "Thông báo lịch tiêm chủng An Hòa")
    add(tree.commune_b1, 3, "Thông báo lịch tiêm chủng Bình Lợi")
    add(tree.province, 4, "Thông báo lịch tiêm chủng toàn tỉnh")

    def found(scope):
        return set(
            titles(
                services.search("tiem chung", scope_unit=tree.commune_a1, scope=scope)
            )
        )

    assert found("unit") == {"Thông báo lịch tiêm chủng An Bình"}
    assert found("district") == {
        "Thông báo lịch tiêm chủng An Bình",
        "Thông báo lịch tiêm chủng An Hòa",
    }
    assert len(found("province")) == 4
    # Another commune never sees commune A1's item in its own unit scope.
    other = services.search("tiem chung", scope_unit=tree.commune_b1, scope="unit")
    assert titles(other) == ["Thông báo lịch tiêm chủng Bình Lợi"]


def test_facets_count_and_filter_by_unit_kind_category_year(search_backend, tree):
    add(tree.commune_a1, 1, "Nước sạch nông thôn", category="Tin tức")
    add(
        tree.commune_a1,
        2,
        "Nước sạch cho trường học",
        kind="announcement",
        category="Thông báo",
        published_at=dt.date(2023, 3, 2),
    )
    add(tree.commune_a2, 3, "Nước sạch An Hòa", category="Tin tức")
    results = services.search("nuoc sach", scope_unit=tree.commune_a1, scope="district")
    assert results.total == 3
    facets = {name: dict(values) for name, values in results.facets.items()}
    assert facets["schema"] == {
        tree.commune_a1.schema_name: 2,
        tree.commune_a2.schema_name: 1,
    }
    assert facets["kind"] == {"article": 2, "announcement": 1}
    assert facets["year"] == {2024: 2, 2023: 1}
    assert facets["category"] == {"Tin tức": 2, "Thông báo": 1}
    narrowed = services.search(
        "nuoc sach",
        scope_unit=tree.commune_a1,
        scope="district",
        kinds=["article"],
        years=[2024],
        units=[tree.commune_a2.schema_name],
    )
    assert titles(narrowed) == ["Nước sạch An Hòa"]


def test_paging_splits_results(search_backend, tree):
    for i in range(23):
        add(tree.commune_a1, i, f"Bản tin số {i}", published_at=dt.date(2024, 1, 1 + i))
    page1 = services.search("ban tin", scope_unit=tree.commune_a1, page_size=10)
    page3 = services.search("ban tin", scope_unit=tree.commune_a1, page=3, page_size=10)
    assert page1.total == 23 and page1.num_pages == 3
    assert len(page1.hits) == 10 and len(page3.hits) == 3
    assert not set(titles(page1)) & set(titles(page3))


def test_remove_document_drops_it_from_results(search_backend, tree):
    add(tree.commune_a1, 7, "Lịch tiếp công dân")
    services.remove_document(unit=tree.commune_a1, kind="article", object_id=7)
    assert services.search("lich tiep", scope_unit=tree.commune_a1).total == 0


def test_reindexing_the_same_id_replaces_the_document(search_backend, tree):
    add(tree.commune_a1, 7, "Lịch tiếp công dân tháng 5")
    add(tree.commune_a1, 7, "Lịch tiếp công dân tháng 6")
    results = services.search("lich tiep", scope_unit=tree.commune_a1)
    assert titles(results) == ["Lịch tiếp công dân tháng 6"]


def test_autocomplete_suggests_titles_from_a_prefix(search_backend, tree):
    add(tree.commune_a1, 1, "Hướng dẫn đăng ký khai sinh")
    add(tree.commune_a1, 2, "Hướng dẫn đăng ký kết hôn")
    add(tree.commune_b1, 3, "Hướng dẫn đăng ký thường trú")
    hits = services.autocomplete(
        "huong dan dang k", scope_unit=tree.commune_a1, scope="unit"
    )
    assert {h.title for h in hits} == {
        "Hướng dẫn đăng ký khai sinh",
        "Hướng dẫn đăng ký kết hôn",
    }


def test_legal_lookup_by_number_type_issuer_and_date_across_units(search_backend, tree):
    def legal(unit, object_id, number, doc_type, issuer, issued):
        services.index_document(
            unit=unit,
            kind="legal",
            object_id=object_id,
            title=f"{doc_type} {number}",
            body="Về việc phát triển thông tin cơ sở",
            url=f"/van-ban/{object_id}/",
            category=doc_type,
            published_at=issued,
            extra={"number": number, "doc_type": doc_type, "issuer": issuer},
        )

    legal(
        tree.commune_a1,
        1,
        "12/QĐ-UBND",
        "Quyết định",
        "UBND xã An Bình",
        dt.date(2024, 2, 1),
    )
    legal(
        tree.commune_b1,
        2,
        "45/KH-UBND",
        "Kế hoạch",
        "UBND xã Bình Lợi",
        dt.date(2023, 6, 1),
    )
    legal(
        tree.province,
        3,
        "7/2024/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh",
        dt.date(2024, 9, 1),
    )

    def lookup(**kw):
        return set(
            titles(services.lookup_legal_documents(scope_unit=tree.commune_a1, **kw))
        )

    assert lookup(number="12/qd") == {"Quyết định 12/QĐ-UBND"}
    assert lookup(doc_type="Quyết định") == {
        "Quyết định 12/QĐ-UBND",
        "Quyết định 7/2024/QĐ-UBND",
    }
    assert lookup(issuer="binh loi") == {"Kế hoạch 45/KH-UBND"}
    assert lookup(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 3, 1)) == {
        "Quyết định 12/QĐ-UBND"
    }
    # Unit scope keeps other units' documents out.
    only_here = services.lookup_legal_documents(
        scope_unit=tree.commune_a1, scope="unit"
    )
    assert titles(only_here) == ["Quyết định 12/QĐ-UBND"]


def test_very_broad_query_ranks_newest_candidates_and_says_so(
    search_backend, tree, settings, client_for
):
    if search_backend.name != "postgres":
        return  # the candidate cap is a PostgreSQL-backend measure
    settings.SEARCH_BROAD_THRESHOLD = 0
    settings.SEARCH_BROAD_CANDIDATES = 3
    for i in range(5):
        add(
            tree.commune_a1,
            i,
            f"Thông tin số {i}",
            published_at=dt.date(2024, 1, 1 + i),
        )
    add(tree.commune_a1, 9, "Thông tin mới nhất", published_at=dt.date(2024, 2, 1))
    results = services.search("thong tin", scope_unit=tree.commune_a1)
    assert results.approximate and results.total == 3
    assert set(titles(results)) == {
        "Thông tin mới nhất",
        "Thông tin số 4",
        "Thông tin số 3",
    }
    html = client_for(tree.commune_a1).get("/tim-kiem/", {"q": "thong tin"}).content
    assert "Khoảng" in html.decode()


def test_long_document_hit_carries_only_the_head_of_its_body(search_backend, tree):
    from search.backends.base import SNIPPET_SOURCE_CHARS

    filler = "Điều khoản thi hành của văn bản. " * 4000  # ~130,000 characters
    add(
        tree.commune_a1,
        1,
        "Quyết định ban hành quy chế",
        "Quy chế về thông tin cơ sở trên địa bàn xã. " + filler,
        kind="legal",
    )
    results = services.search("thong tin co so", scope_unit=tree.commune_a1)
    (hit,) = results.hits
    assert len(hit.body) <= SNIPPET_SOURCE_CHARS
    assert "<mark>thông</mark> <mark>tin</mark>" in hit.snippet
