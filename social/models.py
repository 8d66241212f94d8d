"""A unit's Zalo Official Account and what was posted to it (public schema).

The secret key and the tokens are stored encrypted (``social.crypto``);
the admin never shows them back. ``ZaloPost`` is one published page on its
way to the OA: its state, attempts and Zalo's answer, retried by beat.
"""

from django.db import models

from . import crypto


class ZaloAccount(models.Model):
    unit = models.OneToOneField(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="zalo_account",
    )
    oa_name = models.CharField("tên Official Account", max_length=150)
    app_id = models.CharField("App ID (Zalo for Developers)", max_length=64)
    secret_key_encrypted = models.TextField(blank=True, editable=False)
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    author = models.CharField(
        "tác giả hiện trên bài", max_length=50, default="Ban biên tập"
    )
    post_articles = models.BooleanField("đăng tin bài lên OA", default=True)
    post_announcements = models.BooleanField("đăng thông báo lên OA", default=True)
    active = models.BooleanField("đang kết nối", default=True)
    last_error = models.TextField("lỗi gần nhất", blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Zalo Official Account"
        verbose_name_plural = "Zalo Official Account"

    def __str__(self):
        return self.oa_name

    # Credentials, in clear only in memory.
    def _get(self, name):
        return crypto.decrypt(getattr(self, f"{name}_encrypted"))

    def _set(self, name, value):
        setattr(self, f"{name}_encrypted", crypto.encrypt(value))

    secret_key = property(
        lambda self: self._get("secret_key"),
        lambda self, v: self._set("secret_key", v),
    )
    access_token = property(
        lambda self: self._get("access_token"),
        lambda self, v: self._set("access_token", v),
    )
    refresh_token = property(
        lambda self: self._get("refresh_token"),
        lambda self, v: self._set("refresh_token", v),
    )

    def posts_kind(self, page_type):
        return {
            "cms.articlepage": self.post_articles,
            "cms.announcementpage": self.post_announcements,
        }.get(page_type, False)


class PostState(models.TextChoices):
    PENDING = "pending", "Chờ đăng"
    PROCESSING = "processing", "Zalo đang xử lý"
    POSTED = "posted", "Đã đăng"
    FAILED = "failed", "Lỗi, sẽ thử lại"
    GAVE_UP = "gave_up", "Lỗi, đã ngừng thử"


class ZaloPost(models.Model):
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="zalo_posts",
    )
    page_id = models.PositiveIntegerField("trang")
    page_type = models.CharField(max_length=100)
    title = models.CharField("tiêu đề", max_length=255)
    summary = models.TextField("tóm tắt", blank=True)
    image_url = models.CharField("ảnh", max_length=500, blank=True)
    url = models.CharField("đường dẫn", max_length=500)
    state = models.CharField(
        "trạng thái", max_length=12, choices=PostState.choices, default="pending"
    )
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    next_attempt_at = models.DateTimeField("thử lại lúc", null=True, db_index=True)
    zalo_token = models.CharField(max_length=500, blank=True, editable=False)
    zalo_article_id = models.CharField("mã bài trên Zalo", max_length=100, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    posted_at = models.DateTimeField("đăng lúc", null=True, blank=True)

    class Meta:
        verbose_name = "bài đăng Zalo OA"
        verbose_name_plural = "bài đăng Zalo OA"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "page_id"], name="one_zalo_post_per_page"
            )
        ]

    def __str__(self):
        return self.title
