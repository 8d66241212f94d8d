"""Views of the platform itself: unknown hosts, per-unit media, the unit list."""

import posixpath

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
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


def icecast_auth(request):
    """Icecast's listener check of a stream token (broadcast)."""
    from broadcast.views_streams import icecast_auth as check

    return check(request)


INTERNAL_PATHS = {
    "/_tls/ask/": tls_ask,
    "/healthz/": health,
    "/_icecast/auth/": icecast_auth,
}


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


# Folders whose files have their own checked view and are never served
# from /media/: Wagtail documents (collection privacy, WAGTAILDOCS_SERVE_METHOD
# = "serve_view") and bulletin attachments (sender's and recipients' views).
PROTECTED_MEDIA = ("documents/", "bulletins/")
# Types a browser may show in place; anything else is a download.
INLINE_TYPES = ("image/", "audio/", "video/")
# Images that can carry script (SVG) are downloads too.
SCRIPTABLE_TYPES = {"image/svg+xml"}
# Even an inline file runs nothing and loads nothing (an HTML page that
# slipped through is inert, a polyglot image gets no script).
MEDIA_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def unit_media(request, path):
    """Serve a file of the current unit's media folder only.

    Files live under MEDIA_ROOT/<schema>/; a URL naming another unit's
    schema is a 404 on this host, so one unit's uploads are never served
    under another unit's hostname; protected folders (documents, bulletin
    attachments, on the platform too) have their own views. Files are sent with
    ``nosniff`` and a sandboxing CSP, and anything not an image, audio or
    video as an attachment, so an upload cannot run script on the origin of
    the unit's admin.
    """
    schema = connection.schema_name
    normalized = posixpath.normpath(path).lstrip("/")
    head, _, rest = normalized.partition("/")
    if (
        head != schema
        or not rest
        or rest.startswith("..")
        or rest.startswith(PROTECTED_MEDIA)
    ):
        raise Http404("Không tìm thấy tệp.")
    response = serve(request, normalized, document_root=settings.MEDIA_ROOT)
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    if not content_type.startswith(INLINE_TYPES) or content_type in SCRIPTABLE_TYPES:
        filename = posixpath.basename(normalized)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        if not content_type.startswith(INLINE_TYPES):
            response["Content-Type"] = "application/octet-stream"
    return response


def platform_home(request):
    """The platform host lists the units it serves, with their sites."""
    from .models import Unit

    units = units_with_hostnames(
        Unit.objects.filter(provisioned_at__isnull=False).order_by("path")
    )
    return render(request, "tenants/platform_home.html", {"units": units})
