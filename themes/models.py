"""Per-unit look: one ThemeSettings row per unit's Site.

The theme names a palette shipped in static/css/site.css
(``[data-theme=...]``); logo and banner are the unit's own images; the
layout variant switches between a roomy and a compact home page.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class Theme(models.TextChoices):
    # Built-in palettes, all AA contrast for text on background and header.
    TRADITIONAL = "truyen-thong", "Truyền thống (đỏ – vàng)"
    RIVER = "song-nuoc", "Sông nước (xanh dương)"
    RICE = "lua-non", "Lúa non (xanh lá)"


class Layout(models.TextChoices):
    STANDARD = "tieu-chuan", "Tiêu chuẩn"
    COMPACT = "gon", "Gọn (ít hình ảnh, hợp mạng chậm)"


@register_setting(icon="image")
class ThemeSettings(BaseSiteSetting):
    theme = models.CharField(
        "chủ đề giao diện",
        max_length=20,
        choices=Theme.choices,
        default=Theme.TRADITIONAL,
    )
    layout = models.CharField(
        "bố cục", max_length=20, choices=Layout.choices, default=Layout.STANDARD
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="biểu trưng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="ảnh băng rôn",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    footer_text = models.CharField(
        "dòng chân trang",
        max_length=255,
        blank=True,
        help_text="Ví dụ: cơ quan chủ quản, địa chỉ, người chịu trách nhiệm.",
    )

    panels = [
        FieldPanel("theme"),
        FieldPanel("layout"),
        FieldPanel("logo"),
        FieldPanel("banner"),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "giao diện trang"
