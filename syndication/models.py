"""The shared syndication index (public schema).

One row per syndicated page of any unit: what a district or provincial
portal, a feed or the read API needs to list it without entering the
unit's schema. Rows are written only by ``syndication.tasks.sync_page``,
which runs in the unit's schema (the tenant travels with the task).
"""

from django.db import models


class SyndicatedItem(models.Model):
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="syndicated_items",
    )
    # The unit's path (codes from the root down) copied here so a portal's
    # subtree is one indexed prefix match, with no join.
    unit_path = models.CharField(max_length=255, db_index=True)
    page_id = models.PositiveIntegerField()
    page_type = models.CharField("loại trang", max_length=100)
    url = models.URLField("địa chỉ", max_length=500)
    title = models.CharField("tiêu đề", max_length=255)
    summary = models.TextField("tóm tắt", blank=True)
    image_url = models.CharField("ảnh", max_length=500, blank=True)
    category = models.CharField("chuyên mục", max_length=255, blank=True)
    language = models.CharField("ngôn ngữ", max_length=10, default="vi")
    published_at = models.DateTimeField("thời điểm đăng", db_index=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "tin từ cơ sở"
        verbose_name_plural = "tin từ cơ sở"
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "page_id"], name="unique_syndicated_page_per_unit"
            )
        ]
        indexes = [models.Index(fields=["unit_path", "-published_at"])]

    def __str__(self):
        return self.title
