"""Vocabulary shared by several apps.

``Priority``: the three levels of Thông tư 39/2020/TT-BTTTT, used by
bulletins, announcements (cms), broadcasts and boards: normal items are
offered and the commune decides; priority items go first; emergency items
play at once on every channel.
"""

from django.db import models
from django.db.models import Case, IntegerField, Value, When


class Priority(models.TextChoices):
    NORMAL = "normal", "Thông thường"
    PRIORITY = "priority", "Ưu tiên"
    EMERGENCY = "emergency", "Khẩn cấp"

    @property
    def rank(self):
        """0 normal, 1 priority, 2 emergency: higher goes first."""
        return _RANK[self.value]

    @classmethod
    def rank_of(cls, value):
        """The rank of a stored value; blank or unknown values rank as normal."""
        return _RANK.get(str(value or ""), 0)

    @classmethod
    def rank_expression(cls, field="priority"):
        """The rank as a database expression, for ``order_by("-rank")``."""
        return Case(
            *(
                When(**{field: value}, then=Value(rank))
                for value, rank in _RANK.items()
            ),
            default=Value(0),
            output_field=IntegerField(),
        )


_RANK = {
    Priority.NORMAL.value: 0,
    Priority.PRIORITY.value: 1,
    Priority.EMERGENCY.value: 2,
}
