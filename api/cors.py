"""CORS for the API, for the province's own sites only.

django-cors-headers is not installed here (nor in requirements), and the
rule is small and ours: a browser page may call ``/api/`` from

- the platform host and any unit host (``BASE_DOMAIN`` and its subdomains,
  on the default port or ``PUBLIC_PORT``),
- any hostname in the units' ``Domain`` table (a commune's own domain),
- the origins listed in ``settings.API_CORS_ORIGINS`` (another portal of
  the province, e.g. ``https://dichvucong.example.gov.vn``).

Other origins get no CORS headers, so their pages cannot read the answers
(server-to-server clients use a key and do not need CORS). No credentials
are allowed: the API reads no cookie.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, X-API-Key, Accept, Accept-Language"
MAX_AGE = "86400"


def origin_allowed(origin):
    if origin in getattr(settings, "API_CORS_ORIGINS", ()):
        return True
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.path or parts.query or parts.username:
        return False
    host = parts.hostname.lower()
    base = settings.BASE_DOMAIN.lower()
    if port not in (None, 80, 443, settings.PUBLIC_PORT):
        return False
    if host == base or host.endswith("." + base):
        return True
    from tenants.models import Domain

    return Domain.objects.filter(domain=host).exists()


class ApiCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        origin = request.META.get("HTTP_ORIGIN")
        allowed = bool(origin) and origin_allowed(origin)
        preflight = (
            request.method == "OPTIONS"
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        )
        if preflight:
            response = HttpResponse(status=204 if allowed else 403)
            if allowed:
                response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = MAX_AGE
        else:
            response = self.get_response(request)
        if allowed:
            response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = ", ".join(v for v in (response.get("Vary"), "Origin") if v)
        return response
