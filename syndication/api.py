"""The read API for portals hosted elsewhere (DRF, OpenAPI by drf-spectacular).

``GET /api/v1/syndication/items/`` lists the index: on a unit's host the
unit and everything below it, on the platform host every unit. Filters:
``unit`` (a unit code: that unit's subtree), ``category``, ``since`` (ISO
8601: items changed at or after it). Paged by ``page``/``page_size``.
"""

import datetime as dt

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from tenants.services import current_unit

from . import services
from .models import SyndicatedItem


def parse_since(value):
    """An ISO 8601 moment in UTC, or None when it is not one PostgreSQL can
    compare (month 13, an offset beyond ±15:59, a year out of range)."""
    try:
        since = parse_datetime(value.replace(" ", "+"))
        if since is not None and since.tzinfo is not None:
            since = since.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return since


class ItemSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name_with_type")

    class Meta:
        model = SyndicatedItem
        fields = [
            "id",
            "unit_code",
            "unit_name",
            "page_id",
            "page_type",
            "url",
            "title",
            "summary",
            "image_url",
            "category",
            "language",
            "published_at",
            "updated_at",
        ]


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema(
    summary="Tin từ cơ sở",
    description="Tin bài được đưa lên từ các đơn vị, mới nhất trước.",
    parameters=[
        OpenApiParameter("unit", OpenApiTypes.STR, description="mã đơn vị: cả cây"),
        OpenApiParameter("category", OpenApiTypes.STR, description="chuyên mục"),
        OpenApiParameter(
            "since", OpenApiTypes.DATETIME, description="thay đổi từ thời điểm này"
        ),
    ],
)
class ItemList(generics.ListAPIView):
    serializer_class = ItemSerializer
    pagination_class = Pagination

    def get_queryset(self):
        unit = current_unit()
        queryset = services.subtree_items(unit) if unit else services.portal_items(None)
        params = self.request.query_params
        since = None
        if params.get("since"):
            since = parse_since(params["since"])
            if since is None:
                raise ValidationError(
                    {"since": ["Thời điểm không hợp lệ, dùng dạng ISO 8601."]}
                )
        return services.filter_items(
            queryset,
            unit_code=params.get("unit", "").strip(),
            category=params.get("category", "").strip(),
            since=since,
        )
