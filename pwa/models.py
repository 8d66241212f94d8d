"""Web Push (public schema): who asked for a unit's alerts, and what each
push to them did.

``PushSubscription`` is one browser's push subscription (its endpoint at
the push service and its RFC 8291 keys) for one unit's alerts. A citizen
who follows a commune, its district and its province from one app has
three rows with the same endpoint; a bulletin for all three reaches that
phone once (``services.recipients``).

``PushMessage`` is one push: of a bulletin (emergency or priority, to every
unit it reaches) or of an announcement a unit marked for push. Its counters
are the delivery figures an officer reads beside the bulletin.
"""

from django.conf import settings
from django.db import models


class PushSubscription(models.Model):
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị theo dõi",
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    endpoint = models.URLField("địa chỉ nhận", max_length=1000)
    p256dh = models.CharField("khoá công khai", max_length=100)
    auth = models.CharField("khoá xác thực", max_length=40)
    language = models.CharField(
        "ngôn ngữ", max_length=10, choices=settings.LANGUAGES, default="vi"
    )
    created_at = models.DateTimeField("ngày đăng ký", auto_now_add=True)
    last_success_at = models.DateTimeField("lần nhận gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "đăng ký nhận cảnh báo"
        verbose_name_plural = "đăng ký nhận cảnh báo"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "endpoint"], name="unique_push_subscription"
            )
        ]

    def __str__(self):
        return f"{self.unit} – {self.endpoint[:60]}"

    @property
    def info(self):
        """The subscription as pywebpush (and the browser's toJSON) shape it."""
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }


class PushMessage(models.Model):
    bulletin = models.OneToOneField(
        "bulletins.Bulletin",
        verbose_name="thông tin nguồn",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="push_message",
    )
    # An announcement: the unit whose page it is and the page's id there.
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    page_id = models.PositiveIntegerField("trang thông báo", null=True, blank=True)
    title = models.CharField("tiêu đề", max_length=255)
    urgency = models.CharField("độ khẩn", max_length=10, default="normal")
    recipients = models.PositiveIntegerField("số máy nhận", default=0)
    sent = models.PositiveIntegerField("đã gửi", default=0)
    failed = models.PositiveIntegerField("lỗi", default=0)
    removed = models.PositiveIntegerField("đăng ký đã gỡ", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        verbose_name = "lượt gửi thông báo điện thoại"
        verbose_name_plural = "lượt gửi thông báo điện thoại"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "page_id"], name="unique_push_per_page"
            )
        ]

    def __str__(self):
        return self.title
