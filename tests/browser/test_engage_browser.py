"""A citizen asks a question (with suggestions while typing) and follows it
by its tracking code, in Chromium."""

import re

import pytest

from engage import services
from engage.models import Question

pytestmark = [pytest.mark.browser]


def test_citizen_asks_sees_similar_answers_and_follows_by_code(
    tree, committed, live_site, page, artifacts_dir
):
    answered = services.ask_question(
        unit=tree.commune_a2,
        title="Thủ tục xin giấy phép xây dựng nhà ở",
        body="Cần những giấy tờ gì?",
    )
    services.answer_question(answered, answer="Đơn, bản vẽ và giấy tờ đất.")
    created = []
    try:
        page.goto(live_site.url(tree.commune_a2, "/hoi-dap-truc-tuyen/gui-cau-hoi/"))
        page.fill("#id_title", "xin giay phep xay dung")
        page.wait_for_selector("#similar:not([hidden]) >> text=Thủ tục xin giấy phép")
        page.fill("#id_body", "Tôi muốn xây nhà cấp 4 thì cần giấy phép không?")
        page.click("main button[type=submit]")
        page.wait_for_selector(".tracking-code")
        code = page.inner_text(".tracking-code")
        assert re.fullmatch(r"H[A-Z0-9]{8}", code)
        created.append(code)
        page.screenshot(path=artifacts_dir / "engage-question-sent.png")
        page.goto(live_site.url(tree.commune_a2, "/tra-cuu-ho-so/"))
        page.fill("#ma", code.lower())
        page.click("main button[type=submit]")
        page.wait_for_selector("text=Chờ duyệt, chờ trả lời")
        assert code in page.content()
    finally:
        Question.objects.filter(code__in=created).delete()
        answered.delete()
