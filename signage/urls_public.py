"""Routes of signage on the platform host."""

urlpatterns = []
