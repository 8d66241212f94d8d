"""The portal list "Tin từ cơ sở" on a unit's host (or on the platform)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from tenants.models import Unit
from tenants.services import current_unit

from . import services

PAGE_SIZE = 20


def portal(request):
    """Items from the units below the current one, filterable and paged."""
    unit = current_unit()
    base = services.portal_items(unit)
    unit_code = request.GET.get("don-vi", "").strip()
    category = request.GET.get("chuyen-muc", "").strip()
    items = services.filter_items(base, unit_code=unit_code, category=category)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("trang"))
    below = Unit.objects.filter(provisioned_at__isnull=False).exclude(kind="platform")
    if unit is not None:
        below = unit.descendants()
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "syndication/portal.html",
        {
            "items": page,
            "page_obj": page,
            "units": below.order_by("path"),
            "categories": services.categories(base),
            "selected_unit": unit_code,
            "selected_category": category,
            "query": query.urlencode(),
        },
    )
