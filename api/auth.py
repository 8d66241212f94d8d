"""Who is calling, and how often they may (every DRF view, by settings).

``ApiKeyAuthentication``: a key in ``Authorization: ApiKey <key>`` (or
``X-API-Key``). No key: an anonymous citizen's app, with the public rates.
An unknown or malformed key is a 401; a revoked key, or a key used on a host
outside its unit's subtree, a 403 (Vietnamese messages, ``api.errors``).

``ApiRateThrottle``: a keyed client counts against its key's own rate
(``ApiKey.rate``); an anonymous one against ``RATELIMITS["api"]`` per address
for reading and, for what a citizen sends (questions, feedback, survey
answers), the same ``RATELIMITS["engage.form"]`` as the site's forms.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import authentication, exceptions, throttling

from base.ratelimit import is_limited
from tenants.services import current_unit

from .models import ApiKey, find_key

KEY_UNKNOWN = (
    "Khóa API không đúng. Hãy kiểm tra lại khóa (dạng ttcs_…) hoặc bỏ khóa để "
    "dùng API công khai."
)
KEY_REVOKED = "Khóa API này đã bị thu hồi. Hãy xin đơn vị cấp khóa mới."
KEY_ELSEWHERE = (
    "Khóa API này không dùng được trên trang của đơn vị này: khóa chỉ dùng cho "
    "đơn vị đã cấp khóa và các đơn vị trực thuộc."
)
SCHEME = "ApiKey"


def presented_key(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in ("apikey", "api-key"):
            return value.strip()
        return None
    return request.META.get("HTTP_X_API_KEY", "").strip() or None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        raw = presented_key(request)
        if raw is None:
            if header:  # another scheme (Basic, Bearer...): not ours
                raise exceptions.AuthenticationFailed(KEY_UNKNOWN)
            return None
        key = find_key(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(KEY_UNKNOWN)
        if key.is_revoked:
            raise exceptions.PermissionDenied(KEY_REVOKED)
        if not key.serves(current_unit()):
            raise exceptions.PermissionDenied(KEY_ELSEWHERE)
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return AnonymousUser(), key

    def authenticate_header(self, request):
        # A WWW-Authenticate value makes DRF answer 401, not 403.
        return SCHEME


def _key_of(api_key):
    return lambda group, request: f"key:{api_key.pk}"


class ApiRateThrottle(throttling.BaseThrottle):
    def allow_request(self, request, view):
        django_request = request._request
        api_key = request.auth if isinstance(request.auth, ApiKey) else None
        if api_key is not None:
            return not is_limited(
                django_request, "api", key=_key_of(api_key), rate=api_key.rate
            )
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            group = getattr(view, "write_rate_group", "engage.form")
            if is_limited(django_request, group):
                return False
        return not is_limited(django_request, "api")

    def wait(self):
        return 60
