"""Citizens act only for themselves: tracking codes open only on their
unit's host (and the handling unit's after a transfer), rating an answer
needs the sender's own link, and a survey counts one signed ballot once,
with a per-address rate on top of the cookie."""

import random
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from engage import services, tokens
from engage.models import Survey, SurveyQuestion, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """Clients from an address of their own (rate counters of other tests
    in the same minute do not count against them)."""
    address = f"198.51.100.{random.randint(1, 254)}"

    def make(unit, **extra):
        return client_for(unit, REMOTE_ADDR=address, **extra)

    return make


def file(unit, **kw):
    return services.file_feedback(
        unit=unit,
        title=kw.pop("title", "Ống nước vỡ ở ấp 4"),
        body="Nước tràn ra đường từ hôm qua.",
        email="nguoigui@example.vn",
        category="khac",
        **kw,
    )


def test_tracking_codes_open_only_on_their_units_host(tree, client_for):
    feedback = file(tree.commune_a1)
    question = services.ask_question(
        unit=tree.commune_a1, title="Giờ làm việc thứ Bảy?", body="Xin hỏi."
    )
    own, other = client_for(tree.commune_a1), client_for(tree.commune_b1)
    for path in (
        feedback.public_url(),
        f"/phan-anh-kien-nghi/da-gui/{feedback.code}/",
        question.public_url(),
    ):
        assert own.get(path).status_code == 200, path
        assert other.get(path).status_code == 404, path
    assert other.get("/tra-cuu-ho-so/", {"ma": feedback.code}).status_code == 200
    assert "Không tìm thấy mã" in other.get(
        "/tra-cuu-ho-so/", {"ma": feedback.code}
    ).content.decode("utf-8")
    assert own.get("/tra-cuu-ho-so/", {"ma": feedback.code}).status_code == 302


def test_after_a_transfer_the_code_opens_on_the_parents_host_too(tree, client_for):
    feedback = file(tree.commune_a1)
    feedback.transfer_to_parent(actor="cb", note="Vượt thẩm quyền")
    for unit in (tree.commune_a1, tree.district_a):
        assert client_for(unit).get(feedback.public_url()).status_code == 200
    assert client_for(tree.district_b).get(feedback.public_url()).status_code == 404


def _answered(unit):
    feedback = file(unit)
    for status in ("accepted", "in_progress"):
        feedback.set_status(status)
    feedback.set_status("answered", answer="Đã thay ống nước.")
    return feedback


def test_only_the_sender_can_rate_an_answered_feedback(
    tree, client_for, django_capture_on_commit_callbacks
):
    unit = tree.commune_a1
    sender = client_for(unit)
    sent = sender.post(
        "/phan-anh-kien-nghi/gui/",
        {
            "kind": "phan-anh",
            "category": "khac",
            "title": "Cống bị nghẹt ở chợ",
            "body": "Cống trước chợ nghẹt, nước bẩn tràn lên mặt đường.",
            "email": "nguoigui@example.vn",
            "website": "",
        },
        follow=True,
    )
    html = sent.content.decode()
    link = re.search(r'href="(/phan-anh-kien-nghi/P\w+/\?k=\w+)"', html)
    assert link, html[-2000:]
    rating_url = link.group(1)
    feedback = services.feedback_for_host(rating_url.split("/")[2], unit)
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("accepted", "in_progress"):
            feedback.set_status(status)
        feedback.set_status("answered", answer="Đã nạo vét cống.")
    # The answered mail carries the same private link.
    assert rating_url in mail.outbox[-1].body

    # A stranger who read the code on the public list cannot rate, not even
    # with a made-up or another feedback's key.
    stranger = client_for(unit)
    other_key = tokens.rating_key(_answered(unit))
    for key in ("", "0" * 32, other_key):
        refused = stranger.post(
            feedback.public_url(), {"rating": "1", "k": key, "website": ""}
        )
        assert refused.status_code == 200
        feedback.refresh_from_db()
        assert feedback.rating is None
    page = stranger.get(feedback.public_url()).content.decode()
    assert "Gửi đánh giá" not in page and "đường dẫn riêng" in page

    form = sender.get(rating_url).content.decode()
    assert "Gửi đánh giá" in form
    key = re.search(r'name="k" value="(\w+)"', form).group(1)
    done = sender.post(
        feedback.public_url(),
        {"rating": "5", "rating_comment": "Nhanh", "k": key, "website": ""},
    )
    assert done.status_code == 302
    feedback.refresh_from_db()
    assert feedback.rating == 5


@pytest.fixture
def survey(tree):
    now = timezone.now()
    survey = Survey.objects.create(
        unit=tree.commune_a1,
        title="Giờ phát thanh phù hợp",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    SurveyQuestion.objects.create(
        survey=survey, sort_order=1, kind="single", text="Giờ", choices="Sáng\nChiều"
    )
    return survey


def _ballot(client, url):
    html = client.get(url).content.decode()
    return re.search(r'name="ballot" value="([^"]+)"', html).group(1)


def test_a_ballot_counts_once_even_without_the_cookie(survey, client_for, tree):
    url = f"/khao-sat/{survey.pk}/"
    question = survey.questions.get()
    client = client_for(tree.commune_a1)
    ballot = _ballot(client, url)
    answer = {f"q{question.pk}": "Sáng", "website": "", "ballot": ballot}
    assert client.post(url, answer).status_code == 302
    # The stuffer drops the cookie and posts the same ballot again.
    for _ in range(2):
        fresh = client_for(tree.commune_a1)
        fresh.post(url, answer)
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_an_answer_without_a_valid_ballot_is_refused_and_kept(survey, client_for, tree):
    url = f"/khao-sat/{survey.pk}/"
    question = survey.questions.get()
    other = Survey.objects.create(
        unit=tree.commune_a1,
        title="Khác",
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
    )
    for ballot in ("", "gia-mao", tokens.issue_ballot(other)):
        response = client_for(tree.commune_a1).post(
            url, {f"q{question.pk}": "Chiều", "website": "", "ballot": ballot}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Phiếu trả lời đã hết hạn" in html
        assert 'value="Chiều" checked' in html or "checked" in html
    assert not SurveyResponse.objects.filter(survey=survey).exists()


def test_one_address_answers_a_survey_a_bounded_number_of_times(
    survey, client_for, tree, settings
):
    settings.RATELIMITS = {**settings.RATELIMITS, "engage.survey_answer": "3/h"}
    url = f"/khao-sat/{survey.pk}/"
    question = survey.questions.get()
    codes = []
    for _ in range(5):
        client = client_for(tree.commune_a1)  # a new cookie jar each time
        ballot = _ballot(client, url)
        codes.append(
            client.post(
                url, {f"q{question.pk}": "Sáng", "website": "", "ballot": ballot}
            ).status_code
        )
    assert codes == [302, 302, 302, 429, 429]
    assert SurveyResponse.objects.filter(survey=survey).count() == 3


def test_tracking_code_lookups_are_rate_limited(tree, client_for, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "engage.lookup": "5/m"}
    client = client_for(tree.commune_a1)
    codes = [
        client.get(path).status_code
        for path in [f"/phan-anh-kien-nghi/PZZZZZZ{n}Z/" for n in range(4)]
        + ["/tra-cuu-ho-so/?ma=HZZZZZZZZ", "/hoi-dap-truc-tuyen/HZZZZZZZZ/"]
    ]
    assert codes == [404, 404, 404, 404, 200, 429]
    assert (
        "tra cứu quá nhiều mã" in client.get("/tra-cuu-ho-so/?ma=H1").content.decode()
    )
