"""Public search pages: search with scope and facets, autocomplete, legal
document lookup, and the JSON API (in the OpenAPI schema)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from base.ratelimit import is_limited, ratelimit
from tenants.services import current_unit

from . import services
from .forms import LegalLookupForm, SearchForm
from .presenters import present

LIMITED_MESSAGE = (
    "Bạn tìm kiếm quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút."
)


def _default_scope(unit):
    """A portal searches its whole subtree ("Toàn tỉnh", "Toàn huyện"); a
    commune its own pages."""
    if unit is None or unit.kind == "province":
        return "province"
    if unit.kind == "district":
        return "district"
    return "unit"


@ratelimit("search")
def search_page(request):
    unit = current_unit()
    form = SearchForm(request.GET or None)
    context = {"form": form, "results": None, "unit": unit, "scopes": []}
    if unit is not None:
        context["scopes"] = list(services.SCOPE_LABELS.items())
        context["default_scope"] = _default_scope(unit)
    if request.limited:
        context["error"] = LIMITED_MESSAGE
        return render(request, "search/search.html", context, status=429)
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        scope = data["scope"] or _default_scope(unit)
        results = services.search(
            data["q"],
            scope_unit=unit,
            scope=scope,
            kinds=[data["kind"]] if data["kind"] else None,
            categories=[data["category"]] if data["category"] else None,
            years=[data["year"]] if data["year"] else None,
            units=[data["unit"]] if data["unit"] else None,
            page=data["page"] or 1,
        )
        context.update(results=present(results, request), query=data, scope=scope)
        params = request.GET.copy()
        params.pop("page", None)
        context["base_query"] = params.urlencode()
        for name in ("kind", "category", "year", "unit"):
            p = request.GET.copy()
            p.pop("page", None)
            p.pop(name, None)
            context[f"without_{name}"] = p.urlencode()
    elif form.is_bound and not form.is_valid():
        context["error"] = "Từ khóa hoặc bộ lọc không hợp lệ, hãy sửa lại."
    return render(request, "search/search.html", context)


@ratelimit("search", json=True, message=LIMITED_MESSAGE)
def autocomplete(request):
    unit = current_unit()
    scope = request.GET.get("scope") or _default_scope(unit)
    hits = services.autocomplete(
        request.GET.get("q", ""), scope_unit=unit, scope=scope, limit=8
    )
    return JsonResponse(
        {"suggestions": [{"title": h.title, "kind": h.kind} for h in hits]}
    )


@ratelimit("search")
def legal_lookup(request):
    unit = current_unit()
    form = LegalLookupForm(request.GET or None)
    context = {"form": form, "results": None, "unit": unit}
    if request.limited:
        context["error"] = LIMITED_MESSAGE
        return render(request, "search/legal_lookup.html", context, status=429)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = services.lookup_legal_documents(
            scope_unit=unit,
            scope=data["scope"] or "province",
            number=data["number"],
            doc_type=data["doc_type"],
            issuer=data["issuer"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            text=data["q"],
            page=data["page"] or 1,
        )
        context["results"] = present(results, request)
        params = request.GET.copy()
        params.pop("page", None)
        context["base_query"] = params.urlencode()
    return render(request, "search/legal_lookup.html", context)


# --- JSON API ----------------------------------------------------------------------


class HitSerializer(serializers.Serializer):
    id = serializers.CharField(source="doc_id", help_text="schema:loại:mã")
    title = serializers.CharField()
    url = serializers.CharField(source="link")
    unit = serializers.CharField(source="unit_name")
    kind = serializers.CharField()
    category = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    snippet = serializers.CharField(help_text="HTML, từ khớp trong <mark>")
    score = serializers.FloatField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    unit = FacetValueSerializer(many=True)
    kind = FacetValueSerializer(many=True)
    category = FacetValueSerializer(many=True)
    year = FacetValueSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    scope = serializers.CharField()
    total = serializers.IntegerField(help_text="ước tính nếu approximate")
    approximate = serializers.BooleanField(
        help_text="truy vấn rất rộng: chỉ xếp hạng các kết quả mới nhất"
    )
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = HitSerializer(many=True)
    facets = FacetsSerializer()


class SearchAPIView(APIView):
    """Tìm kiếm toàn văn trong chỉ mục chung của các đơn vị."""

    @extend_schema(
        operation_id="search",
        summary="Tìm kiếm (không phân biệt dấu)",
        parameters=[
            OpenApiParameter("q", str, description="Từ khóa, có hoặc không dấu"),
            OpenApiParameter(
                "scope", str, enum=list(services.SCOPES), description="Phạm vi"
            ),
            OpenApiParameter("kind", str, description="Loại: article, legal, ..."),
            OpenApiParameter("category", str, description="Lĩnh vực"),
            OpenApiParameter("year", int, description="Năm"),
            OpenApiParameter("unit", str, description="Schema của đơn vị"),
            OpenApiParameter("page", int, description="Trang, từ 1"),
        ],
        responses={200: SearchResponseSerializer},
        tags=["Tìm kiếm"],
    )
    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return Response(
                {"error": "Tham số không hợp lệ.", "fields": form.errors}, 400
            )
        if is_limited(request._request, "search"):
            return Response({"error": LIMITED_MESSAGE}, 429)
        unit = current_unit()
        data = form.cleaned_data
        scope = data["scope"] or _default_scope(unit)
        results = services.search(
            data["q"],
            scope_unit=unit,
            scope=scope,
            kinds=[data["kind"]] if data["kind"] else None,
            categories=[data["category"]] if data["category"] else None,
            years=[data["year"]] if data["year"] else None,
            units=[data["unit"]] if data["unit"] else None,
            page=data["page"] or 1,
        )
        present(results, request)
        payload = {
            "query": data["q"],
            "scope": scope,
            "total": results.estimated_total if results.approximate else results.total,
            "approximate": results.approximate,
            "page": results.page,
            "num_pages": results.num_pages,
            "results": results.hits,
            "facets": {
                ("unit" if name == "schema" else name): [
                    {"value": str(v), "label": label, "count": n}
                    for v, label, n in values
                ]
                for name, values in results.facet_list.items()
            },
        }
        return Response(SearchResponseSerializer(payload).data)


def search_url():
    return reverse("search:page")
