"""``{% syndicated_news limit=6 %}``: the latest items from the units below
the current one, for a district or provincial home page."""

from django import template

from tenants.services import current_unit

from .. import services

register = template.Library()


@register.inclusion_tag("syndication/tags/syndicated_news.html")
def syndicated_news(limit=6, title="Tin từ cơ sở"):
    unit = current_unit()
    items = list(services.portal_items(unit)[: int(limit)])
    return {"items": items, "title": title, "unit": unit}
