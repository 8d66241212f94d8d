"""RSS 2.0 and Atom feeds of the index (Django's syndication framework).

On a unit's host: ``/feeds/rss.xml`` and ``/feeds/atom.xml`` carry the unit's
own items; ``/feeds/tong-hop/rss.xml`` and ``/feeds/tong-hop/atom.xml`` the
items of every unit below it (on the platform host: of all units).
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from tenants.services import current_unit

from . import services

FEED_SIZE = 50


class UnitFeed(Feed):
    feed_type = Rss201rev2Feed
    aggregated = False

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return current_unit()

    def title(self, unit):
        name = unit.name_with_type if unit else "Hệ thống thông tin cơ sở"
        return f"Tin từ cơ sở – {name}" if self.aggregated else name

    def link(self, unit):
        return "/tin-tu-co-so/" if self.aggregated else "/"

    def description(self, unit):
        name = unit.name_with_type if unit else "các đơn vị"
        if self.aggregated:
            return f"Tin bài của các đơn vị trực thuộc {name}."
        return f"Tin bài mới của {name}."

    def items(self, unit):
        if self.aggregated or unit is None:
            queryset = services.portal_items(unit)
        else:
            queryset = services.unit_items(unit)
        category = self.request.GET.get("chuyen-muc")
        return services.filter_items(queryset, category=category)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return f"{item.unit.schema_name}:{item.page_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.unit.name_with_type

    def item_categories(self, item):
        return [item.category] if item.category else []

    def item_enclosures(self, item):
        return []


class UnitAtomFeed(UnitFeed):
    feed_type = Atom1Feed
    subtitle = UnitFeed.description


class AggregatedFeed(UnitFeed):
    aggregated = True


class AggregatedAtomFeed(UnitAtomFeed):
    aggregated = True
