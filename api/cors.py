"""CORS for the API, for the province's own sites only.

django-cors-headers answers for ``/api/`` (settings: the platform host and
every unit host under ``BASE_DOMAIN``, and the ``API_CORS_ORIGINS`` of the
environment). What it
cannot know from settings is a commune's own domain name, kept in the
units' ``Domain`` table: this receiver of its ``check_request_enabled``
signal allows those origins, for ``/api/`` only (a truthy answer would also
switch CORS on for the site's pages).

Other origins get no CORS headers, so their pages cannot read the answers
(server-to-server clients use a key and do not need CORS). No credentials
are allowed: the API reads no cookie.
"""

from urllib.parse import urlsplit

from corsheaders.signals import check_request_enabled
from django.conf import settings
from django.dispatch import receiver


def unit_domain_origin(origin):
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.path or parts.query or parts.username:
        return False
    if port not in (None, 80, 443, settings.PUBLIC_PORT):
        return False
    from tenants.models import Domain

    return Domain.objects.filter(domain=parts.hostname.lower()).exists()


@receiver(check_request_enabled, dispatch_uid="api_cors_unit_domains")
def allow_unit_domains(sender, request, **kwargs):
    if not request.path_info.startswith("/api/"):
        return False
    origin = request.headers.get("Origin")
    return bool(origin) and unit_domain_origin(origin)
