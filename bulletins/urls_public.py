"""Routes of bulletins on the platform host."""

urlpatterns = []
