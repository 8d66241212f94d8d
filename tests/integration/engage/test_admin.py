"""Officials handle citizen interaction from their own unit's Wagtail admin;
officers above see the units below read-only with overdue counts."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from engage import services, tokens
from engage.models import Feedback, Survey, SurveyQuestion


def file(unit, title):
    return services.file_feedback(
        unit=unit, title=title, body="Nội dung", email="dan@example.vn"
    )


def test_unit_admin_lists_only_its_own_feedback(db, tree, admin_client_for):
    file(tree.commune_a1, "Đường ấp 1 sạt lở")
    other = file(tree.commune_b1, "Cầu ấp 5 hư hỏng")
    client = admin_client_for(tree.commune_a1)
    html = client.get("/admin/engage/feedback/").content.decode()
    assert "Đường ấp 1 sạt lở" in html and "Cầu ấp 5 hư hỏng" not in html
    # Another unit's item cannot be opened by id either.
    assert client.get(f"/admin/engage/feedback/edit/{other.pk}/").status_code == 404


def test_official_moves_feedback_through_the_pipeline_in_admin(
    db, tree, admin_client_for, django_capture_on_commit_callbacks
):
    feedback = file(tree.commune_a1, "Nước sinh hoạt bị đục")
    client = admin_client_for(tree.commune_a1)
    url = f"/admin/engage/feedback/edit/{feedback.pk}/"
    form = {
        "category": "ha-tang",
        "deadline": "",
        "answer": "",
        "note": "",
    }
    deadline = timezone.localtime(feedback.deadline).strftime("%Y-%m-%d %H:%M")
    form["deadline"] = deadline
    # Rejecting without a reason is refused with a Vietnamese message.
    html = client.post(url, {**form, "action": "rejected"}).content.decode()
    assert "Từ chối phải nêu rõ lý do." in html
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**form, "action": "accepted"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "accepted"
    assert feedback.events.get().actor == "canbo90101"
    assert mail.outbox and mail.outbox[-1].to == ["dan@example.vn"]
    # Transfer up: it leaves this unit's queue.
    client.post(url, {**form, "action": "transfer", "note": "Vượt thẩm quyền"})
    feedback.refresh_from_db()
    assert feedback.unit == tree.district_a and feedback.status == "received"


def test_province_is_not_offered_a_transfer_up_and_a_forged_one_is_a_form_error(
    db, tree, admin_client_for
):
    """The province has no unit above: "Chuyển lên đơn vị cấp trên" was
    offered, and choosing it raised in the form's save() (a 500)."""
    feedback = file(tree.province, "Phản ánh gửi thẳng lên tỉnh")
    client = admin_client_for(tree.province)
    url = f"/admin/engage/feedback/edit/{feedback.pk}/"
    html = client.get(url).content.decode()
    assert "Trả lời ngay" in html
    assert "Chuyển lên đơn vị cấp trên" not in html
    deadline = timezone.localtime(feedback.deadline).strftime("%d/%m/%Y %H:%M")
    form = {"category": "ha-tang", "deadline": deadline, "answer": "", "note": ""}
    response = client.post(url, {**form, "action": "transfer"})
    assert response.status_code == 200
    assert "Lựa chọn không hợp lệ" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.unit == tree.province and feedback.status == "received"


def test_official_answer_in_admin_makes_the_question_public(
    db, tree, admin_client_for, client_for
):
    question = services.ask_question(
        unit=tree.commune_a1, title="Giờ làm việc bộ phận một cửa", body="Mấy giờ?"
    )
    client = admin_client_for(tree.commune_a1)
    response = client.post(
        f"/admin/engage/question/edit/{question.pk}/",
        {
            "title": question.title,
            "category": "hanh-chinh",
            "body": question.body,
            "answer": "Từ 7 giờ đến 17 giờ các ngày làm việc.",
            "status": "answered",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == "answered"
    page = client_for(tree.commune_a1).get(
        "/hoi-dap-truc-tuyen/", {"q": "gio lam viec"}
    )
    assert "Giờ làm việc bộ phận một cửa" in page.content.decode()


def test_answered_without_an_answer_is_a_form_error_that_keeps_the_text(
    db, tree, admin_client_for
):
    question = services.ask_question(
        unit=tree.commune_a1, title="Hỏi về lịch tiêm chủng", body="Khi nào?"
    )
    client = admin_client_for(tree.commune_a1)
    response = client.post(
        f"/admin/engage/question/edit/{question.pk}/",
        {
            "title": "Hỏi về lịch tiêm chủng (đã sửa)",
            "category": "hanh-chinh",
            "body": question.body,
            "answer": "   ",
            "status": "answered",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hãy nhập nội dung trả lời trước khi đăng." in html
    assert "Hỏi về lịch tiêm chủng (đã sửa)" in html
    question.refresh_from_db()
    assert question.status == "pending"


def test_district_officer_sees_units_below_with_overdue_counts(
    db, tree, admin_client_for
):
    late = file(tree.commune_a1, "Ô nhiễm kênh")
    Feedback.objects.filter(pk=late.pk).update(
        deadline=timezone.now() - timedelta(days=2)
    )
    file(tree.commune_a2, "Chưa quá hạn")
    file(tree.commune_b1, "Huyện khác")
    services.ask_question(unit=tree.commune_a2, title="Hỏi", body="Nội dung")
    client = admin_client_for(tree.district_a)
    html = client.get("/admin/tuong-tac/cap-duoi/").content.decode()
    assert "Xã An Bình" in html and "Xã An Hòa" in html
    assert "Xã Bình Lợi" not in html  # another district's commune
    assert "<strong>1</strong>" in html  # one overdue in An Bình
    detail = client.get("/admin/tuong-tac/cap-duoi/90101/").content.decode()
    assert "Ô nhiễm kênh" in detail and "Quá hạn" in detail
    # Read-only: the district cannot open the commune's item for editing.
    assert client.get(f"/admin/engage/feedback/edit/{late.pk}/").status_code == 404
    # A commune cannot look at its sibling.
    sibling = admin_client_for(tree.commune_a1)
    assert sibling.get("/admin/tuong-tac/cap-duoi/90102/").status_code == 404


def test_survey_created_in_admin_belongs_to_the_unit_and_freezes(
    db, tree, admin_client_for, client_for
):
    client = admin_client_for(tree.commune_a1)
    now = timezone.localtime()
    data = {
        "title": "Khảo sát giờ phát thanh",
        "description": "",
        "opens_at": (now - timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
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
    response = client.post("/admin/engage/survey/new/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    survey = Survey.objects.get()
    assert survey.unit == tree.commune_a1
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
    data.update(
        {
            "questions-INITIAL_FORMS": "1",
            "questions-0-id": str(question.pk),
            "questions-0-text": "Câu hỏi đã bị sửa",
        }
    )
    html = client.post(f"/admin/engage/survey/edit/{survey.pk}/", data)
    assert "Khảo sát đã có người trả lời" in html.content.decode()
    assert SurveyQuestion.objects.get().text == "Giờ nào phù hợp?"


def test_unit_editors_and_approvers_may_handle_engage_items(db, tree, settings):
    from django.contrib.auth.models import Group
    from django_tenants.utils import tenant_context

    with tenant_context(tree.commune_a1):
        for name in (settings.UNIT_EDITOR_GROUP, settings.UNIT_APPROVER_GROUP):
            codenames = set(
                Group.objects.get(name=name).permissions.values_list(
                    "codename", flat=True
                )
            )
            assert {"change_feedback", "change_question", "add_survey"} <= codenames


def test_official_sees_the_citizens_contact_and_photos_of_a_feedback(
    db, tree, admin_client_for
):
    """ux B7: the edit form showed neither photos nor name, phone, e-mail."""
    import io

    from django.core.files.base import ContentFile
    from django_tenants.utils import tenant_context
    from PIL import Image

    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 30)).save(jpeg, format="JPEG")
    with tenant_context(tree.commune_a1):  # filed on the commune's site
        feedback = services.file_feedback(
            unit=tree.commune_a1,
            title="Rác thải đổ bừa bãi ở ấp 2",
            body="Cuối đường ấp 2 có bãi rác tự phát.",
            name="Nguyễn Văn Dân",
            phone="0912345678",
            email="dan@example.vn",
            photos=[(ContentFile(jpeg.getvalue(), name="rac.jpg"), (64, 48))],
        )
    photo = feedback.photos.get()
    client = admin_client_for(tree.commune_a1)
    html = client.get(f"/admin/engage/feedback/edit/{feedback.pk}/").content.decode()
    assert "Nguyễn Văn Dân" in html
    assert 'href="tel:0912345678"' in html and "mailto:dan@example.vn" in html
    photo_url = f"/admin/tuong-tac/anh-phan-anh/{photo.pk}/"
    assert f'src="{photo_url}"' in html
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    # Another commune's official gets nothing.
    other = admin_client_for(tree.commune_b1)
    assert other.get(photo_url).status_code == 404


def test_official_answers_a_new_feedback_in_one_step_with_every_stage_recorded(
    db, tree, admin_client_for
):
    feedback = file(tree.commune_a1, "Ổ gà trên đường liên ấp")
    client = admin_client_for(tree.commune_a1)
    url = f"/admin/engage/feedback/edit/{feedback.pk}/"
    html = client.get(url).content.decode()
    assert "Trả lời ngay" in html
    form = {"category": "ha-tang", "deadline": "", "note": "", "action": "answer-now"}
    empty = client.post(url, {**form, "answer": ""}).content.decode()
    assert "Hãy nhập nội dung trả lời trước." in empty
    response = client.post(
        url, {**form, "answer": "Xã đã vá ổ gà ngày 02/12, cảm ơn bà con."}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "answered" and feedback.answered_at
    steps = list(feedback.events.order_by("pk").values_list("from_status", "to_status"))
    assert steps == [
        ("received", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "answered"),
    ]
