"""System checks of the shared pieces: the rate limits."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string
from django_ratelimit.core import _SIMPLE_KEYS, rate_re


@register("ratelimit")
def check_rate_limits(app_configs=None, **kwargs):
    """base.E001: a rate in RATELIMITS that django-ratelimit cannot read
    (it would fail on the first request of that view, not at start-up);
    base.E002: a RATELIMIT_KEY that is neither a known key nor importable."""
    problems = [
        Error(
            f"RATELIMITS[{group!r}] = {rate!r} is not a rate.",
            hint='Write "count/period", e.g. "5/m" or "5/10m" (s, m, h, d).',
            obj=f"RATELIMITS[{group!r}]",
            id="base.E001",
        )
        for group, rate in settings.RATELIMITS.items()
        if not (isinstance(rate, str) and rate_re.fullmatch(rate))
    ]
    key = settings.RATELIMIT_KEY
    if not callable(key) and key not in _SIMPLE_KEYS and ":" not in str(key):
        try:
            import_string(key)
        except ImportError as exc:
            problems.append(
                Error(
                    f"RATELIMIT_KEY {key!r} is not a key function: {exc}",
                    hint='Use "ip", "user" or the dotted path of a '
                    "(group, request) -> str function.",
                    obj="RATELIMIT_KEY",
                    id="base.E002",
                )
            )
    return problems
