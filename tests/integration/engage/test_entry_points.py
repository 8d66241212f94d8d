"""Citizens find search and the interaction features from every unit page."""

import re


def test_every_unit_page_has_an_accessible_search_box(db, tree, client_for):
    client = client_for(tree.commune_a1)
    html = client.get("/").content.decode()
    form = re.search(
        r'<form class="site-search" role="search"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, "no search landmark in the header"
    assert 'action="/tim-kiem/"' in form.group(0) and 'method="get"' in form.group(0)
    # The label is there for screen readers (the phone header shows an icon).
    assert re.search(r'<label for="site-search-q"[^>]*>Tìm kiếm</label>', form.group(1))
    assert 'id="site-search-q"' in form.group(1) and 'name="q"' in form.group(1)
    # The box leads to a working search page on the same host.
    assert client.get("/tim-kiem/", {"q": "thong tin"}).status_code == 200


def test_footer_links_to_feedback_surveys_and_site_rating(db, tree, client_for):
    client = client_for(tree.commune_a1)
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for href, text in [
        ("/phan-anh-kien-nghi/", "Phản ánh, kiến nghị"),
        ("/khao-sat/", "Khảo sát"),
        ("/danh-gia-website/", "Đánh giá trang thông tin"),
    ]:
        assert f'<a href="{href}">{text}</a>' in footer
        assert client.get(href).status_code == 200


def test_hoi_dap_section_shows_the_question_entry_points(db, tree, client_for):
    client = client_for(tree.commune_a1)
    response = client.get("/hoi-dap/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/hoi-dap-truc-tuyen/gui-cau-hoi/">Gửi câu hỏi</a>' in html
    assert '<a href="/hoi-dap-truc-tuyen/">Xem câu hỏi đã được trả lời</a>' in html
    assert 'action="/tra-cuu-ho-so/"' in html and 'name="ma"' in html
    for href in ("/hoi-dap-truc-tuyen/gui-cau-hoi/", "/hoi-dap-truc-tuyen/"):
        assert client.get(href).status_code == 200
    assert client.get("/tra-cuu-ho-so/", {"ma": "KHONGCO"}).status_code in (200, 404)
    # Other sections do not carry the Q&A block.
    assert "qa-track-code" not in client.get("/tin-tuc/").content.decode()
