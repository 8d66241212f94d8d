"""Administrative units: the tenants of the platform.

Every unit (province, district, commune, ward, township) owns one PostgreSQL
schema with its own Wagtail site. The hierarchy is a tree of any depth, so
both the pre-2025 three-level structure and the post-2025 two-level one fit.
"""

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class UnitKind(models.TextChoices):
    PLATFORM = "platform", "Nền tảng"
    PROVINCE = "province", "Tỉnh/Thành phố"
    DISTRICT = "district", "Quận/Huyện/Thị xã"
    COMMUNE = "commune", "Xã"
    WARD = "ward", "Phường"
    TOWNSHIP = "township", "Thị trấn"
    # A provincial or district department (sở, ngành): a source of essential
    # information under its province/district, with officers but no website.
    DEPARTMENT = "department", "Sở, ngành"


# Units that are communes for the coverage targets ("xã, phường, thị trấn").
COMMUNE_KINDS = ("commune", "ward", "township")


class Structure(models.IntegerChoices):
    PRE_2025 = 2020, "Ba cấp (trước 1/7/2025)"
    POST_2025 = 2025, "Hai cấp (từ 1/7/2025)"


class Unit(TenantMixin):
    code = models.CharField("mã đơn vị hành chính", max_length=10)
    structure = models.PositiveSmallIntegerField(
        "cấu trúc", choices=Structure.choices, default=Structure.POST_2025
    )
    name = models.CharField("tên", max_length=200)
    name_with_type = models.CharField("tên đầy đủ", max_length=255, blank=True)
    kind = models.CharField("cấp", max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Codes from the root down, joined by "/": descendants are a prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    slug = models.SlugField("tên miền con", max_length=100, unique=True)
    languages = models.JSONField(
        "ngôn ngữ",
        default=list,
        blank=True,
        help_text="Mã ngôn ngữ ngoài tiếng Việt, ví dụ km, en.",
    )
    provisioned_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # The schema is created by tenants.services.provision_unit, which clones
    # the template schema and then sets hostname, Site, locales and pages.
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "code"], name="unique_unit_code_per_structure"
            )
        ]

    def __str__(self):
        return self.name_with_type or self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.code}" if self.parent else self.code
        super().save(*args, **kwargs)

    @property
    def is_public(self):
        return self.schema_name == "public"

    @property
    def primary_hostname(self):
        domain = self.get_primary_domain()
        return domain.domain if domain else None

    def ancestors(self):
        """Units above this one, from the root down."""
        codes = self.path.split("/")[:-1]
        found = {
            u.code: u
            for u in Unit.objects.filter(structure=self.structure, code__in=codes)
        }
        return [found[c] for c in codes if c in found]

    def descendants(self, include_self=False):
        qs = Unit.objects.filter(
            structure=self.structure, path__startswith=self.path + "/"
        )
        if include_self:
            qs = qs | Unit.objects.filter(pk=self.pk)
        return qs

    def subtree_schemas(self):
        return list(
            self.descendants(include_self=True).values_list("schema_name", flat=True)
        )


class Domain(DomainMixin):
    class Meta:
        verbose_name = "tên miền"
        verbose_name_plural = "tên miền"

    def __str__(self):
        return self.domain


class HamletKind(models.TextChoices):
    AP = "ap", "Ấp"
    KHOM = "khom", "Khóm"
    TO_DAN_PHO = "to_dan_pho", "Tổ dân phố"
    THON = "thon", "Thôn"
    KHU_PHO = "khu_pho", "Khu phố"
    BAN = "ban", "Bản"
    KHU_DAN_CU = "khu_dan_cu", "Khu dân cư"


class Hamlet(models.Model):
    """One hamlet or residential group (ấp, khóm, tổ dân phố, thôn) of a unit.

    The registry the coverage targets are counted against: "radio reaching
    every hamlet" is clusters per hamlet (``broadcast.SpeakerCluster.hamlet_ref``),
    "one propagandist per hamlet" is ``reports.Propagandist.hamlet``. It lives in
    the public schema beside ``Unit`` so a province can count its whole subtree
    in one query.
    """

    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="hamlets",
    )
    name = models.CharField("tên", max_length=200)
    kind = models.CharField(
        "loại", max_length=16, choices=HamletKind.choices, default=HamletKind.AP
    )
    population = models.PositiveIntegerField("số dân", null=True, blank=True)
    households = models.PositiveIntegerField("số hộ", null=True, blank=True)
    is_active = models.BooleanField(
        "còn sử dụng",
        default=True,
        help_text="Bỏ chọn khi ấp/khóm đã sáp nhập; dữ liệu cũ vẫn giữ.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ấp/khóm/tổ dân phố"
        verbose_name_plural = "ấp/khóm/tổ dân phố"
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"], name="unique_hamlet_name_per_unit"
            )
        ]

    def __str__(self):
        # Names are usually typed with their kind ("Ấp Phú Hữu"); add it if not.
        lowered = self.name.lower()
        if any(lowered.startswith(label.lower()) for label in HamletKind.labels):
            return self.name
        return f"{self.get_kind_display()} {self.name}"
