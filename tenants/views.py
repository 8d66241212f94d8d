"""Views of the platform itself: unknown hosts, per-unit media, the unit list."""

import posixpath

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.static import serve

from .services import units_with_hostnames


def tls_ask(request):
    """For the reverse proxy's on-demand TLS: is this hostname one of ours?"""
    from .models import Domain

    domain = request.GET.get("domain", "").strip().lower()
    exists = bool(domain) and Domain.objects.filter(domain=domain).exists()
    return HttpResponse("ok" if exists else "", status=200 if exists else 404)


def health(request):
    """Liveness for the proxy and the process manager: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


INTERNAL_PATHS = {"/_tls/ask/": tls_ask, "/healthz/": health}


def unknown_host(request):
    """A host no unit owns: a plain Vietnamese 404, never a traceback.

    The proxy's internal checks reach the app under its container name, a
    host no unit owns; they are answered here.
    """
    if request.path in INTERNAL_PATHS:
        return INTERNAL_PATHS[request.path](request)
    host = request.get_host().split(":")[0] if request.META.get("HTTP_HOST") else ""
    return render(
        request,
        "tenants/unknown_host.html",
        {"host": host, "base_domain": settings.BASE_DOMAIN},
        status=404,
    )


def unit_media(request, path):
    """Serve a file of the current unit's media folder only.

    Files live under MEDIA_ROOT/<schema>/; a URL naming another unit's
    schema is a 404 on this host, so one unit's uploads are never served
    under another unit's hostname.
    """
    schema = connection.schema_name
    normalized = posixpath.normpath(path).lstrip("/")
    head, _, rest = normalized.partition("/")
    if head != schema or not rest or rest.startswith(".."):
        raise Http404("Không tìm thấy tệp.")
    return serve(request, normalized, document_root=settings.MEDIA_ROOT)


def platform_home(request):
    """The platform host lists the units it serves, with their sites."""
    from .models import Unit

    units = units_with_hostnames(
        Unit.objects.filter(provisioned_at__isnull=False).order_by("path")
    )
    return render(request, "tenants/platform_home.html", {"units": units})
