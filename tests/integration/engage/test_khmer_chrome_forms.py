"""A Khmer reader keeps the Khmer chrome outside the pages: the citizens'
forms and search live under /km/ too (labels, choices, errors from the km
catalogue), with a language switch; Vietnamese stays at the root, and a unit
without Khmer shows no switch."""

import pytest

pytestmark = pytest.mark.django_db


def test_feedback_form_in_khmer_and_in_vietnamese(tree, client_for):
    client = client_for(tree.commune_a1)
    km = client.get("/km/phan-anh-kien-nghi/gui/").content.decode()
    assert '<html lang="km"' in km
    for khmer in ("ផ្ញើបណ្តឹង និងសំណូមពរ", "ចំណងជើង", "សុខាភិបាល", "ឈ្មោះ"):
        assert khmer in km, khmer
    assert "Tiêu đề" not in km and "Y tế" not in km
    errors = client.post("/km/phan-anh-kien-nghi/gui/", {"website": ""})
    html = errors.content.decode()
    assert errors.status_code == 200
    assert "សូមបំពេញចំណុចនេះ។" in html and "Vui lòng nhập" not in html
    vi = client.get("/phan-anh-kien-nghi/gui/").content.decode()
    assert '<html lang="vi"' in vi and "Tiêu đề" in vi and "Y tế" in vi
    # The switch names the same form in the other language.
    assert 'href="/phan-anh-kien-nghi/gui/" hreflang="vi"' in km
    assert 'href="/km/phan-anh-kien-nghi/gui/" hreflang="km"' in vi


def test_search_page_in_khmer_keeps_the_query_in_its_switch(tree, client_for):
    client = client_for(tree.commune_a1)
    km = client.get("/km/tim-kiem/", {"q": "le hoi"}).content.decode()
    assert "ពាក្យគន្លឹះ" in km and "Từ khóa" not in km
    assert "អង្គភាពនេះ" in km  # the scope, in Khmer
    assert 'href="/tim-kiem/?q=le+hoi" hreflang="vi"' in km
    # Links in the chrome keep the reader's language.
    assert 'action="/km/tim-kiem/"' in km
    assert 'href="/km/hoi-dap-truc-tuyen/"' in km


def test_a_unit_without_khmer_has_no_switch_on_its_forms(tree, client_for):
    html = client_for(tree.commune_a2).get("/phan-anh-kien-nghi/gui/").content
    assert b"lang-switch" not in html
