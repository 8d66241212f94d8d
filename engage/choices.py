"""Categories of questions and feedback, where each is handled, and the
states of feedback."""

from django.db import models


class Category(models.TextChoices):
    ADMIN = "hanh-chinh", "Thủ tục hành chính"
    LAND = "dat-dai", "Đất đai, xây dựng"
    ENVIRONMENT = "moi-truong", "Môi trường, vệ sinh"
    SECURITY = "an-ninh", "An ninh, trật tự"
    HEALTH = "y-te", "Y tế"
    EDUCATION = "giao-duc", "Giáo dục"
    SOCIAL = "chinh-sach", "Chính sách xã hội"
    INFRA = "ha-tang", "Giao thông, điện, nước"
    OTHER = "khac", "Khác"


# Feedback in these categories is handled one level up (district, or the
# province where there is no district): routed there when filed.
ROUTED_UP = {Category.LAND: "district"}


class FeedbackKind(models.TextChoices):
    REPORT = "phan-anh", "Phản ánh"
    PROPOSAL = "kien-nghi", "Kiến nghị"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", "Chờ duyệt, chờ trả lời"
    ANSWERED = "answered", "Đã trả lời"
    HIDDEN = "hidden", "Không đăng"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Chọn một"
    MULTIPLE = "multiple", "Chọn nhiều"
    SCALE = "scale", "Thang điểm 1–5"
    TEXT = "text", "Trả lời tự do"


class FeedbackStatus(models.TextChoices):
    """States of a feedback (the pipeline is in ``pipeline.py``)."""

    RECEIVED = "received", "Đã tiếp nhận"
    ACCEPTED = "accepted", "Đã thụ lý"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    ANSWERED = "answered", "Đã trả lời"
    CLOSED = "closed", "Đã kết thúc"
    REJECTED = "rejected", "Từ chối"
