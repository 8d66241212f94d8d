"""States of broadcast (the pipeline itself is in ``pipeline.py``)."""

from django.db import models


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    ACKNOWLEDGED = "acknowledged", "Đã xác nhận"
    PLAYING = "playing", "Đang phát"
    DONE = "done", "Đã phát xong"
    FAILED = "failed", "Lỗi"
    EXPIRED = "expired", "Hết hạn"
    PREEMPTED = "preempted", "Bị ngắt (phát khẩn cấp)"
    STOPPED = "stopped", "Đã dừng"
