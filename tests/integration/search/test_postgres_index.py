"""The PostgreSQL backend's own measures for a large index: scope lexemes in
the GIN index, the narrow heap row, the estimate of words that go together,
and autocomplete on titles. (Speed itself: bench/search_corpus.py.)"""

import datetime as dt

import pytest
from django.db import connection

from search import services
from search.backends import _load
from search.models import ScopeQuery

POSTGRES = "search.backends.postgres.PostgresBackend"


@pytest.fixture
def backend(settings, db):
    settings.SEARCH_BACKEND = POSTGRES
    _load.cache_clear()
    yield _load(POSTGRES)
    _load.cache_clear()


def add(unit, object_id, title, body="", published_at=dt.date(2024, 5, 1)):
    services.index_document(
        unit=unit,
        kind="article",
        object_id=object_id,
        title=title,
        body=body,
        url=f"/tin-tuc/{object_id}/",
        category="Tin tức",
        published_at=published_at,
    )


def units_of(results):
    return sorted(hit.schema for hit in results.hits)


@pytest.mark.parametrize("lexemes", [40, 0], ids=["scope-lexemes", "heap-filter"])
def test_district_and_unit_scope_through_the_index(backend, tree, settings, lexemes):
    # 40: the scope is asked of the GIN index; 0: tested on the heap row.
    settings.SEARCH_SCOPE_LEXEMES = lexemes
    add(tree.commune_a1, 1, "Lịch tiếp công dân xã An Bình")
    add(tree.commune_a2, 2, "Lịch tiếp công dân xã An Hòa")
    add(tree.commune_b1, 3, "Lịch tiếp công dân xã Bình Lợi")
    district = services.search(
        "lich tiep", scope_unit=tree.commune_a1, scope="district"
    )
    assert units_of(district) == [
        tree.commune_a1.schema_name,
        tree.commune_a2.schema_name,
    ]
    assert district.total == 2 and not district.approximate
    assert dict(district.facets["schema"]) == {
        tree.commune_a1.schema_name: 1,
        tree.commune_a2.schema_name: 1,
    }
    unit = services.search("lich tiep", scope_unit=tree.commune_b1, scope="unit")
    assert units_of(unit) == [tree.commune_b1.schema_name]


def test_every_document_carries_exactly_its_own_scope_lexeme(backend, tree):
    # A citizen's text that spells another unit's lexeme must not put the
    # document in that unit's scope: the parser splits "@" off.
    a1, b1 = tree.commune_a1.schema_name, tree.commune_b1.schema_name
    add(tree.commune_b1, 1, "Phản ánh đường làng", f"@{a1} {a1} '@{a1}'")
    add(tree.commune_a1, 2, "Phản ánh chợ xã")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schema, array(SELECT lexeme FROM unnest(vector) "
            "WHERE lexeme LIKE '@%%') FROM search_searchdocument ORDER BY schema"
        )
        rows = cursor.fetchall()
    assert rows == [(a1, [f"@{a1}"]), (b1, [f"@{b1}"])]
    here = services.search("phan anh", scope_unit=tree.commune_a1, scope="unit")
    assert [hit.title for hit in here.hits] == ["Phản ánh chợ xã"]


def test_scope_query_takes_schema_names_only():
    with pytest.raises(ValueError):
        ScopeQuery(["unit_2020_1' | 'x"])
    with pytest.raises(ValueError):
        ScopeQuery([])


def test_unit_facet_outside_the_scope_finds_nothing(backend, tree):
    add(tree.commune_a1, 1, "Thông báo lịch cắt điện")
    add(tree.commune_b1, 2, "Thông báo lịch cắt điện")
    results = services.search(
        "lich cat dien",
        scope_unit=tree.commune_a1,
        scope="district",
        units=[tree.commune_b1.schema_name],
    )
    assert results.total == 0 and results.hits == []


def test_small_index_counts_exactly(backend, tree, settings):
    # No threshold set: the computed bar never calls a few matches broad.
    settings.SEARCH_BROAD_THRESHOLD = None
    for i in range(12):
        add(tree.commune_a1, i, f"Tin hoạt động số {i}")
    results = services.search("tin hoat dong", scope_unit=tree.commune_a1)
    assert results.total == 12 and not results.approximate


def test_heap_row_is_narrow(backend):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'search_searchdocument'"
        )
        assert "toast_tuple_target=128" in cursor.fetchone()[0]
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'search_searchdocument'::regclass AND attname IN "
            "('vector', 'vector_exact', 'title_vector', 'body') ORDER BY attname"
        )
        assert cursor.fetchall() == [
            ("body", "x"),
            ("title_vector", "m"),
            ("vector", "x"),
            ("vector_exact", "x"),
        ]


def test_words_that_go_together_are_not_estimated_as_rare(backend, tree):
    """The planner multiplies the words' frequencies; half the documents
    hold the whole phrase, so the real count is many times its estimate."""
    docs = []
    for i in range(1600):
        body = (
            "Lắp đặt bảng tin điện tử công cộng tại nhà văn hóa"
            if i % 2
            else "Tổ chức hội nghị tập huấn nghiệp vụ cho cán bộ"
        )
        docs.append(
            services.build_document(
                unit=tree.commune_a1,
                kind="article",
                object_id=i,
                title=f"Bài {i}",
                body=body,
                url=f"/tin-tuc/{i}/",
                published_at=dt.date(2024, 1, 1),
            )
        )
    services.index_documents(docs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    from search.backends.base import Query

    query = Query(text="bảng tin điện tử công cộng")
    plain = backend._filtered(query).order_by()
    real = plain.count()
    assert real == 800
    planner = backend.estimate(plain)
    assert planner < real / 8
    # The geometric mean with the rarest word (800): several times nearer.
    assert 4 * planner < backend.estimate_matches(query, plain) <= real
    # With websearch operators the rarest word bounds nothing: the planner's.
    for text in ("bảng or hội nghị", "bảng tin -hội", '"bảng tin" công cộng'):
        other = Query(text=text)
        qs = backend._filtered(other).order_by()
        assert backend.estimate_matches(other, qs) == backend.estimate(qs)


def test_autocomplete_prefers_titles_that_start_with_what_was_typed(backend, tree):
    add(
        tree.commune_a1,
        1,
        "Kế hoạch tiêm chủng mở rộng",
        published_at=dt.date(2023, 1, 1),
    )
    add(
        tree.commune_a1,
        2,
        "Thông báo về kế hoạch tiêm chủng",
        published_at=dt.date(2024, 1, 1),
    )
    add(tree.commune_a1, 3, "Lịch họp tổ dân phố", "Kế hoạch tiêm chủng cho trẻ")
    hits = services.autocomplete(
        "ke hoach tiem", scope_unit=tree.commune_a1, scope="unit"
    )
    # Body-only matches are not suggested; the title that starts with the
    # typed words comes before the newer one that holds them further on.
    assert [hit.title for hit in hits] == [
        "Kế hoạch tiêm chủng mở rộng",
        "Thông báo về kế hoạch tiêm chủng",
    ]


def test_autocomplete_of_a_common_prefix_gives_newest_distinct_titles(backend, tree):
    for i in range(40):
        add(
            tree.commune_a1,
            i,
            f"Thông báo số {i % 20}",
            published_at=dt.date(2024, 1, 1) + dt.timedelta(days=i),
        )
    hits = services.autocomplete(
        "th", scope_unit=tree.commune_a1, scope="unit", limit=8
    )
    assert len(hits) == 8 and len({hit.title for hit in hits}) == 8
    assert hits[0].title == "Thông báo số 19"
