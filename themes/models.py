"""Per-unit look: one ThemeSettings row per unit's Site.

The theme names a palette shipped in themes/static/css/site.css
(``[data-theme=...]``); logo and banner are the unit's own images; the
layout variant switches between a roomy and a compact home page.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
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
        help_text="Một dòng thêm dưới thông tin cơ quan.",
    )

    # The footer Nghị định 42/2022 (Điều 8) requires on every page, and the
    # unit's contacts (Liên hệ falls back to them). Empty fields fall back to
    # what the unit's own data says (themes.identity.unit_identity).
    owner_agency = models.CharField(
        "cơ quan chủ quản",
        max_length=255,
        blank=True,
        help_text="Để trống: “Ủy ban nhân dân” + tên đơn vị.",
    )
    responsible_person = models.CharField(
        "người chịu trách nhiệm chính", max_length=255, blank=True
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=60, blank=True)
    hotline = models.CharField("đường dây nóng", max_length=60, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    office_hours = models.CharField(
        "giờ làm việc",
        max_length=255,
        blank=True,
        help_text="Ví dụ: Thứ Hai – Thứ Sáu, 7:00 – 11:30 và 13:30 – 17:00.",
    )
    licence = models.CharField(
        "giấy phép",
        max_length=255,
        blank=True,
        help_text="Số giấy phép thiết lập trang/cổng thông tin điện tử, nếu có.",
    )
    map_url = models.URLField("đường dẫn bản đồ", max_length=500, blank=True)

    panels = [
        FieldPanel("theme"),
        FieldPanel("layout"),
        FieldPanel("logo"),
        FieldPanel("banner"),
        MultiFieldPanel(
            [
                FieldPanel("owner_agency"),
                FieldPanel("responsible_person"),
                FieldPanel("address"),
                FieldRowPanel(
                    [FieldPanel("phone"), FieldPanel("hotline"), FieldPanel("email")]
                ),
                FieldPanel("office_hours"),
                FieldPanel("licence"),
                FieldPanel("map_url"),
            ],
            heading="Thông tin cơ quan (chân trang theo Nghị định 42/2022)",
        ),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "giao diện trang"

    @classmethod
    def for_site(cls, site):
        # Read on every page (chrome, footer): kept per unit in the web
        # process until a save bumps the unit's generation (cms.memo).
        from cms.memo import memo

        parent = super().for_site
        return memo(
            ("settings", cls._meta.label, getattr(site, "pk", None)),
            lambda: parent(site),
        )
