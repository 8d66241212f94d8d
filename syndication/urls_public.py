"""Routes of syndication on the platform host."""

urlpatterns = []
