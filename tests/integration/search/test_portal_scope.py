"""Search on a portal: the whole subtree by default ("Toàn tỉnh", "Toàn
huyện"); facets never show Wagtail's "Root" collection; results first."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(tree, search_backend):
    from search import services

    for unit, pk in ((tree.province, 11), (tree.district_a, 12), (tree.commune_b1, 13)):
        services.index_document(
            unit=unit,
            kind="document",
            object_id=pk,
            title=f"Kế hoạch chuyển đổi số {unit.name}",
            body="Kế hoạch chuyển đổi số cấp cơ sở.",
            url=f"/documents/{pk}/ke-hoach.pdf",
            category="Root",  # indexed before collection_label existed
            published_at=dt.date(2025, 3, 4),
        )


def test_portal_search_defaults_to_the_whole_subtree(tree, client_for, indexed):
    html = client_for(tree.province).get("/tim-kiem/", {"q": "chuyen doi so"})
    html = html.content.decode()
    # The communes' documents are found from the province, "Toàn tỉnh" checked.
    assert f"//{tree.commune_b1.primary_hostname}/documents/13/" in html
    assert 'value="province" checked' in html
    district = client_for(tree.district_a).get("/tim-kiem/", {"q": "chuyen doi so"})
    district = district.content.decode()
    assert 'value="district" checked' in district
    assert f"//{tree.commune_b1.primary_hostname}/" not in district  # other district
    # A commune still searches its own pages first.
    commune = client_for(tree.commune_a1).get("/tim-kiem/", {"q": "chuyen doi so"})
    assert 'value="unit" checked' in commune.content.decode()


def test_search_never_shows_wagtails_root_collection(tree, client_for, indexed):
    html = client_for(tree.province).get("/tim-kiem/", {"q": "chuyen doi so"})
    html = html.content.decode()
    assert "Tìm thấy 3 kết quả" in html
    assert "Root" not in html
    # Results come before the facets ("Lọc kết quả") in the page.
    assert html.index('class="result-list"') < html.index("Lọc kết quả")


def test_documents_in_the_root_collection_get_no_category(tree):
    from wagtail.models import Collection

    from search.pages import collection_label

    root = Collection.get_first_root_node()
    assert collection_label(root) == ""
    assert collection_label(None) == ""


def test_province_search_covers_its_departments(tree, client_for, search_backend):
    """A department's schema name has capitals ("unit_2020_901S01"); the
    province's search, whose scope includes it, gave a 500 in the demo."""
    from search import services
    from tests.factories.reports import make_department

    department = make_department(
        tree.province, "901S01", "Sở Thông tin và Truyền thông"
    )
    assert department.schema_name != department.schema_name.lower()
    services.index_document(
        unit=department,
        kind="document",
        object_id=21,
        title="Hướng dẫn phản ánh hiện trường qua ứng dụng",
        body="Người dân gửi phản ánh kèm ảnh.",
        url="/documents/21/huong-dan.pdf",
        published_at=dt.date(2025, 5, 6),
    )
    response = client_for(tree.province).get("/tim-kiem/", {"q": "phan anh"})
    assert response.status_code == 200
    assert "/documents/21/huong-dan.pdf" in response.content.decode()
