"""What the province exchanged with the central source information system
(public schema): each message received (kept with its id, so a replay is
refused) and each message to send (the outbox, drained with retries)."""

import uuid

from django.db import models


class InboundMessage(models.Model):
    message_id = models.CharField("mã thông điệp", max_length=64, unique=True)
    kind = models.CharField("loại", max_length=32)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    received_at = models.DateTimeField("nhận lúc", auto_now_add=True)
    reference = models.CharField("số, ký hiệu", max_length=100, blank=True)
    payload = models.JSONField("nội dung")
    bulletin = models.ForeignKey(
        "bulletins.Bulletin",
        verbose_name="thông tin nguồn đã tạo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="central_messages",
    )

    class Meta:
        verbose_name = "thông điệp từ Trung ương"
        verbose_name_plural = "thông điệp từ Trung ương"
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.kind} {self.message_id}"


class OutboundMessage(models.Model):
    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("loại", max_length=32)
    payload = models.JSONField("nội dung")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    attempts = models.PositiveIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lại lúc", db_index=True)
    delivered_at = models.DateTimeField("đã gửi lúc", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)

    class Meta:
        verbose_name = "thông điệp gửi Trung ương"
        verbose_name_plural = "thông điệp gửi Trung ương"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} {self.message_id}"
