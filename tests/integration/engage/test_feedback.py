"""Feedback: status pipeline, transfer, deadlines, e-mail, photos, ratings."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from engage import services, tokens
from engage.models import Feedback
from engage.pipeline import FeedbackStatus, InvalidStatus
from engage.signals import feedback_status_changed


def file(unit, **kw):
    return services.file_feedback(
        unit=unit,
        title=kw.pop("title", "Đèn đường hỏng ở ấp 3"),
        body=kw.pop("body", "Đèn đường tắt cả tháng nay."),
        email=kw.pop("email", "dan@example.vn"),
        category=kw.pop("category", "ha-tang"),
        **kw,
    )


def test_pipeline_walks_to_closed_with_events_signals_and_mail(
    db, tree, django_capture_on_commit_callbacks
):
    feedback = file(tree.commune_a1)
    seen = []

    def listener(sender, feedback, old_status, new_status, **kwargs):
        seen.append((old_status, new_status))

    feedback_status_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            feedback.set_status("accepted", actor="cb")
            feedback.set_status("in_progress", actor="cb")
            feedback.set_status("answered", actor="cb", answer="Đã thay bóng đèn.")
            feedback.set_status("closed", actor="cb")
            # Receivers (the citizen's mail) wait for the commit.
            assert seen == [] and not mail.outbox
    finally:
        feedback_status_changed.disconnect(listener)
    assert seen == [
        ("received", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "answered"),
        ("answered", "closed"),
    ]
    assert [e.to_status for e in feedback.events.all()] == [
        "accepted",
        "in_progress",
        "answered",
        "closed",
    ]
    assert len(mail.outbox) == 4
    assert mail.outbox[2].to == ["dan@example.vn"]
    assert "Đã trả lời" in mail.outbox[2].subject
    assert "Đã thay bóng đèn." in mail.outbox[2].body


def test_pipeline_refuses_skips_and_rejection_without_reason(db, tree):
    feedback = file(tree.commune_a1)
    with pytest.raises(InvalidStatus, match="Không thể chuyển"):
        feedback.set_status("answered", answer="x")
    with pytest.raises(InvalidStatus, match="lý do"):
        feedback.set_status("rejected")
    feedback.set_status("rejected", reason="Không thuộc thẩm quyền của xã.")
    assert feedback.reject_reason == "Không thuộc thẩm quyền của xã."
    with pytest.raises(InvalidStatus):
        feedback.set_status("accepted")
    assert Feedback.objects.get().status == FeedbackStatus.REJECTED


def test_transfer_to_parent_unit_moves_the_queue(db, tree):
    feedback = file(tree.commune_a1)
    feedback.transfer_to_parent(actor="cb", note="Vượt thẩm quyền")
    feedback.refresh_from_db()
    assert feedback.unit == tree.district_a
    assert feedback.filed_with == tree.commune_a1
    assert feedback.status == "received"
    assert "Chuyển lên Huyện An Phú" in feedback.events.get().note
    assert not Feedback.objects.filter(unit=tree.commune_a1).exists()
    feedback.set_status("accepted")
    feedback.set_status("in_progress")
    with pytest.raises(InvalidStatus, match="chưa bắt đầu xử lý"):
        feedback.transfer_to_parent()


def test_land_feedback_is_routed_to_the_district(db, tree):
    feedback = file(tree.commune_a2, category="dat-dai", title="Lấn chiếm đất công")
    assert feedback.unit == tree.district_a and feedback.filed_with == tree.commune_a2


def test_overdue_flag_and_counts_for_officers_above(db, tree):
    late = file(tree.commune_a1, title="Rác thải chưa thu gom")
    Feedback.objects.filter(pk=late.pk).update(
        deadline=timezone.now() - timedelta(days=1)
    )
    file(tree.commune_a1, title="Ngập nước đường liên ấp")
    answered = file(tree.commune_a2, title="Cống nghẹt")
    Feedback.objects.filter(pk=answered.pk).update(
        deadline=timezone.now() - timedelta(days=1), status="answered"
    )
    late.refresh_from_db()
    assert late.is_overdue
    assert list(Feedback.objects.overdue()) == [late]
    rows = {
        r["unit"].code: r
        for r in services.queue_figures(list(tree.district_a.descendants()))
    }
    assert rows["90101"]["open_feedback"] == 2
    assert rows["90101"]["overdue_feedback"] == 1
    assert rows["90102"]["overdue_feedback"] == 0


def test_citizen_files_feedback_with_photo_exif_stripped(
    db, tree, client_for, gps_photo
):
    client = client_for(tree.commune_a1)
    raw = gps_photo()
    assert Image.open(io.BytesIO(raw.read())).getexif().get(0x8825)
    raw.seek(0)
    response = client.post(
        "/phan-anh-kien-nghi/gui/",
        {
            "kind": "phan-anh",
            "category": "moi-truong",
            "title": "Đổ rác trái phép",
            "body": "Bãi rác tự phát cạnh chợ.",
            "location": "Chợ An Bình",
            "email": "",
            "website": "",
            "photos": [raw],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    feedback = Feedback.objects.get()
    photo = feedback.photos.get()
    with photo.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.format == "JPEG"
        assert not image.getexif()  # no GPS, no maker, nothing
    assert tree.commune_a1.schema_name in photo.image.path
    tracking = client.get(feedback.public_url()).content.decode()
    assert feedback.code in tracking and "Đã tiếp nhận" in tracking


def test_fake_photo_is_refused_and_the_text_kept(db, tree, client_for):
    fake = SimpleUploadedFile("anh.jpg", b"not an image at all", "image/jpeg")
    response = client_for(tree.commune_a1).post(
        "/phan-anh-kien-nghi/gui/",
        {
            "kind": "kien-nghi",
            "category": "khac",
            "title": "Kiến nghị mở rộng đường",
            "body": "Đường hẹp.",
            "website": "",
            "photos": [fake],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "không phải ảnh hợp lệ" in html
    assert "Kiến nghị mở rộng đường" in html
    assert not Feedback.objects.exists()


def test_public_results_and_citizen_rating(db, tree, client_for):
    done = file(tree.commune_a1, title="Sửa cầu khỉ ấp 2")
    file(tree.commune_a1, title="Việc chưa xử lý")
    for status in ("accepted", "in_progress"):
        done.set_status(status)
    done.set_status("answered", answer="Đã sửa xong cầu.")
    client = client_for(tree.commune_a1)
    listing = client.get("/phan-anh-kien-nghi/").content.decode()
    assert "Sửa cầu khỉ ấp 2" in listing and "Việc chưa xử lý" not in listing
    # Units never see each other's results.
    other = client_for(tree.commune_b1).get("/phan-anh-kien-nghi/").content.decode()
    assert "Sửa cầu khỉ ấp 2" not in other
    # The public code alone does not let anyone rate.
    stranger = client.post(
        done.public_url(), {"rating": "1", "rating_comment": "", "website": ""}
    )
    assert stranger.status_code == 200
    assert "đường dẫn riêng" in stranger.content.decode()
    done.refresh_from_db()
    assert done.rating is None
    # The sender's own link (given when filing and in the e-mails) does.
    response = client.post(
        tokens.rating_url(done),
        {
            "rating": "4",
            "rating_comment": "Nhanh",
            "website": "",
            "k": tokens.rating_key(done),
        },
    )
    assert response.status_code == 302
    done.refresh_from_db()
    assert done.rating == 4 and done.rating_comment == "Nhanh"


def test_photo_is_kept_when_the_form_comes_back_with_an_error(
    db, tree, client_for, gps_photo
):
    """ux B8: a photo attached to a form with a mistake was silently dropped."""
    import re

    client = client_for(tree.commune_a1)
    form = {
        "kind": "phan-anh",
        "category": "moi-truong",
        "title": "Cống thoát nước bị nghẹt",
        "body": "",  # the mistake
        "email": "khong-hop-le",  # and another
        "website": "",
    }
    first = client.post("/phan-anh-kien-nghi/gui/", {**form, "photos": [gps_photo()]})
    html = first.content.decode()
    assert first.status_code == 200 and not Feedback.objects.exists()
    assert "Ảnh đã chọn được giữ lại" in html and "Cống thoát nước bị nghẹt" in html
    tokens = re.findall(r'name="kept_photos" value="([^"]+)"', html)
    assert len(tokens) == 1
    # A forged token is ignored, the kept one comes back with the corrected form.
    second = client.post(
        "/phan-anh-kien-nghi/gui/",
        {
            **form,
            "body": "Nước tràn ra đường mỗi khi mưa.",
            "email": "dan@example.vn",
            "kept_photos": [tokens[0], "gia-mao:1"],
        },
    )
    assert second.status_code == 302, second.content.decode()[:2000]
    feedback = Feedback.objects.get()
    photo = feedback.photos.get()
    with photo.image.open("rb") as stored:
        assert not Image.open(io.BytesIO(stored.read())).getexif()
    # Unticking a kept photo sends the feedback without it.
    third = client.post("/phan-anh-kien-nghi/gui/", {**form, "photos": [gps_photo()]})
    token = re.findall(r'name="kept_photos" value="([^"]+)"', third.content.decode())
    assert token
    client.post(
        "/phan-anh-kien-nghi/gui/",
        {**form, "body": "Lần hai.", "email": "", "title": "Không kèm ảnh"},
    )
    assert not Feedback.objects.get(title="Không kèm ảnh").photos.exists()
