"""Bad input in the admin is a form error, never a 500 (#13 "Bad input").

The guards in ``model.save()`` (a legal document without its number, a
frozen survey's questions, an answer-less answered question) each have a
``clean()`` twin that the admin form runs first, so an official gets the
form back with a Vietnamese message on the field and what they typed. A
date typed in another format is refused with the format to use shown.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_tenants.utils import tenant_context
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import LegalDocumentPage
from cms.services import section
from engage import tokens
from engage.models import Survey, SurveyQuestion
from tests.factories.cms import make_article
from tests.utils import admin_client

pytestmark = pytest.mark.django_db

DATE_HINT = "dd/mm/yyyy"


def edit_form(client, url):
    with override("vi"):
        html = client.get(url).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    data["body-count"] = "0"  # the StreamField editor is drawn by JavaScript
    return data


@pytest.mark.parametrize("typed", ["2026/11/18", "11/18/2026", "18 tháng 11 2026"])
def test_a_date_in_another_format_is_refused_showing_dd_mm_yyyy(tree, typed):
    with tenant_context(tree.commune_a1):
        article = make_article("Bài có ngày đăng sai dạng")
    client = admin_client(tree.commune_a1)
    url = f"/admin/pages/{article.pk}/edit/"
    data = edit_form(client, url)
    data["date"] = typed
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert DATE_HINT in html, "the expected format is named"
    assert "ví dụ 18/11/2026" in html
    assert typed in html  # kept for correction, never replaced by another date
    with tenant_context(tree.commune_a1):
        article.refresh_from_db()
        assert article.get_latest_revision_as_object().date is None


def survey_form(now, **extra):
    data = {
        "title": "Khảo sát giờ phát thanh",
        "description": "",
        "opens_at": (now - timedelta(days=1)).strftime("%d/%m/%Y %H:%M"),
        "closes_at": (now + timedelta(days=5)).strftime("%d/%m/%Y %H:%M"),
        "is_published": "on",
        "show_results": "on",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-sort_order": "0",
        "questions-0-kind": "single",
        "questions-0-text": "Giờ nào phù hợp?",
        "questions-0-choices": "Sáng\nChiều",
        "questions-0-required": "on",
        "questions-0-id": "",
        "questions-0-ORDER": "1",
        "questions-0-DELETE": "",
    }
    data.update(extra)
    return data


def test_a_date_time_in_another_format_is_refused_showing_the_format(tree):
    client = admin_client(tree.commune_a1)
    now = timezone.localtime()
    data = survey_form(now, opens_at="2026-11-18 7 giờ")
    response = client.post("/admin/engage/survey/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "dd/mm/yyyy hh:mm" in html
    assert "2026-11-18 7 giờ" in html
    assert not Survey.objects.exists()
    # dd/mm/yyyy hh:mm is what it asks for, and is taken.
    assert client.post("/admin/engage/survey/new/", survey_form(now)).status_code == (
        302
    )


@pytest.fixture
def answered_survey(tree, client_for):
    client = admin_client(tree.commune_a1)
    now = timezone.localtime()
    response = client.post("/admin/engage/survey/new/", survey_form(now))
    assert response.status_code == 302, response.content.decode()[-2000:]
    survey = Survey.objects.get()
    question = survey.questions.get()
    client_for(tree.commune_a1).post(
        f"/khao-sat/{survey.pk}/",
        {
            f"q{question.pk}": "Sáng",
            "website": "",
            "ballot": tokens.issue_ballot(survey),
        },
    )
    assert survey.responses.count() == 1
    return client, survey, question, now


@pytest.mark.parametrize("change", ["delete", "add"])
def test_frozen_survey_refuses_deleting_or_adding_a_question_as_a_form_error(
    answered_survey, change
):
    client, survey, question, now = answered_survey
    data = survey_form(
        now,
        **{"questions-INITIAL_FORMS": "1", "questions-0-id": str(question.pk)},
    )
    if change == "delete":
        data["questions-0-DELETE"] = "1"
    else:
        data.update(
            {
                "questions-TOTAL_FORMS": "2",
                "questions-1-sort_order": "1",
                "questions-1-kind": "text",
                "questions-1-text": "Câu hỏi thêm sau",
                "questions-1-choices": "",
                "questions-1-id": "",
                "questions-1-ORDER": "2",
                "questions-1-DELETE": "",
            }
        )
    data["title"] = "Tên khảo sát đã sửa"
    response = client.post(f"/admin/engage/survey/edit/{survey.pk}/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Khảo sát đã có người trả lời" in html
    assert "Tên khảo sát đã sửa" in html  # what was typed is kept
    assert list(SurveyQuestion.objects.values_list("text", flat=True)) == [
        "Giờ nào phù hợp?"
    ]
    survey.refresh_from_db()
    assert survey.title == "Khảo sát giờ phát thanh"


def test_legal_document_draft_without_number_is_a_form_error(tree):
    """A draft may leave required fields for later in Wagtail; a legal
    document's guard (``full_clean``) refuses it without its number: the
    admin shows that on the field instead of a 500."""
    with tenant_context(tree.commune_a1):
        index = section("van-ban")
    client = admin_client(tree.commune_a1)
    add_url = reverse(
        "wagtailadmin_pages:add", args=["cms", "legaldocumentpage", index.pk]
    )
    with override("vi"):
        html = client.get(add_url).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    data.update(
        {
            "title": "Quyết định chưa có số",
            "slug": "quyet-dinh-chua-co-so",
            "number": "",
            "doc_type": "quyet-dinh",
            "issuer": "UBND xã",
            "issued_on": "01/03/2025",
            "summary": "Về việc thử lưu nháp.",
        }
    )
    data.pop("action-publish", None)
    response = client.post(add_url, data)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "số hiệu" in html.lower()
    assert "Quyết định chưa có số" in html
    with tenant_context(tree.commune_a1):
        assert not LegalDocumentPage.objects.filter(
            slug="quyet-dinh-chua-co-so"
        ).exists()
