"""The one rate limit of every public view, built on django-ratelimit.

Rates live in ``settings.RATELIMITS`` (group -> "count/period"), read on each
request so a test or an operator can change one without touching code. The
client is identified by ``settings.RATELIMIT_KEY`` (a django-ratelimit key:
"ip", "user", or the dotted path of a ``(group, request) -> str`` function).

Nothing raises: a refused request reaches the view with ``request.limited``
set (django-ratelimit's ``block=False``), so a form re-renders with what the
citizen typed and a Vietnamese message. With ``json=True`` the decorator
answers a refused request itself with 429 ``{"error": "..."}``.

Counters sit in the default cache, whose keys carry the schema: every unit
counts its own visitors.
"""

import ipaddress
from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django_ratelimit import ALL, UNSAFE
from django_ratelimit.core import is_ratelimited

__all__ = ["ALL", "UNSAFE", "LIMITED_MESSAGE", "client_ip", "is_limited", "ratelimit"]

LIMITED_MESSAGE = (
    "Bạn đã gửi quá nhiều lần trong thời gian ngắn. Nội dung bạn nhập vẫn được "
    "giữ nguyên, vui lòng chờ vài phút rồi thử lại."
)


def _trusted_networks():
    return [
        ipaddress.ip_network(net.strip(), strict=False)
        for net in settings.TRUSTED_PROXY_NETWORKS
        if net.strip()
    ]


def _parse(address):
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def client_address(request):
    """The address of the person behind the request, as a string.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (the shipped Caddy: one)
    each proxy appends the address it received the request from to
    ``X-Forwarded-For``, so the client is the N-th address from the right;
    anything further left was written by the client and is ignored. The
    header is read only when the request comes from a trusted proxy
    (``REMOTE_ADDR`` in ``TRUSTED_PROXY_NETWORKS``): a client reaching the
    app directly cannot choose its own address. IPv6 clients count per /64,
    as django-ratelimit does.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    count = settings.TRUSTED_PROXY_COUNT
    address = remote
    if count > 0 and remote is not None:
        if any(remote in net for net in _trusted_networks()):
            hops = [
                hop
                for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()
            ]
            if len(hops) >= count:
                address = _parse(hops[-count]) or remote
    if address is None:
        return "0.0.0.0"
    if address.version == 6:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
        return str(
            ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address
        )
    return str(address)


def client_ip(group, request):
    """The default ``RATELIMIT_KEY``: the real client address (see
    ``client_address``), not the proxy's."""
    return client_address(request)


def rate_for(group, request=None):
    """The configured rate of ``group``; a missing group is a programming
    error, not a silent "unlimited"."""
    try:
        return settings.RATELIMITS[group]
    except KeyError:
        raise ImproperlyConfigured(
            f"settings.RATELIMITS has no rate for the group {group!r}."
        ) from None


def is_limited(request, group, *, key=None, method=ALL, increment=True, rate=None):
    """Count this request against ``group`` and say whether it is over the
    rate. Also sets ``request.limited`` (sticky: once limited, stays so).
    ``rate`` ("count/period") overrides ``settings.RATELIMITS[group]`` (an
    API key's own rate)."""
    limited = is_ratelimited(
        request,
        group=group,
        key=key or settings.RATELIMIT_KEY,
        rate=rate or rate_for,
        method=method,
        increment=increment,
    )
    request.limited = limited or getattr(request, "limited", False)
    return limited


def ratelimit(group, *, key=None, method=ALL, json=False, message=LIMITED_MESSAGE):
    """Decorate a view with the rate of ``settings.RATELIMITS[group]``.

    ``method``: which methods count (``"POST"`` for forms, so reading the
    empty form is free). ``key`` overrides ``RATELIMIT_KEY`` (e.g. "user").
    ``json=True``: a refused request gets 429 ``{"error": message}`` and the
    view is not called; otherwise the view runs and reads ``request.limited``.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if is_limited(request, group, key=key, method=method) and json:
                return JsonResponse({"error": message}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
