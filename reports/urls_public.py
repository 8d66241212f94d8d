"""Routes of reports on the platform host."""

urlpatterns = []
