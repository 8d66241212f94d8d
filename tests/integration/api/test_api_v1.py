"""API v1: one OpenAPI document on every host, each operation's public data
and nothing private, Vietnamese JSON errors, keys with their own rates, CORS
for the province's own sites."""

import io
import json
from datetime import timedelta

import pytest
import yaml
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from api.models import ApiKey, hash_key
from engage import services as engage
from engage.models import Feedback, Question, Survey, SurveyQuestion, SurveyResponse
from tests.factories.bulletins import make_officer, make_sent_bulletin
from tests.factories.cms import make_announcement, make_article

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
EMAIL = "nguoidan@example.vn"


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    settings.RATELIMITS = {
        **settings.RATELIMITS,
        "api": "1000/m",
        "engage.form": "100/m",
        "engage.lookup": "1000/m",
    }
    cache.clear()
    yield
    cache.clear()


def jpeg(name="anh.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def schema_of(response):
    if "json" in response["Content-Type"]:
        return response.json()
    return yaml.safe_load(response.content)


def make_key(unit, rate="600/m", name="Ứng dụng thử"):
    key = ApiKey(unit=unit, name=name, rate=rate)
    raw = key.issue()
    key.save()
    return key, raw


# --- the document ------------------------------------------------------------------


def test_one_openapi_document_on_every_host_lists_every_operation(tree, client_for):
    for host in (tree.commune_a1, tree.district_a, "localhost"):
        response = client_for(host).get("/api/v1/schema/")
        assert response.status_code == 200, host
        schema = schema_of(response)
        ids = {
            op["operationId"]
            for item in schema["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and "operationId" in op
        }
        assert ids >= {
            "articles_list",
            "announcements_list",
            "bulletins_list",
            "legal_documents_list",
            "questions_list",
            "questions_ask",
            "questions_read",
            "feedback_list",
            "feedback_file",
            "feedback_track",
            "surveys_list",
            "surveys_read",
            "surveys_answer",
            "surveys_results",
            "listen_back_list",
            "syndication_items_list",
            "search",
            "units_list",
        }
        assert all(path.startswith("/api/v1/") for path in schema["paths"])
        assert "ApiKey" in schema["components"]["securitySchemes"]
        # What the API answers names no contact detail of a citizen.
        schemas = schema["components"]["schemas"]
        answers = json.dumps(
            {name: body for name, body in schemas.items() if "In" not in name}
        )
        assert '"phone"' not in answers and '"email"' not in answers
        assert '"name"' not in json.dumps(schemas["Question"])
        assert '"name"' not in json.dumps(schemas["FeedbackDetail"])


def test_the_old_document_addresses_lead_to_the_one_document(tree, client_for):
    client = client_for(tree.commune_a1)
    for old in ("/api/v1/syndication/schema/", "/tim-kiem/api/schema/"):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/api/v1/schema/"
    # The old operation addresses still answer.
    assert client.get("/tim-kiem/api/", {"q": "xa"}).status_code == 200
    assert client.get("/api/v1/syndication/items/").status_code == 200


def test_unknown_api_address_is_a_vietnamese_json_404(tree, client_for):
    response = client_for(tree.commune_a1).get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert "Không có thao tác này" in response.json()["error"]


# --- pages -------------------------------------------------------------------------


def test_announcements_by_unit_and_priority_never_show_drafts(tree, client_for):
    with tenant_context(tree.commune_a1):
        make_announcement("Bão số 9 sắp đổ bộ", priority="emergency")
        make_announcement("Lịch họp dân ấp 3", priority="normal")
        make_announcement("Bản nháp chưa duyệt", priority="emergency", live=False)
        make_article("Khánh thành nhà văn hóa")
    commune = client_for(tree.commune_a1)
    data = commune.get("/api/v1/announcements/").json()
    titles = [item["title"] for item in data["results"]]
    assert titles.index("Bão số 9 sắp đổ bộ") < titles.index("Lịch họp dân ấp 3")
    assert "Bản nháp chưa duyệt" not in titles
    urgent = commune.get("/api/v1/announcements/", {"priority": "emergency"}).json()
    assert [i["title"] for i in urgent["results"]] == ["Bão số 9 sắp đổ bộ"]
    assert urgent["results"][0]["url"].startswith("http")
    assert urgent["results"][0]["unit"]["code"] == "90101"
    articles = commune.get("/api/v1/articles/").json()
    assert "Khánh thành nhà văn hóa" in [i["title"] for i in articles["results"]]

    # The district reads its commune by code; a unit of another district is
    # not in its reach, and the platform host needs a unit.
    district = client_for(tree.district_a)
    below = district.get("/api/v1/announcements/", {"unit": "90101"}).json()
    assert "Bão số 9 sắp đổ bộ" in [i["title"] for i in below["results"]]
    outside = district.get("/api/v1/announcements/", {"unit": "90201"})
    assert outside.status_code == 400
    assert "phạm vi" in outside.json()["fields"]["unit"][0]
    assert client_for("localhost").get("/api/v1/articles/").status_code == 400
    bad = commune.get("/api/v1/announcements/", {"priority": "rat-gap"})
    assert bad.status_code == 400
    assert bad.json()["fields"]["priority"] == [
        "Giá trị không có trong danh sách cho phép."
    ]


def test_bulletins_by_unit_and_priority(tree, client_for):
    officer = make_officer(tree.district_a)
    make_sent_bulletin(
        officer,
        units=[tree.commune_a1],
        title="Khẩn: nước lũ lên",
        priority="emergency",
    )
    make_sent_bulletin(officer, units=[tree.commune_a2], title="Tin cho An Hòa")
    client = client_for(tree.commune_a1)
    data = client.get("/api/v1/bulletins/").json()
    titles = [b["title"] for b in data["results"]]
    assert "Khẩn: nước lũ lên" in titles and "Tin cho An Hòa" not in titles
    urgent = client.get("/api/v1/bulletins/", {"priority": "emergency"}).json()
    assert all(b["priority"] == "emergency" for b in urgent["results"])
    assert urgent["results"][0]["sender"]["code"] == "901"
    normal = client.get("/api/v1/bulletins/", {"priority": "normal"}).json()
    assert "Khẩn: nước lũ lên" not in [b["title"] for b in normal["results"]]
    assert client.get("/api/v1/bulletins/", {"since": "hôm qua"}).status_code == 400


# --- questions and feedback ---------------------------------------------------------


def test_ask_a_question_then_read_it_back_without_contact_details(tree, client_for):
    client = client_for(tree.commune_a1)
    sent = client.post(
        "/api/v1/questions/",
        {
            "title": "Hỏi về cấp đổi căn cước",
            "body": "Tôi cần mang giấy tờ gì?",
            "name": "Nguyễn Văn A",
            "phone": PHONE,
            "email": EMAIL,
            "category": "hanh-chinh",
        },
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    code = sent.json()["code"]
    question = Question.objects.get(code=code)
    assert question.unit == tree.commune_a1 and question.phone == PHONE
    pending = client.get(f"/api/v1/questions/{code}/").json()
    assert pending["status"] == "pending" and pending["body"] is None
    engage.answer_question(question, answer="Mang căn cước cũ.", actor="Cán bộ")
    answered = client.get(f"/api/v1/questions/{code}/")
    listed = client.get("/api/v1/questions/")
    for response in (answered, listed):
        text = response.content.decode()
        assert "Mang căn cước cũ." in text
        assert PHONE not in text and EMAIL not in text and "Nguyễn Văn A" not in text
    # Another commune's host does not know the code.
    assert (
        client_for(tree.commune_a2).get(f"/api/v1/questions/{code}/").status_code == 404
    )


def test_bad_fields_are_a_400_with_vietnamese_field_errors(tree, client_for):
    client = client_for(tree.commune_a1)
    response = client.post(
        "/api/v1/questions/",
        {"title": "", "body": "x", "phone": "12"},
        content_type="application/json",
    )
    assert response.status_code == 400
    data = response.json()
    assert data["error"].startswith("Dữ liệu gửi lên chưa hợp lệ")
    assert data["fields"]["title"] == ["Vui lòng nhập mục này."]
    assert "Số điện thoại chưa đúng" in data["fields"]["phone"][0]
    broken = client.post(
        "/api/v1/questions/", "{not json", content_type="application/json"
    )
    assert broken.status_code == 400
    assert "không đọc được" in broken.json()["error"]
    assert Question.objects.filter(body="x").count() == 0


def test_feedback_filed_with_photos_is_tracked_by_code_and_secret(tree, client_for):
    client = client_for(tree.commune_a1)
    sent = client.post(
        "/api/v1/feedback/",
        {
            "title": "Đèn đường ấp 2 bị hỏng",
            "body": "Ba bóng đèn không sáng từ tuần trước.",
            "location": "Ấp 2",
            "category": "ha-tang",
            "phone": PHONE,
            "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
    )
    assert sent.status_code == 201, sent.content
    code, key = sent.json()["code"], sent.json()["key"]
    feedback = Feedback.objects.get(code=code)
    assert feedback.photos.count() == 2

    public = client.get(f"/api/v1/feedback/{code}/").json()
    assert public["status"] == "received" and public["body"] is None
    assert public["is_sender"] is False
    own = client.get(f"/api/v1/feedback/{code}/", {"key": key}).json()
    assert own["body"] == "Ba bóng đèn không sáng từ tuần trước."
    assert own["is_sender"] is True
    wrong = client.get(f"/api/v1/feedback/{code}/", {"key": "sai" * 10})
    assert wrong.status_code == 403 and "Mã bí mật" in wrong.json()["error"]

    assert code not in client.get("/api/v1/feedback/").content.decode()
    feedback.answer_now("Đã thay bóng đèn.", actor="Cán bộ")
    listed = client.get("/api/v1/feedback/").content.decode()
    assert code in listed and "Đã thay bóng đèn." in listed
    assert PHONE not in listed
    tracked = client.get(f"/api/v1/feedback/{code}/").json()
    assert [e["status"] for e in tracked["events"]][-1] == "answered"
    assert PHONE not in json.dumps(tracked)


def test_feedback_with_a_bad_photo_loses_nothing_and_says_why(tree, client_for):
    client = client_for(tree.commune_a1)
    fake = SimpleUploadedFile("anh.jpg", b"khong phai anh", content_type="image/jpeg")
    response = client.post(
        "/api/v1/feedback/",
        {"title": "Rác", "body": "Bãi rác tự phát", "photos": [fake]},
    )
    assert response.status_code == 400
    assert "photos" in response.json()["fields"]
    assert not Feedback.objects.filter(title="Rác").exists()


# --- surveys -----------------------------------------------------------------------


@pytest.fixture
def survey(tree):
    now = timezone.now()
    survey = Survey.objects.create(
        unit=tree.commune_a1,
        title="Hài lòng với loa truyền thanh",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    single = SurveyQuestion.objects.create(
        survey=survey,
        sort_order=1,
        kind="single",
        text="Nghe rõ không?",
        choices="Rõ\nKhông rõ",
    )
    multiple = SurveyQuestion.objects.create(
        survey=survey,
        sort_order=2,
        kind="multiple",
        text="Kênh nào?",
        choices="Loa\nBảng tin\nZalo",
    )
    scale = SurveyQuestion.objects.create(
        survey=survey, sort_order=3, kind="scale", text="Chấm điểm"
    )
    return survey, single, multiple, scale


def test_a_survey_is_read_answered_once_per_ballot_and_counted(
    tree, client_for, survey
):
    survey, single, multiple, scale = survey
    client = client_for(tree.commune_a1)
    listed = client.get("/api/v1/surveys/").json()
    assert survey.pk in [s["id"] for s in listed["results"]]
    detail = client.get(f"/api/v1/surveys/{survey.pk}/").json()
    assert [q["id"] for q in detail["questions"]] == [single.pk, multiple.pk, scale.pk]
    ballot = detail["ballot"]
    answers = {
        str(single.pk): "Rõ",
        str(multiple.pk): ["Loa", "Zalo"],
        str(scale.pk): 4,
    }
    url = f"/api/v1/surveys/{survey.pk}/answers/"
    sent = client.post(
        url, {"ballot": ballot, "answers": answers}, content_type="application/json"
    )
    assert sent.status_code == 201, sent.content
    again = client.post(
        url, {"ballot": ballot, "answers": answers}, content_type="application/json"
    )
    assert again.status_code == 400 and "ballot" in again.json()["fields"]
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    missing = client.post(
        url,
        {
            "ballot": client.get(f"/api/v1/surveys/{survey.pk}/").json()["ballot"],
            "answers": {str(single.pk): "Không có lựa chọn này"},
        },
        content_type="application/json",
    )
    assert missing.status_code == 400
    fields = missing.json()["fields"]
    assert fields[str(single.pk)] == ["Lựa chọn không hợp lệ."]
    assert fields[str(scale.pk)] == ["Vui lòng trả lời câu hỏi này."]
    results = client.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert results["responses"] == 1
    counts = {r["label"]: r["count"] for r in results["questions"][1]["counts"]}
    assert counts == {"Loa": 1, "Bảng tin": 0, "Zalo": 1}
    # Another commune does not have this survey.
    assert (
        client_for(tree.commune_a2).get(f"/api/v1/surveys/{survey.pk}/").status_code
        == 404
    )


# --- keys ----------------------------------------------------------------------------


def test_a_key_is_stored_hashed_and_has_its_own_rate(tree, client_for, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "api": "2/m"}
    key, raw = make_key(tree.district_a, rate="5/m")
    assert key.key_hash == hash_key(raw) and raw not in key.key_hash
    assert not ApiKey.objects.filter(key_hash=raw).exists()
    anonymous = client_for(tree.commune_a1)
    answers = [anonymous.get("/api/v1/articles/").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert "quá nhiều lần" in anonymous.get("/api/v1/articles/").json()["error"]
    # The district's key works on its commune's host, with its own rate.
    keyed = client_for(tree.commune_a1, HTTP_AUTHORIZATION=f"ApiKey {raw}")
    answers = [keyed.get("/api/v1/articles/").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    also = client_for(tree.district_a, HTTP_X_API_KEY=raw)
    assert also.get("/api/v1/articles/").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_wrong_revoked_or_foreign_keys_are_refused_in_vietnamese(tree, client_for):
    key, raw = make_key(tree.commune_a1)
    wrong = client_for(tree.commune_a1, HTTP_AUTHORIZATION="ApiKey ttcs_00000000_xyz")
    response = wrong.get("/api/v1/articles/")
    assert response.status_code == 401
    assert "Khóa API không đúng" in response.json()["error"]
    assert response["WWW-Authenticate"] == "ApiKey"
    # A commune's key is not a key of its neighbour or of its district.
    for other in (tree.commune_a2, tree.district_a):
        refused = client_for(other, HTTP_X_API_KEY=raw).get("/api/v1/articles/")
        assert refused.status_code == 403
        assert "không dùng được" in refused.json()["error"]
    key.revoke()
    revoked = client_for(tree.commune_a1, HTTP_X_API_KEY=raw).get("/api/v1/bulletins/")
    assert revoked.status_code == 403
    assert "thu hồi" in revoked.json()["error"]


def test_keys_are_created_shown_once_and_revoked_in_the_unit_admin(tree):
    from tests.utils import admin_client

    admin = admin_client(tree.commune_a1, username="canbo90101")
    page = admin.post("/admin/khoa-api/new/", {"name": "Cổng tỉnh", "rate": "300/m"})
    assert page.status_code == 200
    key = ApiKey.objects.get(name="Cổng tỉnh")
    assert key.unit == tree.commune_a1
    html = page.content.decode()
    raw = html.split("data-api-key>")[1].split("<")[0]
    assert key.key_hash == hash_key(raw) and "chỉ hiện một lần" in html
    listing = admin.get("/admin/khoa-api/").content.decode()
    assert "Cổng tỉnh" in listing and raw not in listing
    edit = admin.get(f"/admin/khoa-api/edit/{key.pk}/").content.decode()
    assert raw not in edit
    bad = admin.post("/admin/khoa-api/new/", {"name": "X", "rate": "nhiều"})
    assert "ví dụ 600/m" in bad.content.decode()
    admin.post(
        f"/admin/khoa-api/edit/{key.pk}/",
        {"name": "Cổng tỉnh", "rate": "300/m", "revoke": "on"},
    )
    key.refresh_from_db()
    assert key.is_revoked


# --- CORS --------------------------------------------------------------------------


def test_cors_lets_only_the_provinces_own_sites_read_the_api(
    tree, client_for, settings
):
    settings.CORS_ALLOWED_ORIGINS = ["https://dichvucong.tinh.gov.vn"]
    client = client_for(tree.commune_a1)
    own = f"http://{tree.district_a.primary_hostname}"
    for origin in (own, "http://localhost", "https://dichvucong.tinh.gov.vn"):
        response = client.get("/api/v1/articles/", HTTP_ORIGIN=origin)
        assert response["Access-Control-Allow-Origin"] == origin
        assert "origin" in response["Vary"].lower()
    # A commune's own domain name (the units' Domain table) is one of ours too.
    from tenants.models import Domain

    Domain.objects.create(
        domain="xaanbinh.gov.vn", tenant=tree.commune_a1, is_primary=False
    )
    response = client.get("/api/v1/articles/", HTTP_ORIGIN="https://xaanbinh.gov.vn")
    assert response["Access-Control-Allow-Origin"] == "https://xaanbinh.gov.vn"
    foreign = client.get("/api/v1/articles/", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in foreign
    preflight = client.options(
        "/api/v1/questions/",
        HTTP_ORIGIN=own,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-api-key",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == own
    assert "x-api-key" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight
    refused = client.options(
        "/api/v1/questions/",
        HTTP_ORIGIN="https://evil.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    # No CORS headers: the browser refuses to send the request.
    assert "Access-Control-Allow-Origin" not in refused
    # Pages of the site itself carry no CORS headers.
    page = client.get("/hoi-dap-truc-tuyen/", HTTP_ORIGIN=own)
    assert "Access-Control-Allow-Origin" not in page


def test_listen_back_lists_only_played_public_programs_of_the_unit(tree, client_for):
    from broadcast import services as broadcast
    from broadcast.models import Delivery, Dispatch
    from tests.factories.broadcast import make_cluster

    played = broadcast.create_tts_program(tree.commune_a1, "Đã phát", "Xin chào.")
    broadcast.create_tts_program(tree.commune_a1, "Chưa phát", "Xin chào.")
    elsewhere = broadcast.create_tts_program(tree.commune_a2, "Xã khác", "Xin chào.")
    for program in (played, elsewhere):
        cluster, _ = make_cluster(
            program.unit, "c", device_id=f"api-{program.unit.code}"
        )
        dispatch = Dispatch.objects.create(
            unit=program.unit,
            program=program,
            priority="normal",
            expires_at=timezone.now(),
        )
        Delivery.objects.create(dispatch=dispatch, cluster=cluster, state="done")
    data = client_for(tree.commune_a1).get("/api/v1/listen-back/").json()
    assert [p["title"] for p in data["results"]] == ["Đã phát"]
    audio = data["results"][0]["audio_url"]
    assert audio.endswith(f"/nghe-lai/{played.uid}/am-thanh/")


def test_legal_documents_and_units_read_what_the_site_shows(tree, client_for):
    from tests.factories.cms import make_document

    with tenant_context(tree.commune_a1):
        make_document("45/QĐ-UBND", title="Quyết định về quy chế dân chủ")
        make_document("46/QĐ-UBND", title="Bản nháp văn bản", live=False)
    client = client_for(tree.commune_a1)
    docs = client.get("/api/v1/legal-documents/", {"number": "QĐ-UBND"}).json()
    numbers = [d["number"] for d in docs["results"]]
    assert "45/QĐ-UBND" in numbers and "46/QĐ-UBND" not in numbers
    item = next(d for d in docs["results"] if d["number"] == "45/QĐ-UBND")
    assert item["doc_type_label"] == "Quyết định" and item["url"].startswith("http")
    wrong = client.get("/api/v1/legal-documents/", {"year": "hai nghìn"})
    assert wrong.json()["fields"]["year"] == ["Giá trị không hợp lệ."]

    units = client_for(tree.district_a).get("/api/v1/units/").json()
    codes = {u["code"] for u in units["results"]}
    assert codes == {"901", "90101", "90102"}
    commune = next(u for u in units["results"] if u["code"] == "90101")
    assert commune["parent_code"] == "901"
    assert tree.commune_a1.primary_hostname in commune["url"]


def test_anonymous_sending_keeps_the_sites_form_rate(tree, client_for, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "engage.form": "2/m"}
    client = client_for(tree.commune_a1)
    body = {"title": "Hỏi về học bổng", "body": "Điều kiện nhận học bổng là gì?"}
    answers = [
        client.post("/api/v1/questions/", body, content_type="application/json")
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert "quá nhiều lần" in answers[2].json()["error"]
    assert Question.objects.filter(title="Hỏi về học bổng").count() == 2
    # Reading is not counted against the form rate.
    assert client.get("/api/v1/questions/").status_code == 200
