"""Vocabulary of bulletins: priorities and the states of its pipelines
(``pipeline.py``).

The three priority levels of Thông tư 39/2020/TT-BTTTT, shared by
bulletins, announcements (cms) and broadcasts: normal items are offered and
the commune decides; priority items go first; emergency items play at once
on every channel."""

from django.db import models


class Priority(models.TextChoices):
    NORMAL = "normal", "Thông thường"
    PRIORITY = "priority", "Ưu tiên"
    EMERGENCY = "emergency", "Khẩn cấp"


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    SENT = "sent", "Đã duyệt và gửi"
    WITHDRAWN = "withdrawn", "Đã thu hồi"


class DeliveryState(models.TextChoices):
    SENT = "sent", "Đã gửi"
    RECEIVED = "received", "Đã nhận"
    USED = "used", "Đã sử dụng"
    DECLINED = "declined", "Từ chối"
    EXPIRED = "expired", "Hết hạn"
