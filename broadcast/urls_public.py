"""Routes of broadcast on the platform host."""

urlpatterns = []
