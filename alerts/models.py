"""CAP 1.2 alerts (public schema).

Out: ``CapMessage`` is one CAP message the platform issued for an emergency
or priority bulletin: an Alert when it is sent, an Update each time it is
changed after sending, a Cancel when it is withdrawn. A CAP message is
immutable once issued, so its XML is kept as issued; the feeds list them.

In: ``CapSource`` is an upstream Atom/CAP feed the province subscribes to;
each alert read from it leaves one ``CapIntake`` row, accepted (with the
bulletin made from it) or refused (with the reason).
"""

from django.db import models


class MsgType(models.TextChoices):
    ALERT = "Alert", "Cảnh báo"
    UPDATE = "Update", "Cập nhật"
    CANCEL = "Cancel", "Huỷ bỏ"


class CapMessage(models.Model):
    bulletin = models.ForeignKey(
        "bulletins.Bulletin",
        verbose_name="thông tin nguồn",
        on_delete=models.CASCADE,
        related_name="cap_messages",
    )
    version = models.PositiveIntegerField("phiên bản")
    identifier = models.CharField("mã cảnh báo", max_length=200, unique=True)
    sender = models.CharField("bên gửi", max_length=200)
    msg_type = models.CharField("loại", max_length=8, choices=MsgType.choices)
    sent = models.DateTimeField("thời điểm phát")
    sender_unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị gửi",
        on_delete=models.CASCADE,
        related_name="+",
    )
    area_units = models.ManyToManyField(
        "tenants.Unit", verbose_name="khu vực", related_name="cap_messages"
    )
    headline = models.CharField("tiêu đề", max_length=255)
    # What the bulletin looked like when this message was issued: a change
    # of any of it after sending issues an Update.
    fingerprint = models.CharField(max_length=64)
    xml = models.TextField("nội dung CAP")

    class Meta:
        verbose_name = "bản tin CAP"
        verbose_name_plural = "bản tin CAP"
        ordering = ["-sent", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "version"], name="unique_cap_version"
            )
        ]

    def __str__(self):
        return self.identifier


class IntakePolicy(models.TextChoices):
    DRAFT = "draft", "Tạo bản nháp để cán bộ duyệt"
    SEND = "send", "Gửi ngay"


class CapSource(models.Model):
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị nhận",
        on_delete=models.CASCADE,
        related_name="cap_sources",
    )
    name = models.CharField(
        "tên nguồn",
        max_length=200,
        help_text="Ví dụ: Trung ương, Tổng cục Phòng chống thiên tai, tỉnh lân cận.",
    )
    url = models.URLField("địa chỉ nguồn tin (Atom/CAP)", max_length=500)
    policy = models.CharField(
        "xử lý cảnh báo mới",
        max_length=8,
        choices=IntakePolicy.choices,
        default=IntakePolicy.DRAFT,
    )
    active = models.BooleanField("đang nhận", default=True)
    last_polled_at = models.DateTimeField("lần đọc gần nhất", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)

    class Meta:
        verbose_name = "nguồn cảnh báo CAP"
        verbose_name_plural = "nguồn cảnh báo CAP"
        ordering = ["name"]

    def __str__(self):
        return self.name


class IntakeOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Đã nhận"
    REFUSED = "refused", "Từ chối"


class CapIntake(models.Model):
    source = models.ForeignKey(
        CapSource,
        verbose_name="nguồn",
        on_delete=models.CASCADE,
        related_name="intakes",
    )
    identifier = models.CharField("mã cảnh báo", max_length=500, blank=True)
    sender = models.CharField("bên gửi", max_length=500, blank=True)
    sent = models.CharField("thời điểm phát", max_length=64, blank=True)
    link = models.URLField("địa chỉ", max_length=1000, blank=True)
    outcome = models.CharField("kết quả", max_length=8, choices=IntakeOutcome.choices)
    reason = models.TextField("lý do", blank=True)
    xml = models.TextField("bản gốc", blank=True)
    bulletin = models.ForeignKey(
        "bulletins.Bulletin",
        verbose_name="thông tin nguồn đã tạo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cap_intakes",
    )
    received_at = models.DateTimeField("lúc nhận", auto_now_add=True)

    class Meta:
        verbose_name = "cảnh báo CAP đã nhận"
        verbose_name_plural = "cảnh báo CAP đã nhận"
        ordering = ["-received_at", "-pk"]
        constraints = [
            # One accepted alert per (identifier, sender, sent): a replay is
            # refused even when two polls race.
            models.UniqueConstraint(
                fields=["identifier", "sender", "sent"],
                condition=models.Q(outcome="accepted"),
                name="unique_accepted_cap_alert",
            )
        ]

    def __str__(self):
        return f"{self.identifier} ({self.get_outcome_display()})"
