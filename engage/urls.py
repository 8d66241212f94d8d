"""Routes of engage on a unit's host (included before the page tree)."""

urlpatterns = []
