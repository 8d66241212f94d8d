"""API keys of machine clients (public schema).

A key belongs to the unit whose admin created it and works on the hosts of
that unit and of the units below it (a province's key on every site of the
province). Everything the API serves is public; a key gives a client its own
rate instead of the per-address public one, and a name in the logs.

Only a SHA-256 of the key is stored (the key is 32 random bytes: a slow hash
would add nothing); the key itself is shown once, when it is created.
"""

import hashlib
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

PREFIX_LENGTH = 8
KEY_PATTERN = re.compile(r"^ttcs_([a-z0-9]{8})_([A-Za-z0-9_-]{20,100})$")
RATE_PATTERN = re.compile(r"^\d{1,7}/\d{0,4}[smhd]$")


def hash_key(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def validate_rate(value):
    if not RATE_PATTERN.match(value or ""):
        raise ValidationError(
            "Nhập giới hạn dạng số lần/khoảng thời gian, ví dụ 600/m (mỗi phút), "
            "10000/h (mỗi giờ), 100/10s."
        )


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    name = models.CharField(
        "tên ứng dụng",
        max_length=150,
        help_text="Ai dùng khóa này, ví dụ “Cổng thông tin tỉnh”, “Ứng dụng di động”.",
    )
    prefix = models.CharField(
        "tiền tố", max_length=PREFIX_LENGTH, unique=True, editable=False
    )
    key_hash = models.CharField(max_length=64, editable=False)
    rate = models.CharField(
        "giới hạn yêu cầu",
        max_length=20,
        default="600/m",
        validators=[validate_rate],
        help_text="Số yêu cầu tối đa của khóa, ví dụ 600/m (mỗi phút).",
    )
    created_by = models.CharField("người tạo", max_length=150, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    last_used_at = models.DateTimeField("lần dùng gần nhất", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} (ttcs_{self.prefix}_…)"

    def masked(self):
        return f"ttcs_{self.prefix}_…"

    masked.short_description = "khóa"

    def state(self):
        return "Đã thu hồi" if self.is_revoked else "Đang dùng"

    state.short_description = "trạng thái"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def issue(self):
        """Give the key a fresh secret; returns the key, the only time it
        exists in clear. Call before the first save."""
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        raw = f"ttcs_{prefix}_{secrets.token_urlsafe(32)}"
        self.prefix = prefix
        self.key_hash = hash_key(raw)
        return raw

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def serves(self, unit):
        """Whether the key may be used on ``unit``'s host: its own unit or
        one below it; on the platform host (``None``), a province's key."""
        own = self.unit
        if unit is None:
            return own.kind == "province"
        return unit.pk == own.pk or (
            unit.structure == own.structure and unit.path.startswith(own.path + "/")
        )


def find_key(raw):
    """The key row for a presented key, revoked ones included; None if the
    key is malformed or unknown."""
    match = KEY_PATTERN.match(raw or "")
    if match is None:
        return None
    key = ApiKey.objects.select_related("unit").filter(prefix=match[1]).first()
    if key is None or not secrets.compare_digest(key.key_hash, hash_key(raw)):
        return None
    return key
