"""Routes of search on the platform host."""

urlpatterns = []
