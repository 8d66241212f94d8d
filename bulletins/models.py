"""Essential information sent down the hierarchy (public schema).

A district or province officer writes a ``Bulletin``; once approved it is
queued in the ``Outbox``; a Celery task turns the outbox row into one
``Delivery`` per target unit and channel; each delivery moves through the
pipeline in ``bulletins.pipeline`` and every step is a ``DeliveryTransition``.

Actors are stored by name: commune editors are users of the commune's
schema, so a foreign key from this public table could not point at them.
"""

from django.conf import settings
from django.db import models

from base.choices import Priority

from .choices import BulletinStatus, DeliveryState


class Channel(models.TextChoices):
    WEB = "web", "Trang thông tin điện tử"
    BOARD = "board", "Bảng tin điện tử"
    SPEAKER = "speaker", "Loa truyền thanh"


class Category(models.TextChoices):
    POLICY = "policy", "Chủ trương, chính sách"
    ADMIN = "admin", "Thủ tục hành chính"
    HEALTH = "health", "Y tế, dịch bệnh"
    DISASTER = "disaster", "Phòng chống thiên tai"
    SECURITY = "security", "An ninh, trật tự"
    AGRICULTURE = "agriculture", "Nông nghiệp"
    CULTURE = "culture", "Văn hoá, xã hội"
    OTHER = "other", "Khác"


class TargetMode(models.TextChoices):
    SUBTREE = "subtree", "Toàn bộ xã, phường trực thuộc một đơn vị"
    UNITS = "units", "Các đơn vị được chọn"


class OfficerRole(models.TextChoices):
    EDITOR = "editor", "Soạn thảo"
    APPROVER = "approver", "Soạn thảo và phê duyệt"


class OfficerProfile(models.Model):
    """Links a platform (public-schema) user to the unit they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="officer_profile",
    )
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="officers",
    )
    role = models.CharField(
        "vai trò", max_length=16, choices=OfficerRole.choices, default="editor"
    )

    class Meta:
        verbose_name = "cán bộ thông tin nguồn"
        verbose_name_plural = "cán bộ thông tin nguồn"

    def __str__(self):
        return f"{self.user} – {self.unit}"

    @property
    def can_approve(self):
        return self.role == OfficerRole.APPROVER


class Bulletin(models.Model):
    title = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung")
    category = models.CharField(
        "lĩnh vực", max_length=32, choices=Category.choices, default="other"
    )
    priority = models.CharField(
        "mức độ", max_length=16, choices=Priority.choices, default="normal"
    )
    channels = models.JSONField("kênh", default=list)
    target_mode = models.CharField(
        "đối tượng nhận", max_length=16, choices=TargetMode.choices, default="subtree"
    )
    target_root = models.ForeignKey(
        "tenants.Unit",
        verbose_name="gửi tới các xã, phường thuộc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_units = models.ManyToManyField(
        "tenants.Unit", verbose_name="đơn vị nhận", blank=True, related_name="+"
    )
    valid_from = models.DateTimeField("hiệu lực từ")
    valid_until = models.DateTimeField("hiệu lực đến", null=True, blank=True)
    language = models.CharField(
        "ngôn ngữ", max_length=10, choices=settings.LANGUAGES, default="vi"
    )
    sender_unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị gửi",
        on_delete=models.PROTECT,
        related_name="bulletins_sent",
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=BulletinStatus.choices, default="draft"
    )
    created_by_name = models.CharField("người soạn", max_length=150, blank=True)
    approved_by_name = models.CharField("người duyệt", max_length=150, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    sent_at = models.DateTimeField("thời điểm gửi", null=True, blank=True)

    class Meta:
        verbose_name = "thông tin nguồn"
        verbose_name_plural = "thông tin nguồn"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def body_text(self):
        return self.body

    @property
    def is_emergency(self):
        return self.priority == Priority.EMERGENCY

    def channel_labels(self):
        return [Channel(c).label for c in self.channels]


class BulletinTransition(models.Model):
    """History of a bulletin's status (``pipeline.BULLETIN``): who sent or
    withdrew it, and when."""

    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="status_history"
    )
    from_status = models.CharField(max_length=16, choices=BulletinStatus.choices)
    to_status = models.CharField(max_length=16, choices=BulletinStatus.choices)
    actor = models.CharField("người thực hiện", max_length=200, blank=True)
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", "Văn bản"
    IMAGE = "image", "Hình ảnh"
    AUDIO = "audio", "Âm thanh"


def attachment_path(instance, filename):
    return f"bulletins/{instance.bulletin_id or 'new'}/{filename}"


class Attachment(models.Model):
    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("tệp", upload_to=attachment_path, max_length=300)
    kind = models.CharField("loại", max_length=16, choices=AttachmentKind.choices)
    name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveIntegerField("dung lượng", default=0)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self):
        return self.name


class Outbox(models.Model):
    """A sent bulletin waiting for its deliveries to be created.

    Written in the same transaction as the approval, so a bulletin is never
    approved without it; the fan-out task (queued on commit, and again by
    the periodic drain and on worker start) processes it exactly once.
    """

    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="outbox"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "hàng đợi gửi"
        verbose_name_plural = "hàng đợi gửi"


class Delivery(models.Model):
    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="deliveries"
    )
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị nhận",
        on_delete=models.CASCADE,
        related_name="bulletin_deliveries",
    )
    channel = models.CharField("kênh", max_length=16, choices=Channel.choices)
    state = models.CharField(
        "trạng thái",
        max_length=16,
        choices=DeliveryState.choices,
        default=DeliveryState.SENT,
        db_index=True,
    )
    # Emergency deliveries to boards and speakers are dispatched at once,
    # without waiting for the commune.
    immediate = models.BooleanField("phát ngay", default=False)
    page_id = models.PositiveIntegerField("trang đã tạo", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "lượt chuyển"
        verbose_name_plural = "lượt chuyển"
        ordering = ["unit__path", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "unit", "channel"],
                name="unique_delivery_per_unit_channel",
            )
        ]

    def __str__(self):
        return f"{self.bulletin} → {self.unit} ({self.channel})"


class DeliveryTransition(models.Model):
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.CharField("người thực hiện", max_length=200, blank=True)
    note = models.TextField("ghi chú", blank=True)
    at = models.DateTimeField("lúc", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # A delivery's first answer (min(at) of its transitions out of
            # "sent", kept in FirstAnswer) is counted again from here when a
            # transition changes: an index-only lookup.
            models.Index(
                fields=["delivery", "from_state", "at"],
                name="bul_transition_from_at",
            ),
        ]


class FirstAnswer(models.Model):
    """When a delivery first left "sent" (the earliest of its transitions out
    of "sent": opened, or expired unopened), the moment its "on time" is
    judged by. The reports read one row per delivery instead of looking up
    every delivery's history.

    Kept by PostgreSQL triggers on ``DeliveryTransition`` (migration 0004),
    never written by Django: an answer recorded by the pipeline, a bulk
    insert, a transition's time corrected or deleted all keep it equal to
    the history, in the same transaction. Tested against the history in
    tests/integration/reports/test_stored_totals.py."""

    delivery = models.OneToOneField(
        Delivery,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="first_answer",
    )
    at = models.DateTimeField("trả lời lần đầu lúc")

    class Meta:
        verbose_name = "lần trả lời đầu tiên"
        verbose_name_plural = "lần trả lời đầu tiên"
