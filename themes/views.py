"""Statements every unit's site carries, filled from the unit's identity:
the accessibility statement and the personal-data notice (NĐ 13/2023)."""

from django.shortcuts import render

from base.units import unit_or_404

from .identity import unit_identity
from .models import ThemeSettings


def _identity(request):
    unit = unit_or_404()
    theme = ThemeSettings.for_request(request)
    return unit_identity(unit, theme)


def accessibility_statement(request):
    return render(
        request,
        "themes/accessibility.html",
        {"identity": _identity(request)},
    )


def privacy_notice(request):
    return render(request, "themes/privacy.html", {"identity": _identity(request)})
