from django.db import connection


def current_unit(request):
    """The unit serving this request (None on the platform host)."""
    tenant = getattr(request, "tenant", None) or getattr(connection, "tenant", None)
    return {"current_unit": tenant}
