"""Routes of syndication on a unit's host (included before the page tree)."""

from django.urls import path

from . import feeds, views

urlpatterns = [
    path("tin-tu-co-so/", views.portal, name="syndication_portal"),
    path("feeds/rss.xml", feeds.UnitFeed(), name="syndication_rss"),
    path("feeds/atom.xml", feeds.UnitAtomFeed(), name="syndication_atom"),
    path("feeds/tong-hop/rss.xml", feeds.AggregatedFeed(), name="syndication_all_rss"),
    path(
        "feeds/tong-hop/atom.xml",
        feeds.AggregatedAtomFeed(),
        name="syndication_all_atom",
    ),
    # The read API and its document are part of API v1 (api/urls.py).
]
