"""Routes of engage on the platform host."""

urlpatterns = []
