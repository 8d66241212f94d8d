"""The three priority levels of Thông tư 39/2020/TT-BTTTT, shared by
bulletins, announcements (cms) and broadcasts: normal items are offered and
the commune decides; priority items go first; emergency items play at once
on every channel."""

from django.db import models


class Priority(models.TextChoices):
    NORMAL = "normal", "Thông thường"
    PRIORITY = "priority", "Ưu tiên"
    EMERGENCY = "emergency", "Khẩn cấp"
