"""Security headers: one Content-Security-Policy for the public sites and
one for the admin (django-csp).

The public pages need no inline script or style and load nothing from
outside the server (fonts ship in static/). Wagtail's admin still writes a
few inline scripts (inline panels, date pickers) and many inline styles, so
its policy allows inline code but still loads only from the unit's own
origin. Responses that set their own policy (media files, Wagtail's document
view) keep it.
"""

from axes.backends import AxesStandaloneBackend
from csp.middleware import CSPMiddleware
from django.conf import settings


def is_admin_path(path):
    return path.startswith(tuple(settings.CSP_ADMIN_PATH_PREFIXES))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin_path(request.path):
            parts.config = settings.CSP_ADMIN_DIRECTIVES
        return parts


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' check on every log-in form. A log-in without a request
    (Django's test client, the shell) has no client to count and is not
    checked; every log-in form passes its request."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
