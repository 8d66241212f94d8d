"""Security headers: one Content-Security-Policy for the public sites and
one for the admin (django-csp).

The public pages need no inline script or style and load nothing from
outside the server (fonts ship in static/). Wagtail's admin still writes a
few inline scripts (inline panels, date pickers) and many inline styles, so
its policy allows inline code but still loads only from the unit's own
origin. Responses that set their own policy (media files, Wagtail's document
view) keep it.
"""

from dataclasses import asdict

from axes.backends import AxesStandaloneBackend
from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


def is_admin_path(path):
    return path.startswith(tuple(settings.CSP_ADMIN_PATH_PREFIXES))


# Per-response changes django-csp reads (its decorators) and a nonce make a
# policy of their own; every other response gets the one built from settings.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_built = {}


@receiver(setting_changed)
def _forget_built_policies(**kwargs):
    _built.clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        # The common case (no nonce, no decorator, no report-only policy):
        # the header built once per policy, not twice per response.
        if (
            isinstance(getattr(request, "_csp_nonce", None), str)
            or any(hasattr(response, name) for name in _PER_RESPONSE)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (settings.CONTENT_SECURITY_POLICY or {}).get("EXCLUDE_URL_PREFIXES")
            or (response.status_code in (404, 500) and settings.DEBUG)
        ):
            return super().process_response(request, response)
        if HEADER not in response:
            admin = is_admin_path(request.path)
            if admin not in _built:
                parts = self.get_policy_parts(request, response)
                _built[admin] = build_policy(**asdict(parts))
            if _built[admin]:
                response[HEADER] = _built[admin]
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

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
