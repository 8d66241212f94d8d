"""Online Q&A: from a citizen's question to a public answer found by search."""

from engage import services
from engage.models import Question
from search import services as search


def ask(client, **overrides):
    data = {
        "name": "",
        "phone": "",
        "email": "",
        "category": "hanh-chinh",
        "title": "Thủ tục đăng ký khai sinh cho con",
        "body": "Tôi cần giấy tờ gì để đăng ký khai sinh cho con?",
        "website": "",
        **overrides,
    }
    return client.post("/hoi-dap-truc-tuyen/gui-cau-hoi/", data)


def test_question_to_public_answer_found_by_search(db, tree, client_for):
    client = client_for(tree.commune_a1)
    response = ask(client)
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.unit == tree.commune_a1 and question.status == "pending"
    sent = client.get(response["Location"]).content.decode()
    assert question.code in sent
    # Pending: not public, not searchable.
    assert search.search("khai sinh", scope_unit=tree.commune_a1).total == 0
    assert "chờ cán bộ trả lời" in client.get(question.public_url()).content.decode()

    services.answer_question(
        question, answer="Mang theo giấy chứng sinh và CCCD của cha mẹ.", actor="cb"
    )
    results = search.search("dang ky khai sinh", scope_unit=tree.commune_a1)
    assert [h.title for h in results.hits] == ["Thủ tục đăng ký khai sinh cho con"]
    assert results.hits[0].kind == "question"
    detail = client.get(question.public_url()).content.decode()
    assert "Mang theo giấy chứng sinh" in detail
    listing = client.get("/hoi-dap-truc-tuyen/", {"q": "khai sinh"}).content.decode()
    assert question.public_url() in listing
    # Tracking by code finds it from any page of the unit.
    assert (
        client.get("/tra-cuu-ho-so/", {"ma": question.code.lower()})["Location"]
        == question.public_url()
    )
    # Another unit's own scope does not see it.
    assert search.search("khai sinh", scope_unit=tree.commune_b1).total == 0


def test_similar_answered_questions_are_suggested_while_typing(db, tree, client_for):
    q = services.ask_question(
        unit=tree.commune_a1,
        title="Cấp lại giấy chứng nhận quyền sử dụng đất",
        body="Bị mất sổ đỏ thì làm thế nào?",
        category="dat-dai",
    )
    services.answer_question(q, answer="Nộp đơn tại bộ phận một cửa.")
    services.ask_question(
        unit=tree.commune_a1, title="Cấp lại sổ đỏ bị mất", body="Chưa trả lời"
    )
    data = (
        client_for(tree.commune_a1)
        .get("/hoi-dap-truc-tuyen/goi-y/", {"q": "mat so do cap lai"})
        .json()
    )
    assert [s["title"] for s in data["similar"]] == [
        "Cấp lại giấy chứng nhận quyền sử dụng đất"
    ]


def test_question_form_strips_html_and_keeps_input_on_error(db, tree, client_for):
    client = client_for(tree.commune_a1)
    response = ask(client, title="", body="<script>alert(1)</script>Hỏi về thuế đất")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vui lòng nhập mục này." in html
    assert "Hỏi về thuế đất" in html  # what was typed is kept
    ask(client, title="<b>Thuế</b> đất", body="<i>Hỏi</i> về thuế đất")
    question = Question.objects.get()
    assert question.title == "Thuế đất" and question.body == "Hỏi về thuế đất"


def test_honeypot_refuses_bots(db, tree, client_for):
    response = ask(client_for(tree.commune_a1), website="http://spam.example")
    assert response.status_code == 200
    assert "để trống ô “Trang web”" in response.content.decode()
    assert not Question.objects.exists()


def test_question_form_is_rate_limited_per_ip(db, tree, client_for, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "engage.form": "2/m"}
    client = client_for(tree.commune_a1, REMOTE_ADDR="10.1.1.1")
    assert ask(client).status_code == 302
    assert ask(client).status_code == 302
    third = ask(client, title="Câu hỏi thứ ba")
    assert third.status_code == 429
    html = third.content.decode()
    assert "gửi quá nhiều lần" in html and "Câu hỏi thứ ba" in html
    assert Question.objects.count() == 2
    # Another address is not affected.
    other = client_for(tree.commune_a1, REMOTE_ADDR="10.1.1.2")
    assert ask(other).status_code == 302


def test_phone_is_checked_and_errors_are_tied_to_their_fields(db, tree, client_for):
    """ux §1: "0912 abc 45" was accepted; the summary did not say which field."""
    client = client_for(tree.commune_a1)
    html = ask(client, phone="0912 abc 45").content.decode()
    assert "Số điện thoại chưa đúng" in html
    assert not Question.objects.exists()
    assert 'type="tel"' in html and 'inputmode="tel"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_phone-error"' in html
    assert 'href="#id_phone"' in html  # the summary links to the field
    ask(client, phone="0912 345.678")
    assert Question.objects.get().phone == "0912345678"
