"""States of bulletins' two pipelines (``pipeline.py``). Priority is shared
vocabulary: ``base.choices.Priority``."""

from django.db import models


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
