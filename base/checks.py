"""System checks of the shared pieces: the rate limits, the scoped admin."""

from django.apps import apps
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


def _public_apps():
    def label(app):
        return app.rsplit(".", 1)[-1]

    return {label(a) for a in settings.SHARED_APPS} - {
        label(a) for a in settings.TENANT_APPS
    }


def _admin_viewsets():
    """Every viewset the admin registers (groups expanded), built afresh from
    the hooks; snippet viewsets come from the snippet registry."""
    from wagtail import hooks
    from wagtail.admin.viewsets.base import ViewSetGroup
    from wagtail.snippets.models import get_snippet_models

    found = []

    def add(viewset):
        if isinstance(viewset, (list, tuple)):
            for item in viewset:
                add(item)
        elif isinstance(viewset, ViewSetGroup):
            for item in viewset.registerables:
                add(item)
        else:
            found.append(viewset)

    for fn in hooks.get_hooks("register_admin_viewset"):
        add(fn())
    for model in get_snippet_models():
        add(model.snippet_viewset)
    return found


@register("admin")
def check_admin_is_unit_scoped(app_configs=None, viewsets=None, **kwargs):
    """base.E003: an admin viewset over a public-schema model (a table every
    unit shares) that is not a ``base.admin.UnitScopedViewSet``: its views
    would show and change other units' rows."""
    from .admin import UnitScopedViewSet

    public = _public_apps()
    problems = []
    for viewset in _admin_viewsets() if viewsets is None else viewsets:
        model = getattr(viewset, "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        if model is None or model._meta.app_label not in public:
            continue
        if not isinstance(viewset, UnitScopedViewSet):
            problems.append(
                Error(
                    f"{type(viewset).__name__} shows {model._meta.label}, a table "
                    "every unit shares, without the unit scope.",
                    hint="Subclass base.admin.UnitScopedViewSet (set unit_lookup if "
                    "the model reaches its unit through a relation).",
                    obj=type(viewset),
                    id="base.E003",
                )
            )
    return problems
