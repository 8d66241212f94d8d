"""Routes of syndication on a unit's host (included before the page tree)."""

urlpatterns = []
