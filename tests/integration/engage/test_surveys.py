"""Surveys: answer window, one answer per person, SVG results, freezing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from engage import tokens
from engage.models import (
    FROZEN_MESSAGE,
    SiteRating,
    Survey,
    SurveyFrozen,
    SurveyQuestion,
    SurveyResponse,
)


@pytest.fixture
def survey(db, tree):
    now = timezone.now()
    survey = Survey.objects.create(
        unit=tree.commune_a1,
        title="Mức độ hài lòng với bộ phận một cửa",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    SurveyQuestion.objects.create(
        survey=survey,
        sort_order=1,
        kind="single",
        text="Thái độ cán bộ",
        choices="Rất tốt\nTốt\nChưa tốt",
    )
    SurveyQuestion.objects.create(
        survey=survey,
        sort_order=2,
        kind="multiple",
        text="Kênh bạn biết thông tin",
        choices="Loa\nBảng tin\nTrang web",
    )
    SurveyQuestion.objects.create(
        survey=survey, sort_order=3, kind="scale", text="Chấm điểm chung"
    )
    SurveyQuestion.objects.create(
        survey=survey, sort_order=4, kind="text", text="Góp ý", required=False
    )
    return survey


def answers(survey, **override):
    q = {x.sort_order: x.pk for x in survey.questions.all()}
    data = {
        f"q{q[1]}": "Tốt",
        f"q{q[2]}": ["Loa", "Trang web"],
        f"q{q[3]}": "4",
        f"q{q[4]}": "<b>Cần</b> thêm ghế chờ",
        "website": "",
        # The signed single-use ballot every survey form carries.
        "ballot": tokens.issue_ballot(survey),
    }
    data.update(override)
    return data


def test_one_answer_per_person_and_results_as_svg(survey, client_for, tree):
    client = client_for(tree.commune_a1)
    url = f"/khao-sat/{survey.pk}/"
    response = client.post(url, answers(survey))
    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 1
    again = client.post(url, answers(survey))
    assert again.status_code == 200
    assert "Bạn đã trả lời khảo sát này" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    # A second person (own cookie jar) may answer.
    client_for(tree.commune_a1).post(url, answers(survey, **{}))
    assert SurveyResponse.objects.count() == 2
    html = client.get(f"/khao-sat/{survey.pk}/ket-qua/").content.decode()
    html = html[html.index('<main id="main"') :]  # the header has icon SVGs
    assert html.count("<svg") == 3  # single, multiple, scale
    assert "2 (100%)" in html  # both chose "Tốt"
    assert "Cần thêm ghế chờ" in html and "<b>Cần</b>" not in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_required_answer_missing_keeps_the_others(survey, client_for, tree):
    q1 = survey.questions.get(sort_order=1).pk
    response = client_for(tree.commune_a1).post(
        f"/khao-sat/{survey.pk}/", answers(survey, **{f"q{q1}": ""})
    )
    html = response.content.decode()
    assert "Vui lòng trả lời câu hỏi này." in html
    assert "thêm ghế chờ" in html
    assert not SurveyResponse.objects.exists()


def test_survey_outside_its_window_takes_no_answers(survey, client_for, tree):
    Survey.objects.filter(pk=survey.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    response = client_for(tree.commune_a1).post(
        f"/khao-sat/{survey.pk}/", answers(survey)
    )
    assert "không trong thời gian nhận ý kiến" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_questions_are_frozen_once_answers_exist(survey, client_for, tree):
    question = survey.questions.get(sort_order=1)
    question.text = "Thái độ phục vụ của cán bộ"
    question.save()  # no answers yet: editable
    client_for(tree.commune_a1).post(f"/khao-sat/{survey.pk}/", answers(survey))
    question.text = "Câu hỏi đã đổi"
    with pytest.raises(SurveyFrozen):
        question.save()
    with pytest.raises(SurveyFrozen):
        question.delete()
    with pytest.raises(SurveyFrozen, match="không thể thêm"):
        SurveyQuestion.objects.create(survey=survey, text="Câu mới", kind="text")
    assert FROZEN_MESSAGE
    question.refresh_from_db()
    assert question.text == "Thái độ phục vụ của cán bộ"


def test_survey_of_another_unit_is_not_served(survey, client_for, tree):
    assert client_for(tree.commune_b1).get(f"/khao-sat/{survey.pk}/").status_code == 404


def test_site_rating_three_scores(db, tree, client_for):
    client = client_for(tree.commune_a1)
    response = client.post(
        "/danh-gia-website/",
        {"interface": "4", "content": "5", "usefulness": "3", "comment": "Tốt"},
    )
    assert response.status_code == 302
    rating = SiteRating.objects.get()
    assert (rating.unit, rating.interface, rating.content, rating.usefulness) == (
        tree.commune_a1,
        4,
        5,
        3,
    )
    bad = client.post("/danh-gia-website/", {"interface": "9", "content": "5"})
    assert "Vui lòng nhập mục này." in bad.content.decode()
